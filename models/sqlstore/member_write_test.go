package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestStore_CreateMember(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		in := models.MemberInput{Name: " 欧阳明 ", UnitID: r.eastOffice, Post: " 科员 ", Key: true, KeyReason: "有对立情绪"}
		m, err := s.CreateMember(ctx, r.eastSup, in)
		if err != nil {
			t.Fatalf("CreateMember: %v", err)
		}
		if m.ID == 0 || m.Name != "欧阳明" || m.Post != "科员" || m.Rank != models.RankOther || m.NamePinyin != "ouyangming" || m.NameInitials != "oym" {
			t.Errorf("member = %+v", m)
		}
		if n := count(t, s, "audit_events", "action = ? AND member_id = ?", models.AuditMemberCreate, m.ID); n != 1 {
			t.Errorf("member_create audit rows = %d, want 1", n)
		}
		_, err = s.CreateMember(ctx, r.admin, in)
		wantErr(t, "same name in the same unit", err, models.ErrDuplicate)
		_, err = s.CreateMember(ctx, r.eastSup, models.MemberInput{Name: "越界", UnitID: r.westPatrol})
		wantErr(t, "supervisor writes into a sibling unit", err, models.ErrNotFound)
		_, err = s.CreateMember(ctx, r.east1, models.MemberInput{Name: "检查员写", UnitID: r.east})
		wantDenied(t, s, "inspector creates a member", err, r.east1, models.AuditMemberCreate)
		for name, bad := range map[string]models.MemberInput{
			"empty name": {Name: "  ", UnitID: r.east},
			"long name":  {Name: strings.Repeat("名", 65), UnitID: r.east},
			"long post":  {Name: "甲", UnitID: r.east, Post: strings.Repeat("职", 129)},
			"bad rank":   {Name: "甲", UnitID: r.east, Rank: "general"},
			"long key":   {Name: "甲", UnitID: r.east, KeyReason: strings.Repeat("因", 257)},
		} {
			_, err := s.CreateMember(ctx, r.admin, bad)
			wantErr(t, "CreateMember "+name, err, models.ErrInvalid)
		}
	})
}

func TestStore_UpdateMember(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		m, err := s.UpdateMember(ctx, r.eastSup, r.liSi.ID, models.MemberPatch{
			Name: ptr("吕四"), Post: ptr("村委会主任"), Key: ptr(false),
			AssigneeID: ptr(int64(inspectorTG)), IntervalMonths: ptr(3),
		})
		if err != nil {
			t.Fatalf("UpdateMember: %v", err)
		}
		if m.Name != "吕四" || m.NamePinyin != "lvsi" || m.NameInitials != "ls" || m.Key || m.Post != "村委会主任" ||
			m.AssigneeID == nil || *m.AssigneeID != inspectorTG || m.IntervalMonths != 3 || !m.UpdatedAt.After(r.liSi.UpdatedAt) {
			t.Errorf("updated member = %+v", m)
		}
		got, _, _, _ := s.MemberSanctions(ctx, r.admin, r.liSi.ID)
		if got.Name != "吕四" || got.NamePinyin != "lvsi" || got.IntervalMonths != 3 || got.KeyReason != r.liSi.KeyReason {
			t.Errorf("stored member = %+v", got)
		}
		wantDetail := "fields=name,post,key,assignee_id,interval_months"
		if n := count(t, s, "audit_events", "action = ? AND member_id = ? AND detail = ?", models.AuditMemberUpdate, r.liSi.ID, wantDetail); n != 1 {
			t.Errorf("member_update audit rows with %q = %d, want 1", wantDetail, n)
		}
		// An unchanged patch writes nothing.
		if _, err := s.UpdateMember(ctx, r.admin, r.liSi.ID, models.MemberPatch{Post: ptr("村委会主任")}); err != nil {
			t.Errorf("no-op UpdateMember: %v", err)
		}
		if n := count(t, s, "audit_events", "action = ?", models.AuditMemberUpdate); n != 1 {
			t.Errorf("member_update audit rows after a no-op = %d, want 1", n)
		}
		if m, err := s.UpdateMember(ctx, r.admin, r.liSi.ID, models.MemberPatch{AssigneeID: ptr(int64(0)), IntervalMonths: ptr(0)}); err != nil || m.AssigneeID != nil {
			t.Errorf("clearing the assignee = %+v, %v", m.AssigneeID, err)
		}
		checkUpdateMemberRefusals(t, s, r)
	})
}

