package sqlstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestStore_Scope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		sees := func(v models.Viewer, m models.Member) bool {
			t.Helper()
			_, _, sanctions, err1 := s.MemberSanctions(ctx, v, m.ID)
			_, err2 := s.MemberStatus(ctx, v, models.CalendarRules{}, m.ID, today)
			_, err3 := s.SearchMembers(ctx, v, strconv.FormatUint(m.ID, 10), 0)
			if err1 == nil && err2 == nil && err3 == nil {
				return true
			}
			for i, err := range []error{err1, err2, err3} {
				wantErr(t, "out of scope #"+strconv.Itoa(i), err, models.ErrNotFound)
			}
			if err1 != nil && sanctions != nil {
				t.Error("MemberSanctions returned sanctions with an error")
			}
			return false
		}
		orphan := models.Viewer{TelegramID: 5, Role: models.RoleInspector} // unit 0
		noRole := models.Viewer{TelegramID: 6, UnitID: d.root}
		tests := []struct {
			name   string
			viewer models.Viewer
			member models.Member
			want   bool
		}{
			{"OwnTownship", d.east1, d.liSi, true},
			{"SiblingTownship", d.west1, d.liSi, false},
			{"SiblingSameName", d.west1, d.zhangEast, false},
			{"OwnSameName", d.west1, d.zhangWest, true},
			{"Parent", d.up, d.liSi, true},
			{"AdminWithoutUnit", d.admin, d.zhangWest, true},
			{"NoUnit", orphan, d.liSi, false},
			{"NoRoleIsNotAdmin", noRole, d.liSi, true},
			{"UnknownMember", d.admin, models.Member{ID: 999_999}, false},
		}
		for _, tt := range tests {
			if got := sees(tt.viewer, tt.member); got != tt.want {
				t.Errorf("%s: sees = %v, want %v", tt.name, got, tt.want)
			}
		}
		// Refused views are audited too, without saying why.
		n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND member_id = ? AND detail = ?",
			models.AuditOpenMember, westTG, d.liSi.ID, "result=not_found")
		if n != 1 {
			t.Errorf("refused open_member audit rows = %d, want 1", n)
		}
		got, err := s.SearchMembers(ctx, d.east1, "张三", 0)
		if err != nil || len(got) != 1 || got[0].Member.ID != d.zhangEast.ID {
			t.Errorf("east inspector's 张三 = %+v, %v; want only the 东湖 one", got, err)
		}
		_, err = s.SearchMembers(ctx, d.west1, "李四", 0)
		wantErr(t, "SearchMembers sibling", err, models.ErrNotFound)

	})
}

func TestStore_ScopeCreateVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		_, sn := mustMember(t, s, d.eastOffice, "范围测试", today)
		before := count(t, s, "visits", "")
		_, err := s.CreateVisit(ctx, d.west1, newVisit(sn.MemberID, "scope-1", today), []uint64{sn.ID})
		wantErr(t, "CreateVisit sibling", err, models.ErrNotFound)
		if after := count(t, s, "visits", ""); after != before {
			t.Errorf("visits after refused CreateVisit = %d, want %d", after, before)
		}
		if n := count(t, s, "audit_events", "action = ?", models.AuditCreateVisit); n != 0 {
			t.Errorf("create_visit audit rows = %d, want 0", n)
		}
		created, err := s.CreateVisit(ctx, d.up, newVisit(sn.MemberID, "scope-2", today), []uint64{sn.ID})
		if err != nil || !created {
			t.Errorf("CreateVisit by the parent unit = %v, %v", created, err)
		}
	})
}

func TestStore_SearchMembers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		names := []string{"百分%号", "下划_线", "叹号!号", "反斜\\杠", "普通号", "引号'号", "张三丰"}
		ids := map[string]uint64{}
		for _, n := range names {
			m, _ := mustMember(t, s, d.westPatrol, n, today)
			ids[n] = m.ID
		}
		names2 := func(ms []models.MemberMatch) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Member.Name)
			}
			return out
		}
		tests := []struct {
			name, query string
			want        []string
		}{
			{"ByID", " " + strconv.FormatUint(ids["普通号"], 10) + " ", []string{"普通号"}},
			{"ExactOverSubstring", "张三", []string{"张三", "张三"}},
			{"Substring", "三丰", []string{"张三丰"}},
			{"Percent", "%", []string{"百分%号"}},
			{"Underscore", "_", []string{"下划_线"}},
			{"Bang", "!", []string{"叹号!号"}},
			{"Backslash", "\\", []string{"反斜\\杠"}},
			{"Quote", "'", []string{"引号'号"}},
			{"SubstringOrderedByName", "号", []string{"叹号!号", "引号'号", "普通号", "百分%号"}},
		}
		for _, tt := range tests {
			got, err := s.SearchMembers(ctx, d.admin, tt.query, 0)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if tt.name == "SubstringOrderedByName" {
				if len(got) != len(tt.want) {
					t.Errorf("%s: got %v", tt.name, names2(got))
				}
				continue // collation order differs between engines
			}
			if diff := cmp.Diff(tt.want, names2(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
		zs := mustSearch(t, s, d.admin, "张三")
		if zs[0].Member.ID > zs[1].Member.ID || zs[0].UnitName == zs[1].UnitName || zs[0].Member.Post == zs[1].Member.Post {
			t.Errorf("the two 张三 = %+v", zs)
		}
		for _, q := range []string{"%%", "无此人", "", "   ", "99999999999999999999999"} {
			_, err := s.SearchMembers(ctx, d.admin, q, 0)
			wantErr(t, "SearchMembers("+q+")", err, models.ErrNotFound)
		}
		if got, err := s.SearchMembers(ctx, d.admin, "号", 2); err != nil || len(got) != 2 {
			t.Errorf("limit 2: %d results, %v", len(got), err)
		}
		checkSearchAudit(t, s)
	})
}

