package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// demoSanction returns the first sanction of kind of the demo member
// called name.
func demoSanction(t *testing.T, s *sqlstore.Store, d demo, name string, kind models.SanctionKind) models.Sanction {
	t.Helper()
	m := mustSearch(t, s, d.admin, name)[0].Member
	_, _, sanctions, err := s.MemberSanctions(context.Background(), d.admin, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sn := range sanctions {
		if sn.Kind == kind {
			return sn
		}
	}
	t.Fatalf("%s has no %s", name, kind)
	return models.Sanction{}
}

// TestStore_LiftSanction_Rules: party rights are restored after a
// probation only once it has ended; a governmental sanction is lifted
// only after its period, without a decision number if need be, on the
// period's last day; nothing is lifted for the other kinds.
func TestStore_LiftSanction_Rules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		today := models.DateOf(time.Now())
		probation := demoSanction(t, s, r.demo, "李四", models.PartyProbation)
		wantErr(t, "restore before the end", s.LiftSanction(ctx, r.admin, probation.ID, today, "恢复〔1〕号"), models.ErrInvalid)
		wantErr(t, "restore without a number", s.LiftSanction(ctx, r.admin, probation.ID, *probation.PeriodEnd, ""), models.ErrInvalid)
		for _, c := range []struct {
			name string
			kind models.SanctionKind
		}{{"赵六", models.PartyWarning}, {"张三", models.PartySeriousWarning}, {"孙八", models.PartyPostRemoval},
			{"钱七", models.PartyExpulsion}, {"钱七", models.GovExpulsion}} {
			sn := demoSanction(t, s, r.demo, c.name, c.kind)
			wantErr(t, "lift "+string(c.kind), s.LiftSanction(ctx, r.admin, sn.ID, today, "解除〔1〕号"), models.ErrInvalid)
		}
		running := demoSanction(t, s, r.demo, "周九", models.GovMajorDemerit)
		wantErr(t, "lift a running governmental sanction", s.LiftSanction(ctx, r.admin, running.ID, today, ""), models.ErrInvalid)
		ended := demoSanction(t, s, r.demo, "韩十", models.GovDemerit)
		if err := s.LiftSanction(ctx, r.eastSup, ended.ID, today, ""); err != nil {
			t.Fatalf("record the lifting of an ended governmental sanction: %v", err)
		}
		if got := demoSanction(t, s, r.demo, "韩十", models.GovDemerit); got.LiftedOn == nil || !got.LiftedOn.Equal(*ended.PeriodEnd) {
			t.Errorf("lifted on %v, want the period's last day %v", got.LiftedOn, ended.PeriodEnd)
		}
		if err := s.LiftSanction(ctx, r.eastSup, probation.ID, *probation.PeriodEnd, "恢复〔1〕号"); err != nil {
			t.Fatalf("restore on the last day: %v", err)
		}
	})
}

// TestStore_ExtendProbation: a one-year probation is extended once by a
// year, with its decision number, and its end moves.
func TestStore_ExtendProbation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		sn := demoSanction(t, s, r.demo, "李四", models.PartyProbation)
		wantDenied(t, s, "inspector extends", s.ExtendProbation(ctx, r.east1, sn.ID, "延长〔1〕号"), r.east1, models.AuditSanctionExtend)
		wantErr(t, "from a sibling unit", s.ExtendProbation(ctx, r.westSup, sn.ID, "延长〔1〕号"), models.ErrNotFound)
		wantErr(t, "without a number", s.ExtendProbation(ctx, r.eastSup, sn.ID, " "), models.ErrInvalid)
		if err := s.ExtendProbation(ctx, r.eastSup, sn.ID, " 延长〔1〕号 "); err != nil {
			t.Fatalf("ExtendProbation: %v", err)
		}
		got := demoSanction(t, s, r.demo, "李四", models.PartyProbation)
		if got.ExtensionNo != "延长〔1〕号" || !got.PeriodEnd.Equal(models.AddMonths(*sn.PeriodEnd, 12)) {
			t.Errorf("extended: %q ends %v, want a year after %v", got.ExtensionNo, got.PeriodEnd, sn.PeriodEnd)
		}
		wantErr(t, "extend twice", s.ExtendProbation(ctx, r.eastSup, sn.ID, "延长〔2〕号"), models.ErrInvalid)
		other := demoSanction(t, s, r.demo, "周九", models.GovMajorDemerit)
		wantErr(t, "extend a demerit", s.ExtendProbation(ctx, r.admin, other.ID, "延长〔3〕号"), models.ErrInvalid)
		if n := count(t, s, "audit_events", "action = ? AND member_id = ?", models.AuditSanctionExtend, r.liSi.ID); n != 1 {
			t.Errorf("sanction_extend audit rows = %d, want 1", n)
		}
	})
}

