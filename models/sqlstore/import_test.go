package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

const (
	eastVillage = "东湖村党支部（演示）"
	westComm    = "西山社区党支部（演示）"
)

// importSheets is a small import: two new members and one existing (李四),
// a sanction for each new member, and a new one for 李四.
func importSheets() ([]models.ImportMember, []models.ImportSanction) {
	members := []models.ImportMember{
		{Row: 2, Name: " 陈一 ", UnitName: eastVillage, Post: "村会计", Rank: models.RankOther},
		{Row: 3, Name: "林二", UnitName: "东湖镇（演示）/第一党支部", Post: "科员", Rank: models.RankCivilServant, Key: true, KeyReason: "不服"},
		{Row: 4, Name: "李四", UnitName: eastVillage, Post: "村委会委员", Rank: models.RankOther, Key: true, KeyReason: "对处分不服，有对立情绪"},
	}
	sanctions := []models.ImportSanction{
		{Row: 2, MemberName: "陈一", UnitName: eastVillage, Kind: models.PartyWarning, DecisionNo: "导〔2026〕1号", DecisionDate: day(2026, 3, 1)},
		{Row: 3, MemberName: "林二", UnitName: "东湖镇（演示）/第一党支部", Kind: models.GovDemotion, DecisionNo: "导〔2026〕2号", DecisionDate: day(2026, 3, 2), EffectiveDate: day(2026, 3, 10)},
		{Row: 4, MemberName: "李四", UnitName: eastVillage, Kind: models.GovWarning, DecisionNo: "导〔2026〕3号", DecisionDate: day(2026, 4, 1)},
	}
	return members, sanctions
}

func importTables(t *testing.T, s *sqlstore.Store) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tb := range []string{"members", "sanctions", "audit_events"} {
		out[tb] = count(t, s, tb, "")
	}
	return out
}

func TestStore_ImportRoster(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		for _, parent := range []uint64{r.east, r.west} {
			if _, err := s.CreateUnit(ctx, r.admin, "第一党支部", &parent); err != nil {
				t.Fatal(err)
			}
		}
		members, sanctions := importSheets()
		want := models.ImportResult{NewMembers: 2, NewSanctions: 3, Unchanged: 1}
		before := importTables(t, s)
		preview, err := s.ImportRoster(ctx, r.eastSup, members, sanctions, nil, false)
		if err != nil || !cmp.Equal(preview, want, cmp.Comparer(func(a, b []models.ImportRejection) bool { return len(a) == len(b) })) {
			t.Fatalf("preview = %+v, %v; want %+v", preview, err, want)
		}
		if diff := cmp.Diff(before, importTables(t, s)); diff != "" {
			t.Errorf("preview wrote (-before +after):\n%s", diff)
		}
		applied, err := s.ImportRoster(ctx, r.eastSup, members, sanctions, nil, true)
		if err != nil || !cmp.Equal(applied, preview) {
			t.Fatalf("apply = %+v, %v; want the preview %+v", applied, err, preview)
		}
		got := mustSearch(t, s, r.admin, "陈一")
		if len(got) != 1 || got[0].Member.Post != "村会计" || got[0].Member.NameInitials != "cy" {
			t.Errorf("imported 陈一 = %+v", got)
		}
		_, _, sn, _ := s.MemberSanctions(ctx, r.admin, mustSearch(t, s, r.admin, "林二")[0].Member.ID)
		if len(sn) != 1 || sn[0].PeriodEnd == nil || !sn[0].PeriodEnd.Equal(day(2028, 3, 10)) || sn[0].Category != models.RankCivilServant {
			t.Errorf("林二's sanctions = %+v; want the category of the sheet recorded", sn)
		}
		_, _, liSi, _ := s.MemberSanctions(ctx, r.admin, r.liSi.ID)
		if i := slices.IndexFunc(liSi, func(sn models.Sanction) bool { return sn.DecisionNo == "导〔2026〕3号" }); i < 0 || liSi[i].Category != models.RankOther {
			t.Errorf("李四's sanctions = %+v; want the new one with his category recorded", liSi)
		}
		after := importTables(t, s)
		if after["members"] != before["members"]+2 || after["sanctions"] != before["sanctions"]+3 {
			t.Errorf("apply wrote %v, before %v", after, before)
		}
		again, err := s.ImportRoster(ctx, r.eastSup, members, sanctions, nil, true)
		if err != nil || again.Unchanged != 6 || again.NewMembers+again.UpdatedMembers+again.NewSanctions+again.UpdatedSanctions != 0 {
			t.Errorf("second apply = %+v, %v; want everything unchanged", again, err)
		}
		n := count(t, s, "audit_events", "action = ? AND actor_id = ?", models.AuditImport, eastSupTG)
		if n != 2 || count(t, s, "members", "")+count(t, s, "sanctions", "") != after["members"]+after["sanctions"] {
			t.Errorf("after the second apply: %d import audit rows (want 2), rows changed", n)
		}
		checkImportUpdates(t, s, r, members, sanctions)
	})
}

