package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// reviewFixture is the edit fixture (a visit logged by the east inspector)
// with the east supervisor, who reviews it.
func reviewFixture(t *testing.T, s *sqlstore.Store) editFixture {
	t.Helper()
	f := loadEditFixture(t, s)
	if f.visit.Review != models.ReviewPending {
		t.Fatalf("a visit saved without a state is %q, want pending", f.visit.Review)
	}
	return f
}

func approve(revisions int) models.ReviewDecision {
	return models.ReviewDecision{Approve: true, Revisions: revisions}
}

func reviewState(t *testing.T, s *sqlstore.Store, id uint64) models.ReviewState {
	t.Helper()
	for _, st := range []models.ReviewState{models.ReviewPending, models.ReviewApproved, models.ReviewReturned} {
		if count(t, s, "visits", "id = ? AND review = ?", id, st) == 1 {
			return st
		}
	}
	t.Fatalf("visit %d has no review state", id)
	return ""
}

// TestStore_ViewVisit: the whole record for anyone whose scope covers the
// member, audited with the member and the visit; out of scope is not
// found, audited too.
func TestStore_ViewVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		rec, err := s.ViewVisit(ctx, f.eastSup, f.visit.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Visit.Thinking != "认识到位" || rec.Member.Name != "修改测试" || rec.UnitName != "东湖镇机关党支部（演示）" ||
			len(rec.Sanctions) != 1 || rec.Sanctions[0].ID != f.sanction[0] || rec.Revisions != 0 ||
			rec.Visit.Review != models.ReviewPending || rec.AuthorName == "" {
			t.Errorf("ViewVisit = %+v", rec)
		}
		rows, _ := sqlstore.AuditForTest(ctx, s, models.AuditViewVisit)
		if len(rows) != 1 || rows[0].MemberID == nil || *rows[0].MemberID != f.visit.MemberID || *rows[0].VisitID != f.visit.ID {
			t.Errorf("view_visit rows = %+v", rows)
		}
		for _, v := range []models.Viewer{f.westSup, f.west1} {
			_, err := s.ViewVisit(ctx, v, f.visit.ID)
			wantErr(t, "ViewVisit out of scope", err, models.ErrNotFound)
		}
		_, err = s.ViewVisit(ctx, f.admin, f.visit.ID+1000)
		wantErr(t, "ViewVisit of no visit", err, models.ErrNotFound)
		if n := count(t, s, "audit_events", "action = ? AND detail = ?", models.AuditViewVisit, "result=not_found"); n != 3 {
			t.Errorf("not-found views audited %d times, want 3", n)
		}
	})
}

// TestStore_ReviewVisit_Approve: only a supervisor or admin of the
// member's units approves, on what they read, once.
func TestStore_ReviewVisit_Approve(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		now := time.Now()
		_, err := s.ReviewVisit(ctx, f.westSup, f.visit.ID, approve(0), now)
		wantErr(t, "approve out of scope", err, models.ErrNotFound)
		_, err = s.ReviewVisit(ctx, f.east1, f.visit.ID, approve(0), now)
		wantDenied(t, s, "approve as an inspector", err, f.east1, models.AuditReviewVisit)
		_, err = s.ReviewVisit(ctx, f.eastSup, f.visit.ID, approve(1), now)
		wantErr(t, "approve on an old read", err, models.ErrStale)
		if st := reviewState(t, s, f.visit.ID); st != models.ReviewPending {
			t.Fatalf("after refusals the visit is %s", st)
		}
		got, err := s.ReviewVisit(ctx, f.eastSup, f.visit.ID, approve(0), now)
		if err != nil || got.Review != models.ReviewApproved || got.ReviewerID == nil || *got.ReviewerID != f.eastSup.TelegramID {
			t.Fatalf("approve = %+v, %v", got, err)
		}
		_, err = s.ReviewVisit(ctx, f.up, f.visit.ID, approve(0), now)
		wantErr(t, "approve again", err, models.ErrReviewed)
		rec, err := s.ViewVisit(ctx, f.up, f.visit.ID)
		if err != nil || rec.Visit.Review != models.ReviewApproved || rec.ReviewerName != "东湖负责人" || rec.Visit.ReviewedAt == nil {
			t.Errorf("approved record = %+v, %v", rec, err)
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ? AND detail = ?", models.AuditReviewVisit, f.visit.ID,
			"result=approved version=0"); n != 1 {
			t.Errorf("approvals audited %d times, want 1", n)
		}
		if n := count(t, s, "audit_events", "action = ? AND detail = ?", models.AuditReviewVisit, "result=not_found"); n != 1 {
			t.Errorf("the out-of-scope attempt audited %d times, want 1", n)
		}
	})
}