// checkSearchAudit checks that every search left one row with a count and
// no query text.
func checkSearchAudit(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	audit, err := sqlstore.AuditForTest(context.Background(), s, models.AuditSearch)
	if err != nil {
		t.Fatal(err)
	}
	// 3 searches by loadDemo, 9 in the table, 1 for the two 张三, 3 that
	// find nothing, 1 with a limit; the two blank queries are refused
	// before the transaction.
	if len(audit) != 17 {
		t.Errorf("search_member rows = %d, want 17", len(audit))
	}
	last := audit[len(audit)-1]
	if last.Detail != "results=2" || last.MemberID != nil || last.ActorID != adminTG {
		t.Errorf("last search audit = %+v", last)
	}
	for _, a := range audit {
		if len(a.Detail) > len("results=100") {
			t.Errorf("audit detail %q carries more than a count", a.Detail)
		}
	}
}

func TestStore_MemberSanctions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		m, first := mustMember(t, s, d.eastOffice, "多次处分", models.DateOf(time.Now()).AddDate(-1, 0, 0))
		second := models.Sanction{MemberID: m.ID, Kind: models.GovDemerit, DecisionNo: "测试〔二〕号",
			DecisionDate: first.DecisionDate.AddDate(0, 3, 0), EffectiveDate: first.DecisionDate.AddDate(0, 3, 0)}
		if err := sqlstore.InsertForTest(ctx, s, &second); err != nil {
			t.Fatal(err)
		}
		got, unit, sanctions, err := s.MemberSanctions(ctx, d.east1, m.ID)
		if err != nil {
			t.Fatalf("MemberSanctions: %v", err)
		}
		if got.Name != "多次处分" || unit != "东湖镇机关党支部（演示）" {
			t.Errorf("member %q in %q", got.Name, unit)
		}
		if len(sanctions) != 2 || sanctions[0].ID != second.ID || sanctions[1].ID != first.ID {
			t.Errorf("sanctions not newest first: %+v", sanctions)
		}
		audit, err := sqlstore.AuditForTest(ctx, s, models.AuditOpenMember)
		if err != nil || len(audit) != 1 {
			t.Fatalf("open_member audit = %+v, %v", audit, err)
		}
		if a := audit[0]; a.ActorID != inspectorTG || a.MemberID == nil || *a.MemberID != m.ID || a.Detail != "" {
			t.Errorf("audit = %+v", a)
		}
	})
}

func TestStore_MemberStatus(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		st, err := s.MemberStatus(ctx, d.east1, models.CalendarRules{}, d.wangWu.ID, today)
		if err != nil {
			t.Fatalf("MemberStatus: %v", err)
		}
		if st.VisitCount != 2 || st.LastVisit == nil || st.LastVisit.IdemKey != "demo:wangwu:2" {
			t.Fatalf("visits: count %d, last %+v", st.VisitCount, st.LastVisit)
		}
		if st.LastAuthor != "演示回访人员" || st.UnitName != "东湖镇机关党支部（演示）" || len(st.Sanctions) != 1 {
			t.Errorf("author %q, unit %q, %d sanctions", st.LastAuthor, st.UnitName, len(st.Sanctions))
		}
		if len(st.OpenFollowUps) != 1 || st.OpenFollowUps[0].ID != st.LastVisit.ID {
			t.Errorf("open follow-ups = %+v", st.OpenFollowUps)
		}
		// The date agreed at his last visit is his next visit.
		if want := models.AddMonths(today, 3); !st.HasNext || !st.Next.Due.Equal(want) || st.Next.Reason != models.DueAgreed {
			t.Errorf("next = %+v, want agreed on %v", st.Next, want)
		}
		if !st.Sanctions[0].Enforced || len(st.OpenProblems) != 0 {
			t.Errorf("enforced %v, open problems %d: the second visit found the execution in order",
				st.Sanctions[0].Enforced, len(st.OpenProblems))
		}

		// 张三 of 西山 has never been visited and his warning ends within 30
		// days: the visit before its end is next, the one after it later.
		st, err = s.MemberStatus(ctx, d.west1, models.CalendarRules{}, d.zhangWest.ID, today)
		if err != nil {
			t.Fatalf("MemberStatus: %v", err)
		}
		end := *st.Sanctions[0].PeriodEnd
		if st.VisitCount != 0 || st.LastVisit != nil || st.LastAuthor != "" || len(st.OpenFollowUps) != 0 ||
			!st.HasNext || st.Next.Reason != models.DueBeforeExpiry || !st.Next.Due.Equal(end) ||
			len(st.Later) == 0 || st.Later[0].Reason != models.DueAfterExpiry {
			t.Errorf("unvisited status = %+v, want next before the end %v", st, end)
		}
		if n := count(t, s, "audit_events", "action = ? AND member_id = ?", models.AuditViewStatus, d.zhangWest.ID); n != 1 {
			t.Errorf("view_status audit rows = %d, want 1", n)
		}
	})
}