// checkImportUpdates changes a post and a sanction's kind and imports
// again.
func checkImportUpdates(t *testing.T, s *sqlstore.Store, r roster, members []models.ImportMember, sanctions []models.ImportSanction) {
	t.Helper()
	ctx := context.Background()
	members[0].Post = "村出纳"
	sanctions[0].Kind = models.PartySeriousWarning
	res, err := s.ImportRoster(ctx, r.admin, members, sanctions, nil, true)
	want := models.ImportResult{UpdatedMembers: 1, UpdatedSanctions: 1, Unchanged: 4}
	if err != nil || !cmp.Equal(res, want, cmp.Comparer(func(a, b []models.ImportRejection) bool { return len(a) == len(b) })) {
		t.Fatalf("update import = %+v, %v; want %+v", res, err, want)
	}
	m := mustSearch(t, s, r.admin, "陈一")[0].Member
	_, _, sn, _ := s.MemberSanctions(ctx, r.admin, m.ID)
	if m.Post != "村出纳" || len(sn) != 1 || sn[0].Kind != models.PartySeriousWarning || !sn[0].PeriodEnd.Equal(day(2027, 9, 1)) {
		t.Errorf("after update import: %+v %+v", m, sn)
	}
}

func TestStore_ImportRosterRejections(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		for _, parent := range []uint64{r.eastOffice, r.east} {
			if _, err := s.CreateUnit(ctx, r.admin, "同名支部", &parent); err != nil {
				t.Fatal(err)
			}
		}
		_, _, zhang, _ := s.MemberSanctions(ctx, r.admin, r.zhangEast.ID)
		members := []models.ImportMember{
			{Row: 2, Name: "甲", UnitName: "不存在的单位"},
			{Row: 3, Name: "乙", UnitName: "同名支部"},
			{Row: 4, Name: "丙", UnitName: westComm},
			{Row: 5, Name: "丁", UnitName: eastVillage},
			{Row: 6, Name: "丁", UnitName: eastVillage},
			{Row: 7, Name: "", UnitName: eastVillage, Rank: "boss"},
		}
		sanctions := []models.ImportSanction{
			{Row: 2, MemberName: "无名", UnitName: eastVillage, Kind: models.PartyWarning, DecisionNo: "拒〔1〕号", DecisionDate: day(2026, 1, 1)},
			{Row: 3, MemberName: "丁", UnitName: eastVillage, Kind: models.PartyWarning, DecisionNo: "拒〔2〕号", DecisionDate: day(2026, 1, 1)},
			{Row: 4, MemberName: "丁", UnitName: eastVillage, Kind: models.GovWarning, DecisionNo: "拒〔2〕号", DecisionDate: day(2026, 1, 1)},
			{Row: 5, MemberName: "李四", UnitName: eastVillage, Kind: models.PartyWarning, DecisionNo: zhang[0].DecisionNo, DecisionDate: day(2026, 1, 1)},
			{Row: 6, MemberName: "丁", UnitName: eastVillage, Kind: models.PartyProbation, ProbationMonths: 6, DecisionNo: "拒〔3〕号", DecisionDate: day(2026, 1, 1), EffectiveDate: day(2025, 1, 1)},
		}
		res, err := s.ImportRoster(ctx, r.eastSup, members, sanctions, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		want := []models.ImportRejection{
			rej(models.SheetMembers, 2, "UnitName", models.RejectUnitNotFound),
			rej(models.SheetMembers, 3, "UnitName", models.RejectUnitAmbiguous),
			rej(models.SheetMembers, 4, "UnitName", models.RejectUnitOutOfScope),
			rej(models.SheetMembers, 6, "Name", models.RejectDuplicateInFile),
			rej(models.SheetMembers, 7, "Name", models.RejectRequired),
			rej(models.SheetMembers, 7, "Rank", models.RejectInvalidValue),
			rej(models.SheetSanctions, 2, "MemberName", models.RejectMemberNotFound),
			rej(models.SheetSanctions, 4, "DecisionNo", models.RejectDuplicateInFile),
			rej(models.SheetSanctions, 5, "DecisionNo", models.RejectDecisionNoOtherMember),
			rej(models.SheetSanctions, 6, "ProbationMonths", models.RejectInvalidValue),
			rej(models.SheetSanctions, 6, "EffectiveDate", models.RejectEffectiveBeforeDecision),
		}
		if diff := cmp.Diff(want, res.Rejected); diff != "" {
			t.Errorf("rejections (-want +got):\n%s", diff)
		}
		if res.NewMembers != 1 || res.NewSanctions != 1 {
			t.Errorf("result = %+v, want 丁 and 拒〔2〕号 new", res)
		}
		// The admin sees both 同名支部 and can name one by its path.
		res, _ = s.ImportRoster(ctx, r.admin, []models.ImportMember{{Row: 2, Name: "乙", UnitName: "东湖镇（演示）/ 同名支部"}}, nil, nil, false)
		if res.NewMembers != 1 || len(res.Rejected) != 0 {
			t.Errorf("import by path = %+v", res)
		}
		_, err = s.ImportRoster(ctx, r.east1, members, sanctions, nil, false)
		wantDenied(t, s, "ImportRoster by an inspector", err, r.east1, models.AuditImport)
	})
}