// TestStore_SanctionCategory: the personnel category recorded with a
// sanction decides the annual visit; a later change of the member's
// category does not.
func TestStore_SanctionCategory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		today := models.DateOf(time.Now())
		decided := time.Date(today.Year()-1, time.March, 3, 0, 0, 0, 0, time.UTC)
		m, err := s.CreateMember(ctx, r.admin, models.MemberInput{Name: "陈科长", UnitID: r.eastOffice, Rank: models.RankSectionCadre})
		if err != nil {
			t.Fatal(err)
		}
		sn, err := s.CreateSanction(ctx, r.admin, models.SanctionInput{MemberID: m.ID, Kind: models.GovDemotion,
			DecisionNo: "示监发〔类别〕1号", DecisionDate: decided})
		if err != nil || sn.Category != models.RankSectionCadre {
			t.Fatalf("CreateSanction = %+v, %v; want the member's category", sn, err)
		}
		other := models.RankOther
		if _, err := s.UpdateMember(ctx, r.admin, m.ID, models.MemberPatch{Rank: &other}); err != nil {
			t.Fatal(err)
		}
		wantItem(t, mustDue(t, s, today), today, models.DueAnnual, m.ID, today.After(time.Date(today.Year(), 6, 30, 0, 0, 0, 0, time.UTC)), inspectorTG)
		given, err := s.CreateSanction(ctx, r.admin, models.SanctionInput{MemberID: m.ID, Kind: models.PartyWarning,
			DecisionNo: "示纪发〔类别〕2号", DecisionDate: decided, Category: models.RankCivilServant})
		if err != nil || given.Category != models.RankCivilServant {
			t.Errorf("CreateSanction with a category = %+v, %v", given, err)
		}
		_, err = s.CreateSanction(ctx, r.admin, models.SanctionInput{MemberID: m.ID, Kind: models.PartyWarning,
			DecisionNo: "示纪发〔类别〕3号", DecisionDate: decided, Category: "boss"})
		wantErr(t, "unknown category", err, models.ErrInvalid)
	})
}

// expelledMember is the demo member 钱七 and their expulsion, a sanction
// whose enforcement visits check.
func expelledMember(t *testing.T, s *sqlstore.Store, d demo) (models.Member, models.Sanction) {
	t.Helper()
	return mustSearch(t, s, d.admin, "钱七")[0].Member, demoSanction(t, s, d, "钱七", models.GovExpulsion)
}

// TestStore_Enforcement: the check of a 降级-or-heavier sanction is due
// until a visit records it; a problem it finds is open until marked
// corrected, and the sanction is enforced once it is.
func TestStore_Enforcement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx, d, today := context.Background(), loadDemo(t, s), models.DateOf(time.Now())
		qian, expelled := expelledMember(t, s, d)
		wantItem(t, mustDue(t, s, today), today, models.DueEnforcement, qian.ID, true)
		v := newVisit(qian.ID, "enf-1", today)
		v.EnforcementOK, v.EnforcementProblem, v.PayCorrectedFen = false, "仍在发放工资", 300000
		v.RectifiedOn = &today // a mark given with a new visit is ignored
		if _, err := s.CreateVisit(ctx, d.admin, v, []uint64{expelled.ID}); err != nil {
			t.Fatalf("CreateVisit: %v", err)
		}
		items := mustDue(t, s, today)
		if it := findItem(items, models.DueEnforcement, qian.ID); it != nil {
			t.Errorf("enforcement check still due after the visit recorded it: %+v", it)
		}
		rectify := wantItem(t, items, today, models.DueRectify, qian.ID, false)
		if got := demoSanction(t, s, d, "钱七", models.GovExpulsion); got.Enforced {
			t.Errorf("enforced with a problem open")
		}
		wantErr(t, "out of scope", s.MarkRectified(ctx, d.east1, rectify.VisitID, today, 0), models.ErrNotFound)
		wantErr(t, "before the visit", s.MarkRectified(ctx, d.admin, rectify.VisitID, today.AddDate(0, 0, -1), 0), models.ErrInvalid)
		wantErr(t, "negative pay", s.MarkRectified(ctx, d.admin, rectify.VisitID, today, -1), models.ErrInvalid)
		if err := s.MarkRectified(ctx, d.admin, rectify.VisitID, today, 250000); err != nil {
			t.Fatalf("MarkRectified: %v", err)
		}
		if it := findItem(mustDue(t, s, today), models.DueRectify, qian.ID); it != nil {
			t.Errorf("rectification still open: %+v", it)
		}
		if got := demoSanction(t, s, d, "钱七", models.GovExpulsion); !got.Enforced {
			t.Errorf("not enforced once the problem was corrected")
		}
		wantErr(t, "mark twice", s.MarkRectified(ctx, d.admin, rectify.VisitID, today, 0), models.ErrInvalid)
		if n := count(t, s, "visits", "id = ? AND rectified_fen = ?", rectify.VisitID, 250000); n != 1 {
			t.Errorf("pay corrected not recorded")
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ?", models.AuditRectified, rectify.VisitID); n != 1 {
			t.Errorf("rectified audit rows = %d, want 1", n)
		}
		// An edit of the visit keeps the mark.
		got, ids, _ := s.GetVisit(ctx, d.admin, rectify.VisitID)
		got.RectifiedOn, got.Work = nil, "工作有起色"
		if _, err := s.UpdateVisit(ctx, d.admin, got.ID, got, ids, "补充", time.Now()); err != nil {
			t.Fatalf("UpdateVisit: %v", err)
		}
		if n := count(t, s, "visits", "id = ? AND rectified_on IS NOT NULL", rectify.VisitID); n != 1 {
			t.Errorf("an edit cleared the rectification")
		}
		// A later visit that finds a new problem makes it not enforced
		// again; one that finds it in order, enforced.
		later := newVisit(qian.ID, "enf-2", today)
		later.EnforcementOK, later.EnforcementProblem = false, "又恢复发放"
		if _, err := s.CreateVisit(ctx, d.admin, later, []uint64{expelled.ID}); err != nil {
			t.Fatalf("CreateVisit: %v", err)
		}
		if got := demoSanction(t, s, d, "钱七", models.GovExpulsion); got.Enforced {
			t.Errorf("still enforced after a visit found a new problem")
		}
		if _, err := s.CreateVisit(ctx, d.admin, newVisit(qian.ID, "enf-3", today), []uint64{expelled.ID}); err != nil {
			t.Fatalf("CreateVisit: %v", err)
		}
		if got := demoSanction(t, s, d, "钱七", models.GovExpulsion); !got.Enforced {
			t.Errorf("not enforced after a visit found it in order")
		}
	})
}

