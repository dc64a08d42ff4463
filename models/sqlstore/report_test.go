package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// fillReportRoster inserts the figures' fixture of models/figures_test.go
// (units 1..4, members 1..4, sanctions 1..6, visits 1..8) plus a fifth
// member in a unit outside the district (5, a root of its own) with an
// approved 2026 visit.
func fillReportRoster(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	units := []models.Unit{{ID: 1, Name: "区纪委", Path: "/1/"}, {ID: 2, ParentID: ptr(uint64(1)), Name: "东湖镇", Path: "/1/2/"},
		{ID: 3, ParentID: ptr(uint64(2)), Name: "财政所支部", Path: "/1/2/3/"}, {ID: 4, ParentID: ptr(uint64(1)), Name: "西山镇", Path: "/1/4/"},
		{ID: 5, Name: "另一区", Path: "/5/"}}
	members := []models.Member{{ID: 1, Name: "张三", UnitID: 3, Rank: models.RankOther},
		{ID: 2, Name: "李四", UnitID: 2, Rank: models.RankCivilServant, Key: true},
		{ID: 3, Name: "王五", UnitID: 4, Rank: models.RankOther}, {ID: 4, Name: "赵六", UnitID: 4, Rank: models.RankOther, Key: true},
		{ID: 5, Name: "外人", UnitID: 5, Rank: models.RankOther}}
	sn := func(id, member uint64, kind models.SanctionKind, decided string, cat models.Rank) models.Sanction {
		return models.Sanction{ID: id, MemberID: member, Kind: kind, DecisionNo: fmt.Sprintf("文号%d", id),
			DecisionDate: date(decided), EffectiveDate: date(decided), Category: cat}
	}
	sanctions := []models.Sanction{sn(1, 1, models.GovDemotion, "2025-03-01", models.RankSectionCadre),
		sn(2, 2, models.GovDemerit, "2025-06-01", models.RankCivilServant), sn(3, 3, models.GovDemerit, "2024-01-01", models.RankOther),
		sn(4, 3, models.PartyWarning, "2025-07-01", models.RankOther), sn(5, 4, models.GovDemotion, "2025-09-09", models.RankSectionCadre),
		sn(6, 1, models.PartyWarning, "2024-05-05", models.RankOther), sn(7, 5, models.GovDemerit, "2025-01-01", models.RankSectionCadre)}
	sanctions[2].LiftedOn = ptr(date("2026-01-10"))
	vt := func(id, member uint64, on, methods, typ string, review models.ReviewState) models.Visit {
		v := *newVisit(member, fmt.Sprintf("rep%d", id), date(on))
		v.ID, v.Methods, v.Type, v.Review, v.EnforcementOK = id, methods, typ, review, true
		return v
	}
	ok := models.ReviewApproved
	visits := []models.Visit{vt(1, 1, "2026-02-10", "talk,home", models.TypeTalk, ok), vt(2, 1, "2026-05-05", "talk", models.TypeRecommend, ok),
		vt(3, 2, "2026-02-20", "talk", models.TypeTalk, models.ReviewPending), vt(4, 3, "2025-12-20", "talk", models.TypeTalk, ok),
		vt(5, 3, "2026-03-15", "inquiry", models.TypeInteractive, ok), vt(6, 4, "2026-03-20", "group", models.TypeTalk, ok),
		vt(7, 4, "2026-03-25", "talk", models.TypeTalk, models.ReviewReturned), vt(8, 4, "2025-12-01", "talk", models.TypeTalk, ok),
		vt(9, 5, "2026-06-01", "talk", models.TypeTalk, ok)}
	visits[0].EnforcementOK, visits[0].PayCorrectedFen, visits[0].RectifiedOn, visits[0].RectifiedFen = false, 100000, ptr(date("2026-03-01")), 120000
	visits[1].Recommendation = models.RecommendPost
	visits[4].EnforcementOK, visits[4].PayCorrectedFen = false, 5000
	visits[5].EnforcementOK, visits[5].RectifiedOn = false, ptr(date("2026-04-01"))
	links := []models.VisitSanction{{VisitID: 1, SanctionID: 1}, {VisitID: 1, SanctionID: 6}, {VisitID: 4, SanctionID: 3},
		{VisitID: 5, SanctionID: 4}, {VisitID: 6, SanctionID: 5}, {VisitID: 9, SanctionID: 7}}
	err := sqlstore.BulkInsertForTest(context.Background(), s, 100, func(insert func(rows any) error) error {
		for _, rows := range []any{&units, &members, &sanctions, &visits, &links} {
			if err := insert(rows); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fill roster: %v", err)
	}
}

// TestStore_YearReport: the store reads the fixture's figures (the totals
// computed by hand in models' test) for a supervisor of the district,
// narrows them to a township, answers a unit outside the scope as
// missing, and names the members of each report in its audit row.
func TestStore_YearReport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		fillReportRoster(t, s)
		up := models.Viewer{TelegramID: rootTG, Role: models.RoleSupervisor, UnitID: 1}
		f, err := s.YearReport(ctx, up, 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := models.Tally{Visited: 3, Mandatory: 3, MandatoryVisited: 2, Key: 2, KeyVisited: 1, Enforced: 3,
			PayFen: 120000, Recommended: 1, Lifted: 1, Visits: 4} // as in TestComputeFigures_HandComputed; 外人 is outside
		if diff := cmp.Diff(want, f.Total); diff != "" {
			t.Errorf("district totals (-want +got):\n%s", diff)
		}
		west := models.Viewer{TelegramID: westTG, Role: models.RoleInspector, UnitID: 4}
		fw, err := s.YearReport(ctx, west, 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		// 王五 and 赵六 only: both visited, 赵六 the one mandatory and key target, s5 enforced, s3 lifted
		want = models.Tally{Visited: 2, Mandatory: 1, MandatoryVisited: 1, Key: 1, KeyVisited: 1, Enforced: 1, Lifted: 1, Visits: 2}
		if diff := cmp.Diff(want, fw.Total); diff != "" {
			t.Errorf("西山镇 totals (-want +got):\n%s", diff)
		}
		fe, err := s.YearReport(ctx, up, 2026, 2)
		if err != nil {
			t.Fatal(err)
		}
		if fe.Total.Visited != 1 || fe.Total.PayFen != 120000 || len(fe.Rows) != 2 { // 张三; rows 东湖镇 and 财政所支部
			t.Errorf("东湖镇 narrowed: %+v, rows %v", fe.Total, fe.Rows)
		}
		if _, err := s.YearReport(ctx, west, 2026, 2); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a unit outside the scope = %v, want ErrNotFound", err)
		}
		if _, err := s.YearReport(ctx, up, 2026, 5); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another root = %v, want ErrNotFound", err)
		}
		audit, err := sqlstore.AuditForTest(ctx, s, models.AuditViewReport)
		if err != nil || len(audit) != 3 {
			t.Fatalf("view_report rows = %d (%v), want 3", len(audit), err)
		}
		if n := count(t, s, "audit_members", "event_id = ?", audit[0].ID); n != 4 {
			t.Errorf("the district's report names %d members, want 4", n)
		}
		if n := count(t, s, "audit_members", "event_id = ? AND member_id IN (3, 4)", audit[1].ID); n != 2 {
			t.Errorf("西山镇's report names %d of 王五 and 赵六, want 2", n)
		}
		if n := count(t, s, "audit_members", "event_id = ? AND member_id IN (1, 2)", audit[2].ID); n != 2 {
			t.Errorf("东湖镇's report names %d of 张三 and 李四, want 2", n)
		}
		admin := models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
		fa, err := s.YearReport(ctx, admin, 2026, 0)
		if err != nil || fa.Total.Visited != 4 || len(fa.Rows) != 2 { // 外人 too; rows 区纪委 and 另一区
			t.Errorf("admin's report: %+v rows %d (%v)", fa.Total, len(fa.Rows), err)
		}
		if err := sqlstore.ExecForTest(ctx, s, "ALTER TABLE audit_events RENAME TO audit_events_gone"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.YearReport(ctx, up, 2026, 0); err == nil {
			t.Error("the figures were returned without their audit row")
		}
	})
}