// TestStore_ReviewVisit_OwnVisit: a supervisor does not review their own
// visit; an admin may.
func TestStore_ReviewVisit_OwnVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		for _, v := range []models.Viewer{f.eastSup, f.admin} {
			own := newVisit(f.visit.MemberID, "own-"+randomID(t), f.visit.Date)
			if _, err := s.CreateVisit(ctx, v, own, []uint64{f.sanction[0]}); err != nil {
				t.Fatal(err)
			}
			_, err := s.ReviewVisit(ctx, v, own.ID, approve(0), time.Now())
			if v.Role == models.RoleAdmin && err != nil {
				t.Errorf("admin approves own visit: %v", err)
			}
			if v.Role == models.RoleSupervisor {
				wantDenied(t, s, "supervisor approves own visit", err, v, models.AuditReviewVisit)
			}
		}
	})
}

// TestStore_ReviewVisit_ReturnAndCorrect: a returned visit carries its
// comment; its author corrects it (past the edit window too), which makes
// it pending again with a revision; then it is approved.
func TestStore_ReviewVisit_ReturnAndCorrect(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		now := time.Now()
		for _, bad := range []string{"", "  ", "=HYPERLINK(1)", string(make([]rune, 513))} {
			_, err := s.ReviewVisit(ctx, f.eastSup, f.visit.ID, models.ReviewDecision{Note: bad}, now)
			wantErr(t, fmt.Sprintf("return with comment %q", bad), err, models.ErrInvalid)
		}
		note := "工作表现一项过于简略，请补充"
		got, err := s.ReviewVisit(ctx, f.eastSup, f.visit.ID, models.ReviewDecision{Note: " " + note + " "}, now)
		if err != nil || got.Review != models.ReviewReturned || got.ReviewNote != note || got.AuthorID != f.east1.TelegramID {
			t.Fatalf("return = %+v, %v", got, err)
		}
		_, err = s.ReviewVisit(ctx, f.up, f.visit.ID, approve(0), now)
		wantErr(t, "approve a returned visit before its correction", err, models.ErrReviewed)
		edit := f.visit
		edit.Work = "工作积极，完成年度任务"
		edit.Review = models.ReviewPending
		later := now.Add(30 * 24 * time.Hour) // past the 7 days
		rev, err := s.UpdateVisit(ctx, f.east1, f.visit.ID, edit, []uint64{f.sanction[0]}, note, later)
		if err != nil || rev.Reason != note || rev.Version != 1 {
			t.Fatalf("correct returned visit = %+v, %v", rev, err)
		}
		rec, err := s.ViewVisit(ctx, f.eastSup, f.visit.ID)
		if err != nil || rec.Visit.Review != models.ReviewPending || rec.Revisions != 1 || rec.Visit.Work != edit.Work {
			t.Fatalf("corrected = %+v, %v", rec, err)
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ? AND detail LIKE ?", models.AuditVisitEdit, f.visit.ID, "%result=pending"); n != 1 {
			t.Errorf("the way back to pending audited %d times, want 1", n)
		}
		_, err = s.ReviewVisit(ctx, f.eastSup, f.visit.ID, approve(0), now)
		wantErr(t, "approve what was read before the correction", err, models.ErrStale)
		if _, err := s.ReviewVisit(ctx, f.eastSup, f.visit.ID, approve(1), now); err != nil {
			t.Fatalf("approve the correction: %v", err)
		}
		// Once approved, the author's window applies again.
		edit.Work = "又改"
		_, err = s.UpdateVisit(ctx, f.east1, f.visit.ID, edit, []uint64{f.sanction[0]}, "再改", later)
		wantDenied(t, s, "edit an approved visit past the window", err, f.east1, models.AuditVisitEdit, models.ErrEditWindow)
		// An admin's edit with review on sends it back to review.
		if _, err := s.UpdateVisit(ctx, f.admin, f.visit.ID, edit, []uint64{f.sanction[0]}, "管理员更正", later); err != nil {
			t.Fatal(err)
		}
		if st := reviewState(t, s, f.visit.ID); st != models.ReviewPending {
			t.Errorf("after an admin's edit the visit is %s, want pending", st)
		}
	})
}

// TestStore_ReviewVisit_Race: of reviewers deciding at once, exactly one
// wins; the others are told the visit was reviewed already.
func TestStore_ReviewVisit_Race(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		reviewers := []models.Viewer{f.eastSup, f.up, f.admin, f.eastSup, f.up, f.admin}
		errs := make([]error, len(reviewers))
		var wg sync.WaitGroup
		for i, v := range reviewers {
			wg.Go(func() {
				d := approve(0)
				if i%2 == 1 {
					d = models.ReviewDecision{Note: "请补充"}
				}
				_, errs[i] = s.ReviewVisit(ctx, v, f.visit.ID, d, time.Now())
			})
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, models.ErrReviewed):
				t.Errorf("reviewer %d: %v, want ErrReviewed", i, err)
			}
		}
		if won != 1 {
			t.Errorf("%d reviewers won, want 1", won)
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ?", models.AuditReviewVisit, f.visit.ID); n != 1 {
			t.Errorf("review audit rows = %d, want 1", n)
		}
	})
}