// TestStore_MarkRequestsMet: requests passed on at a visit are open until
// marked met.
func TestStore_MarkRequestsMet(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		feng := mustSearch(t, s, d.admin, "冯十一")[0].Member
		it := wantItem(t, mustDue(t, s, today), today, models.DueRequest, feng.ID, false, inspectorTG)
		wantErr(t, "out of scope", s.MarkRequestsMet(ctx, d.west1, it.VisitID, today), models.ErrNotFound)
		if err := s.MarkRequestsMet(ctx, d.east1, it.VisitID, today); err != nil {
			t.Fatalf("MarkRequestsMet: %v", err)
		}
		if got := findItem(mustDue(t, s, today), models.DueRequest, feng.ID); got != nil {
			t.Errorf("request still open: %+v", got)
		}
		wantErr(t, "mark twice", s.MarkRequestsMet(ctx, d.east1, it.VisitID, today), models.ErrInvalid)
		// An edit of the text keeps them met.
		met, ids, _ := s.GetVisit(ctx, d.admin, it.VisitID)
		met.Requests = "希望协调解决子女入学和住房问题。"
		if _, err := s.UpdateVisit(ctx, d.admin, met.ID, met, ids, "补充诉求", time.Now()); err != nil {
			t.Fatal(err)
		}
		if got := findItem(mustDue(t, s, today), models.DueRequest, feng.ID); got != nil {
			t.Errorf("met requests reopened by an edit: %+v", got)
		}
		wang := mustSearch(t, s, d.admin, "王五")[0].Member
		st, _ := s.MemberStatus(ctx, d.admin, models.CalendarRules{}, wang.ID, today)
		wantErr(t, "a visit without requests", s.MarkRequestsMet(ctx, d.east1, st.LastVisit.ID, today), models.ErrInvalid)
		// Requests added by an edit are open; removed, closed.
		last, lastIDs, _ := s.GetVisit(ctx, d.admin, st.LastVisit.ID)
		last.Requests = "希望调整工作岗位"
		if _, err := s.UpdateVisit(ctx, d.admin, last.ID, last, lastIDs, "补充诉求", time.Now()); err != nil {
			t.Fatal(err)
		}
		wantItem(t, mustDue(t, s, today), today, models.DueRequest, wang.ID, false, inspectorTG)
		last.Requests = ""
		if _, err := s.UpdateVisit(ctx, d.admin, last.ID, last, lastIDs, "删去诉求", time.Now()); err != nil {
			t.Fatal(err)
		}
		if got := findItem(mustDue(t, s, today), models.DueRequest, wang.ID); got != nil {
			t.Errorf("requests removed by an edit still open: %+v", got)
		}
	})
}

