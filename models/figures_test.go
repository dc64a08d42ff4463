package models_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
)

func fday(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func fdayPtr(s string) *time.Time { d := fday(s); return &d }

// figureFixture is a small office, year 2026, seen from the district
// (unit 1): 东湖镇 (2) with its branch 财政所支部 (3), and 西山镇 (4).
//
//	m1 张三 (财政所支部, own rank other): s1 降级 2025-03-01 recorded as 科级 (mandatory),
//	   s6 2024 other. v1 2026-02-10 approved, talk+home, found a problem (owing 1,000),
//	   corrected 2026-03-01 with 1,200 yuan, about s1 and s6; v2 2026-05-05 approved,
//	   talk, recommendation 推荐使用, execution in order.
//	m2 李四 (东湖镇, civil servant, key): s2 2025-06-01 recorded as 公务员. v3 2026-02-20 pending.
//	m3 王五 (西山镇, other): s3 2024 记过 lifted 2026-01-10, visited about it (v4) 2025-12-20;
//	   s4 2025-07-01 other. v5 2026-03-15 approved, inquiry, interactive, a problem
//	   owing 50 yuan not corrected.
//	m4 赵六 (西山镇, key): s5 2025-09-09 recorded as 科级. v6 2026-03-20 approved, group,
//	   a problem corrected 2026-04-01 with 0 yuan, about s5; v7 2026-03-25 returned;
//	   v8 2025-12-01 approved (the year before).
func figureFixture() models.ReportInput {
	units := []models.Unit{{ID: 1, Name: "区纪委", Path: "/1/"}, {ID: 2, Name: "东湖镇", Path: "/1/2/"},
		{ID: 3, Name: "财政所支部", Path: "/1/2/3/"}, {ID: 4, Name: "西山镇", Path: "/1/4/"}}
	members := []models.Member{
		{ID: 1, Name: "张三", UnitID: 3, Rank: models.RankOther},
		{ID: 2, Name: "李四", UnitID: 2, Rank: models.RankCivilServant, Key: true},
		{ID: 3, Name: "王五", UnitID: 4, Rank: models.RankOther},
		{ID: 4, Name: "赵六", UnitID: 4, Rank: models.RankOther, Key: true},
	}
	sanction := func(id, member uint64, kind models.SanctionKind, decided string, cat models.Rank) models.Sanction {
		return models.Sanction{ID: id, MemberID: member, Kind: kind, DecisionNo: "文号" + string(rune('0'+id)),
			DecisionDate: fday(decided), EffectiveDate: fday(decided), Category: cat}
	}
	sanctions := []models.Sanction{
		sanction(1, 1, models.GovDemotion, "2025-03-01", models.RankSectionCadre),
		sanction(2, 2, models.GovDemerit, "2025-06-01", models.RankCivilServant),
		sanction(3, 3, models.GovDemerit, "2024-01-01", models.RankOther),
		sanction(4, 3, models.PartyWarning, "2025-07-01", models.RankOther),
		sanction(5, 4, models.GovDemotion, "2025-09-09", models.RankSectionCadre),
		sanction(6, 1, models.PartyWarning, "2024-05-05", models.RankOther),
	}
	sanctions[2].LiftedOn = fdayPtr("2026-01-10")
	ok := models.ReviewApproved
	visit := func(id, member uint64, date, methods, typ string, review models.ReviewState) models.ReportVisit {
		return models.ReportVisit{ID: id, MemberID: member, Date: fday(date), Methods: methods, Type: typ,
			Recommendation: models.RecommendContinue, EnforcementOK: true, Review: review}
	}
	v1 := visit(1, 1, "2026-02-10", "talk,home", models.TypeTalk, ok)
	v1.EnforcementOK, v1.PayCorrectedFen, v1.RectifiedOn, v1.RectifiedFen, v1.Sanctions = false, 100000, fdayPtr("2026-03-01"), 120000, []uint64{1, 6}
	v2 := visit(2, 1, "2026-05-05", "talk", models.TypeRecommend, ok)
	v2.Recommendation = models.RecommendPost
	v5 := visit(5, 3, "2026-03-15", "inquiry", models.TypeInteractive, ok)
	v5.EnforcementOK, v5.PayCorrectedFen, v5.Sanctions = false, 5000, []uint64{4}
	v6 := visit(6, 4, "2026-03-20", "group", models.TypeTalk, ok)
	v6.EnforcementOK, v6.RectifiedOn, v6.Sanctions = false, fdayPtr("2026-04-01"), []uint64{5}
	v4 := visit(4, 3, "2025-12-20", "talk", models.TypeTalk, ok)
	return models.ReportInput{Year: 2026, Root: units[0], Units: units, Members: members, Sanctions: sanctions,
		Visits: []models.ReportVisit{v1, v2, visit(3, 2, "2026-02-20", "talk", models.TypeTalk, models.ReviewPending),
			v5, v6, visit(7, 4, "2026-03-25", "talk", models.TypeTalk, models.ReviewReturned),
			visit(8, 4, "2025-12-01", "talk", models.TypeTalk, ok)},
		LiftVisits: map[uint64]models.ReportVisit{3: v4},
	}
}

func TestComputeFigures_HandComputed(t *testing.T) {
	f := models.ComputeFigures(figureFixture())
	want := models.Tally{
		Visited:          3,      // m1, m3, m4 have an approved 2026 visit; m2's only one is pending
		Mandatory:        3,      // m1 (s1 科级), m2 (s2 公务员), m4 (s5 科级) were sanctioned in 2025 with a mandatory category
		MandatoryVisited: 2,      // m1 and m4; m2 was not (pending visit)
		Key:              2,      // m2 and m4 are key and were sanctioned in 2025 (m3 is not key)
		KeyVisited:       1,      // m4
		Enforced:         3,      // v1 corrected a problem about s1 and s6, v6 about s5; v5's is open
		PayFen:           120000, // v1's correction 1,200 yuan (not its 1,000 found owing too); v6 0; v5 open
		Recommended:      1,      // m1 at v2
		Lifted:           1,      // s3 lifted 2026-01-10 after v4 (2025-12-20)
		Visits:           4,      // v1, v2, v5, v6 (v3 pending, v7 returned, v8 in 2025)
	}
	if diff := cmp.Diff(want, f.Total); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	// 东湖镇 holds m1 (column 科级: s1's category, not his own rank) and m2 (公务员).
	east := map[models.Rank]models.Tally{
		models.RankSectionCadre: {Visited: 1, Mandatory: 1, MandatoryVisited: 1, Enforced: 2, PayFen: 120000, Recommended: 1, Visits: 2},
		models.RankCivilServant: {Mandatory: 1, Key: 1},
	}
	// 西山镇: m3 under other (s4, his latest), m4 under 科级 (s5).
	west := map[models.Rank]models.Tally{
		models.RankOther:        {Visited: 1, Lifted: 1, Visits: 1},
		models.RankSectionCadre: {Visited: 1, Mandatory: 1, MandatoryVisited: 1, Key: 1, KeyVisited: 1, Enforced: 1, Visits: 1},
	}
	if diff := cmp.Diff(map[uint64]map[models.Rank]models.Tally{2: east, 4: west}, f.Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	var rows []string
	for _, u := range f.Rows {
		rows = append(rows, u.Name)
	}
	// the district itself and its two townships, by path; 财政所支部 is inside 东湖镇
	if diff := cmp.Diff([]string{"区纪委", "东湖镇", "西山镇"}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	// February v1, March v5 and v6, May v2
	if want := [12]int{0, 1, 2, 0, 1}; f.PerMonth != want {
		t.Errorf("per month %v, want %v", f.PerMonth, want)
	}
	methods := map[string][12]int{"talk": {0, 1, 0, 0, 1}, "home": {0, 1}, "inquiry": {0, 0, 1}, "group": {0, 0, 1}}
	if diff := cmp.Diff(methods, f.ByMethod); diff != "" {
		t.Errorf("by method (-want +got):\n%s", diff)
	}
	types := map[string][12]int{models.TypeTalk: {0, 1, 1}, models.TypeRecommend: {0, 0, 0, 0, 1}, models.TypeInteractive: {0, 0, 1}}
	if diff := cmp.Diff(types, f.ByType); diff != "" {
		t.Errorf("by type (-want +got):\n%s", diff)
	}
	visitIDs := func(l models.FigureList) (ids []uint64) {
		for _, r := range f.Lists[l] {
			ids = append(ids, r.VisitID)
		}
		return ids
	}
	// Lists run by unit path (东湖镇 /1/2/, 财政所支部 /1/2/3/, 西山镇 /1/4/), then member name.
	lists := map[models.FigureList][]uint64{
		models.ListNotFinal:    {3, 7},       // 李四 pending, 赵六 returned
		models.ListPay:         {1, 5},       // v1 corrected 1,200; v5 owes 50; v6 corrected 0 and owes nothing: left out
		models.ListRecommended: {2},          // v2
		models.ListLifted:      {4},          // the visit before the lifting
		models.ListEnforced:    {1, 1, 6},    // s1 and s6 through v1, s5 through v6
		models.ListMandatory:   {0, 1, 6},    // 李四 not visited, 张三 (first visit v1), 赵六 (v6)
		models.ListKey:         {0, 6},       // 李四 not visited, 赵六 v6
		models.ListVisited:     {1, 2, 5, 6}, // every final visit of 2026
	}
	for l, want := range lists {
		if diff := cmp.Diff(want, visitIDs(l)); diff != "" {
			t.Errorf("list %s (-want +got):\n%s", l, diff)
		}
	}
	if got := f.Lists[models.ListPay][1].OwedFen; got != 5000 {
		t.Errorf("v5 owes %d fen, want 5000 (found at the visit, not corrected)", got)
	}
	if diff := cmp.Diff([]uint64{1, 2, 3, 4}, f.MemberIDs()); diff != "" {
		t.Errorf("members named (-want +got):\n%s", diff)
	}
}

func TestComputeFigures_Empty(t *testing.T) {
	f := models.ComputeFigures(models.ReportInput{Year: 2026})
	if f.Total != (models.Tally{}) || len(f.Rows) != 0 || len(f.MemberIDs()) != 0 {
		t.Errorf("empty input gave %+v", f)
	}
}

// An administrator's report covers the whole tree (no Root): when one
// office holds it, the rows are that office and its units, as when the
// office is the Root, not the office alone.
func TestComputeFigures_WholeTreeOneOffice(t *testing.T) {
	in := figureFixture()
	want := models.ComputeFigures(in)
	in.Root = models.Unit{}
	got := models.ComputeFigures(in)
	var rows []string
	for _, u := range got.Rows {
		rows = append(rows, u.Name)
	}
	if diff := cmp.Diff([]string{"区纪委", "东湖镇", "西山镇"}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Cells, got.Cells); diff != "" {
		t.Errorf("cells differ from the office's own report (-office +whole tree):\n%s", diff)
	}
}