func checkUpdateMemberRefusals(t *testing.T, s *sqlstore.Store, r roster) {
	t.Helper()
	ctx := context.Background()
	_, err := s.UpdateMember(ctx, r.westSup, r.liSi.ID, models.MemberPatch{Post: ptr("x")})
	wantErr(t, "update a member of a sibling unit", err, models.ErrNotFound)
	_, err = s.UpdateMember(ctx, r.eastSup, r.liSi.ID, models.MemberPatch{UnitID: &r.westPatrol})
	wantErr(t, "move a member to a sibling unit", err, models.ErrNotFound)
	_, err = s.UpdateMember(ctx, r.east1, r.liSi.ID, models.MemberPatch{Post: ptr("x")})
	wantDenied(t, s, "inspector updates a member", err, r.east1, models.AuditMemberUpdate)
	_, err = s.UpdateMember(ctx, r.admin, r.zhangEast.ID, models.MemberPatch{Name: ptr("王五")})
	wantErr(t, "rename onto a member of the same unit", err, models.ErrDuplicate)
	for name, p := range map[string]models.MemberPatch{
		"west inspector for an east member": {AssigneeID: ptr(int64(westTG))},
		"an admin as assignee":              {AssigneeID: ptr(int64(adminTG))},
		"unknown assignee":                  {AssigneeID: ptr(int64(42))},
		"interval of 25 months":             {IntervalMonths: ptr(25)},
		"empty name":                        {Name: ptr(" ")},
		"unknown rank":                      {Rank: ptr(models.Rank("x"))},
	} {
		_, err := s.UpdateMember(ctx, r.admin, r.liSi.ID, p)
		wantErr(t, "UpdateMember with "+name, err, models.ErrInvalid)
	}
	// A supervisor above the member's unit may be assigned; one of a
	// sibling township may not, even by an admin.
	if _, err := s.UpdateMember(ctx, r.admin, r.liSi.ID, models.MemberPatch{AssigneeID: ptr(int64(rootTG))}); err != nil {
		t.Errorf("assign the root supervisor: %v", err)
	}
	_, err = s.UpdateMember(ctx, r.admin, r.liSi.ID, models.MemberPatch{AssigneeID: ptr(int64(westSupTG))})
	wantErr(t, "assign the west supervisor", err, models.ErrInvalid)
}

func TestStore_SearchMembersPinyin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		for _, m := range []models.MemberInput{
			{Name: "张珊", UnitID: r.eastOffice}, {Name: "赵武", UnitID: r.eastOffice}, {Name: "Zs", UnitID: r.eastOffice},
		} {
			if _, err := s.CreateMember(ctx, r.admin, m); err != nil {
				t.Fatal(err)
			}
		}
		names := func(v models.Viewer, q string) []string {
			t.Helper()
			got, err := s.SearchMembers(ctx, v, q, 0)
			if err != nil {
				t.Errorf("SearchMembers(%q): %v", q, err)
			}
			var out []string
			for _, m := range got {
				out = append(out, m.Member.Name)
			}
			return out
		}
		tests := []struct {
			query string
			want  string // names in order
		}{
			{"zs", "Zs,张三,张三,张珊"}, // exact initials and name first, then by name
			{"ZS", "Zs,张三,张三,张珊"},
			{"zhang", "张三,张三,张珊"},
			{"zhangs", "张三,张三,张珊"},
			{"zhangsan", "张三,张三"}, // 张珊 is zhangshan
			{"zhangshan", "张珊"},
			{"zw", "赵武"},
			{"zhaow", "赵武"},
		}
		for _, tt := range tests {
			if got := strings.Join(names(r.admin, tt.query), ","); got != tt.want {
				t.Errorf("SearchMembers(%q) = %s, want %s", tt.query, got, tt.want)
			}
		}
		if got := names(r.west1, "zhangsan"); len(got) != 1 {
			t.Errorf("west inspector's zhangsan = %v, want the 西山 张三 only", got)
		}
		_, err := s.SearchMembers(ctx, r.admin, "zhs", 0)
		wantErr(t, "SearchMembers(zhs)", err, models.ErrNotFound)
		if got := names(r.admin, "张三"); len(got) != 2 {
			t.Errorf("SearchMembers(张三) = %v", got)
		}
	})
}

func TestStore_BackfillPinyin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		loadDemo(t, s)
		if err := sqlstore.ExecForTest(ctx, s, "UPDATE members SET name_pinyin = '', name_initials = ''"); err != nil {
			t.Fatal(err)
		}
		if err := sqlstore.BackfillPinyinForTest(ctx, s); err != nil {
			t.Fatalf("backfill: %v", err)
		}
		if n := count(t, s, "members", "name_pinyin = '' OR name_initials = ''"); n != 0 {
			t.Errorf("%d members without pinyin after the backfill", n)
		}
		if n := count(t, s, "members", "name = ? AND name_pinyin = ? AND name_initials = ?", "张三", "zhangsan", "zs"); n != 2 {
			t.Errorf("张三 rows with zhangsan/zs = %d, want 2", n)
		}
	})
}