// TestStore_DueItems_EveryReason: the demo roster shows every item of the
// calendar, open or upcoming.
func TestStore_DueItems_EveryReason(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		seen := map[models.DueReason]bool{}
		for _, it := range mustDue(t, s, today) {
			seen[it.Reason] = true
		}
		for _, m := range []string{"王五", "冯十一"} {
			st, err := s.MemberStatus(context.Background(), d.admin, models.CalendarRules{}, mustSearch(t, s, d.admin, m)[0].Member.ID, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range append(st.Later, st.Next) {
				seen[it.Reason] = true
			}
		}
		for _, r := range []models.DueReason{models.DueAnnual, models.DueInteractive, models.DueBeforeExpiry, models.DueAfterExpiry,
			models.DueKey, models.DueEnforcement, models.DueAgreed, models.DueFollowUp, models.DueRectify, models.DueRequest} {
			if !seen[r] {
				t.Errorf("the demo roster shows no %s item", r)
			}
		}
	})
}

// TestStore_MigrateRules migrates a database holding rows of the previous
// schema: each sanction records its member's category, an expulsion from
// the party loses its period, a problem recorded with its pay corrected
// counts as corrected, and enforcement follows the latest check.
func TestStore_MigrateRules(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := e.openEmpty(t)
			if err := sqlstore.MigrateToForTest(ctx, s, "202611270003_calendar"); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				"INSERT INTO units (id, name, path, created_at) VALUES (1, '区', '/1/', '2026-01-01 00:00:00')",
				"INSERT INTO members (id, name, unit_id, post, `rank`, `key`, key_reason, created_at, updated_at) VALUES " +
					"(1, '甲', 1, '', 'section_cadre', 0, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
				"INSERT INTO sanctions (id, member_id, kind, decision_no, decision_date, effective_date, probation_months, period_end, enforced, lift_decision_no, created_at, updated_at) VALUES " +
					"(1, 1, 'party_expulsion', 'A1', '2025-01-01', '2025-01-01', 0, '2030-01-01', 0, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')," +
					"(2, 1, 'gov_demotion', 'A2', '2025-01-01', '2025-01-01', 0, '2027-01-01', 0, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
				"INSERT INTO visits (id, idem_key, member_id, author_id, date, methods, type, inspectors, participants, thinking, work, enforcement_ok, " +
					"enforcement_problem, pay_corrected_fen, conclusion, recommendation, feedback_unit, branch_informed, created_at) VALUES " +
					"(1, 'k1', 1, 5, '2025-02-01', 'talk', 'talk', '甲', '', '好', '好', 0, '工资未降', 120000, 'good', 'continue', 1, 1, '2026-01-01 00:00:00')",
				"INSERT INTO visit_sanctions (visit_id, sanction_id) VALUES (1, 2)",
			} {
				if err := sqlstore.ExecForTest(ctx, s, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			for what, where := range map[string]string{
				"categories from the member":     "id IN (1, 2) AND category = 'section_cadre'",
				"expulsion without a period":     "id = 1 AND period_end IS NULL",
				"demotion enforced by its check": "id = 2 AND enforced = 1",
			} {
				if n := count(t, s, "sanctions", where); n < 1 || (what == "categories from the member" && n != 2) {
					t.Errorf("%s: %d rows match %s", what, n, where)
				}
			}
			if n := count(t, s, "visits", "id = 1 AND rectified_on IS NOT NULL AND rectified_fen = 120000"); n != 1 {
				t.Errorf("the old problem is not recorded as corrected")
			}
		})
	}
}

// TestStore_EnforcementFollowsLatestVisit: after every new visit, in any
// order of dates, a sanction is enforced exactly when its latest visit (by
// date, then the later saved) found it so; a visit dated before another
// leaves the enforcement as the later one set it.
func TestStore_EnforcementFollowsLatestVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx, d, today := context.Background(), loadDemo(t, s), models.DateOf(time.Now())
		qian, expelled := expelledMember(t, s, d)
		rng := rand.New(rand.NewPCG(7, 11))
		type saved struct {
			date time.Time
			ok   bool
		}
		var latest *saved
		for i := range 14 {
			v := newVisit(qian.ID, fmt.Sprintf("latest-%d", i), today.AddDate(0, 0, -rng.IntN(4)))
			v.EnforcementOK = rng.IntN(2) == 0
			if !v.EnforcementOK {
				v.EnforcementProblem = "仍在发放"
			}
			if _, err := s.CreateVisit(ctx, d.admin, v, []uint64{expelled.ID}); err != nil {
				t.Fatalf("visit %d: %v", i, err)
			}
			if latest == nil || !v.Date.Before(latest.date) { // same day: the later saved
				latest = &saved{v.Date, v.EnforcementOK}
			}
			if got := demoSanction(t, s, d, "钱七", models.GovExpulsion).Enforced; got != latest.ok {
				t.Fatalf("after visit %d (dated %s, ok %v): enforced %v, want %v (latest dated %s)",
					i, v.Date.Format(time.DateOnly), v.EnforcementOK, got, latest.ok, latest.date.Format(time.DateOnly))
			}
		}
	})
}