// TestStore_PendingReviews: a supervisor's work list holds the pending
// visits of their units, oldest first, audited with their members.
func TestStore_PendingReviews(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		second := newVisit(f.liSi.ID, "second-"+randomID(t), f.visit.Date)
		_, _, sanctions, err := s.MemberSanctions(ctx, f.admin, f.liSi.ID)
		if err != nil || len(sanctions) == 0 {
			t.Fatalf("sanctions of 李四: %v", err)
		}
		ids := []uint64{sanctions[0].ID}
		if _, err := s.CreateVisit(ctx, f.east1, second, ids); err != nil {
			t.Fatal(err)
		}
		approved := newVisit(f.liSi.ID, "approved-"+randomID(t), f.visit.Date)
		approved.Review = models.ReviewApproved
		if _, err := s.CreateVisit(ctx, f.east1, approved, ids); err != nil {
			t.Fatal(err)
		}
		list, total, err := s.PendingReviews(ctx, f.eastSup, 0)
		if err != nil || total != 2 || len(list) != 2 || list[0].ID != f.visit.ID || list[1].ID != second.ID {
			t.Fatalf("PendingReviews(east) = %+v, %d, %v", list, total, err)
		}
		if list, total, err := s.PendingReviews(ctx, f.eastSup, 1); err != nil || total != 2 || len(list) != 1 {
			t.Errorf("PendingReviews(east, 1) = %+v, %d, %v", list, total, err)
		}
		if list, total, err := s.PendingReviews(ctx, f.westSup, 0); err != nil || total != 0 || len(list) != 0 {
			t.Errorf("PendingReviews(west) = %+v, %d, %v", list, total, err)
		}
		_, _, err = s.PendingReviews(ctx, f.east1, 0)
		wantDenied(t, s, "PendingReviews as an inspector", err, f.east1, models.AuditListReviews)
		rows, _ := sqlstore.AuditForTest(ctx, s, models.AuditListReviews)
		if len(rows) != 3 || rows[0].Detail != "n=2" || count(t, s, "audit_members", "event_id = ?", rows[0].ID) != 2 {
			t.Errorf("list_reviews rows = %+v", rows)
		}
		_, err = s.CreateVisit(ctx, f.east1, &models.Visit{IdemKey: "bad", Review: models.ReviewReturned}, ids)
		if err == nil {
			t.Error("CreateVisit took a returned visit")
		}
	})
}

// TestStore_ReviewAuditFailClosed: when the audit row cannot be written,
// no record is shown and no decision is kept.
func TestStore_ReviewAuditFailClosed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := reviewFixture(t, s)
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_events"); err != nil {
			t.Fatal(err)
		}
		if rec, err := s.ViewVisit(ctx, f.eastSup, f.visit.ID); err == nil || rec.Visit.ID != 0 {
			t.Errorf("ViewVisit without audit = %+v, %v", rec, err)
		}
		if _, err := s.ReviewVisit(ctx, f.eastSup, f.visit.ID, approve(0), time.Now()); err == nil {
			t.Error("ReviewVisit without audit succeeded")
		}
		if list, _, err := s.PendingReviews(ctx, f.eastSup, 0); err == nil || list != nil {
			t.Errorf("PendingReviews without audit = %v, %v", list, err)
		}
		if st := reviewState(t, s, f.visit.ID); st != models.ReviewPending {
			t.Errorf("the visit is %s, want pending", st)
		}
	})
}

// TestStore_MigrateReview: a visit saved before migration
// 202612030003_review is approved after it.
func TestStore_MigrateReview(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := e.openEmpty(t)
			if err := sqlstore.MigrateToForTest(ctx, s, "202612030002_audit_chains"); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				"INSERT INTO units (id, name, path, created_at) VALUES (1, '区', '/1/', '2026-01-01 00:00:00')",
				"INSERT INTO members (id, name, unit_id, post, `rank`, `key`, key_reason, created_at, updated_at) VALUES " +
					"(1, '甲', 1, '', 'other', 0, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
				"INSERT INTO visits (id, idem_key, member_id, author_id, date, methods, type, inspectors, participants, thinking, work, enforcement_ok, " +
					"enforcement_problem, pay_corrected_fen, conclusion, recommendation, feedback_unit, branch_informed, created_at) VALUES " +
					"(1, 'k1', 1, 5, '2025-02-01', 'talk', 'talk', '甲', '', '好', '好', 1, '', 0, 'good', 'continue', 1, 1, '2026-01-01 00:00:00')",
			} {
				if err := sqlstore.ExecForTest(ctx, s, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if n := count(t, s, "visits", "id = 1 AND review = ? AND reviewer_id IS NULL", models.ReviewApproved); n != 1 {
				t.Error("the visit saved before review is not approved")
			}
		})
	}
}