// rej is a rejection, written short.
func rej(sheet string, row int, column, reason string) models.ImportRejection {
	return models.ImportRejection{Sheet: sheet, Row: row, Column: column, Reason: reason}
}

// TestStore_ImportAuditRow: an import's one audit row counts the rows the
// parser refused with its own, each row once, and names the members it
// created.
func TestStore_ImportAuditRow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		members, sanctions := importSheets()
		parsed := []models.ImportRejection{
			{Sheet: models.SheetMembers, Row: 40, Column: "Name", Reason: "x"},
			{Sheet: models.SheetMembers, Row: 40, Column: "Post", Reason: "x"},
			{Sheet: models.SheetSanctions, Row: 40, Column: "DecisionNo", Reason: "x"},
		}
		res, err := s.ImportRoster(ctx, r.admin, members, sanctions, parsed, true)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := sqlstore.AuditForTest(ctx, s, models.AuditImport)
		if err != nil || len(evs) != 1 {
			t.Fatalf("import audit rows = %+v, %v", evs, err)
		}
		want := fmt.Sprintf("rejected=%d", 2+len(res.Rejected))
		if !strings.Contains(evs[0].Detail, want) {
			t.Errorf("detail %q lacks %q", evs[0].Detail, want)
		}
		id := mustSearch(t, s, r.admin, "陈一")[0].Member.ID
		if n := count(t, s, "audit_members", "event_id = ? AND member_id = ?", evs[0].ID, id); n != 1 || res.NewMembers == 0 {
			t.Errorf("the import's audit row does not name 陈一 (%d new members)", res.NewMembers)
		}
	})
}
