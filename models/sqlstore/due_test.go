package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// findItem returns the first item of a reason for a member, or nil.
func findItem(items []models.DueItem, reason models.DueReason, member uint64) *models.DueItem {
	for i := range items {
		if items[i].Reason == reason && items[i].MemberID == member {
			return &items[i]
		}
	}
	return nil
}

func mustDue(t *testing.T, s *sqlstore.Store, today time.Time) []models.DueItem {
	t.Helper()
	items, err := s.DueItems(context.Background(), models.CalendarRules{}, today)
	if err != nil {
		t.Fatalf("DueItems: %v", err)
	}
	if !slices.IsSortedFunc(items, func(a, b models.DueItem) int { return a.Due.Compare(b.Due) }) {
		t.Errorf("DueItems not sorted by due date")
	}
	return items
}

// wantItem checks that an item of reason is due for member, overdue or
// not, with exactly the given inspectors.
func wantItem(t *testing.T, items []models.DueItem, today time.Time, reason models.DueReason, member uint64, overdue bool, inspectors ...int64) *models.DueItem {
	t.Helper()
	it := findItem(items, reason, member)
	if it == nil {
		t.Errorf("no %s item for member %d in %d items", reason, member, len(items))
		return nil
	}
	if it.Due.Before(today) != overdue || it.From.After(today) {
		t.Errorf("%s item %s: from %s due %s, today %s, want overdue=%v", reason, it.Key(),
			it.From.Format(time.DateOnly), it.Due.Format(time.DateOnly), today.Format(time.DateOnly), overdue)
	}
	if !slices.Equal(it.Inspectors, inspectors) && (len(it.Inspectors) != 0 || len(inspectors) != 0) {
		t.Errorf("%s item %s: inspectors %v, want %v", reason, it.Key(), it.Inspectors, inspectors)
	}
	return it
}

// TestStore_DueItems_Demo checks that the demo roster owes visits today:
// an overdue key target, a sanction ending soon and an open follow-up,
// each with the inspector of its township (the west one has none).
func TestStore_DueItems_Demo(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		items := mustDue(t, s, today)
		wantItem(t, items, today, models.DueKey, d.liSi.ID, true, inspectorTG)
		wantItem(t, items, today, models.DueFollowUp, d.wangWu.ID, true, inspectorTG)
		if it := wantItem(t, items, today, models.DueBeforeExpiry, d.zhangWest.ID, false); it != nil && it.SanctionID == 0 {
			t.Errorf("before-expiry item without its sanction: %+v", it)
		}
		for _, it := range items {
			if it.UnitID == 0 || it.MemberID == 0 {
				t.Errorf("item without member or unit: %+v", it)
			}
		}
	})
}

func TestStore_DueItems_Responsible(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		today := models.DateOf(time.Now())
		items := mustDue(t, s, today)
		// The west township has an inspector now; its subunits inherit it.
		wantItem(t, items, today, models.DueBeforeExpiry, r.zhangWest.ID, false, westTG)

		// An assignee takes every item of the member, until revoked.
		_, err := s.UpdateMember(ctx, r.admin, r.liSi.ID, models.MemberPatch{AssigneeID: ptr(int64(rootTG)), IntervalMonths: ptr(1)})
		if err != nil {
			t.Fatalf("UpdateMember: %v", err)
		}
		if n := count(t, s, "members", "id = ? AND assigned_at IS NOT NULL", r.liSi.ID); n != 1 {
			t.Errorf("assigned_at not set")
		}
		items = mustDue(t, s, today)
		wantItem(t, items, today, models.DueKey, r.liSi.ID, true, rootTG)
		if it := findItem(items, models.DueInteractive, r.liSi.ID); it != nil {
			t.Errorf("interactive item the day of the assignment: %+v", it)
		}
		if _, err := s.RevokeUser(ctx, r.admin, rootTG); err != nil {
			t.Fatalf("RevokeUser: %v", err)
		}
		items = mustDue(t, s, today)
		wantItem(t, items, today, models.DueKey, r.liSi.ID, true, inspectorTG)
		// A month later the interactive visit is due.
		later := today.AddDate(0, 1, 5)
		wantItem(t, mustDue(t, s, later), later, models.DueInteractive, r.liSi.ID, true, inspectorTG)
	})
}

func TestStore_Snooze(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		today := models.DateOf(time.Now())
		key := wantItem(t, mustDue(t, s, today), today, models.DueKey, r.liSi.ID, true, inspectorTG).Key()
		if err := s.Snooze(ctx, r.east1, key, today.AddDate(0, 0, 3)); err != nil {
			t.Fatalf("Snooze: %v", err)
		}
		items := mustDue(t, s, today)
		wantItem(t, items, today, models.DueKey, r.liSi.ID, true) // kept for digests, nobody reminded
		on := today.AddDate(0, 0, 3)
		wantItem(t, mustDue(t, s, on), on, models.DueKey, r.liSi.ID, true, inspectorTG)
		// Snoozing again moves the day.
		if err := s.Snooze(ctx, r.east1, key, today); err != nil {
			t.Fatalf("Snooze again: %v", err)
		}
		wantItem(t, mustDue(t, s, today), today, models.DueKey, r.liSi.ID, true, inspectorTG)
		if n := count(t, s, "snoozes", ""); n != 1 {
			t.Errorf("snooze rows = %d, want 1", n)
		}
		if n := audited(t, s, models.AuditSnooze, r.east1); n != 2 {
			t.Errorf("snooze audit rows = %d, want 2", n)
		}
		wantErr(t, "Snooze out of scope", s.Snooze(ctx, r.west1, key, today.AddDate(0, 0, 3)), models.ErrNotFound)
		if n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND member_id = ? AND detail LIKE ?",
			models.AuditSnooze, westTG, r.liSi.ID, "result=not_found%"); n != 1 {
			t.Errorf("out-of-scope snooze probe audit rows = %d, want 1", n)
		}
		wantErr(t, "Snooze bad key", s.Snooze(ctx, r.east1, "key:x", today), models.ErrInvalid)
	})
}

func TestStore_MarkFollowUp(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		it := wantItem(t, mustDue(t, s, today), today, models.DueFollowUp, d.wangWu.ID, true, inspectorTG)
		if it == nil {
			return
		}
		wantErr(t, "MarkFollowUp out of scope", s.MarkFollowUp(ctx, d.west1, it.VisitID, false, true), models.ErrNotFound)
		wantErr(t, "MarkFollowUp nothing", s.MarkFollowUp(ctx, d.east1, it.VisitID, false, false), models.ErrInvalid)
		if err := s.MarkFollowUp(ctx, d.east1, it.VisitID, false, true); err != nil {
			t.Fatalf("MarkFollowUp: %v", err)
		}
		if got := findItem(mustDue(t, s, today), models.DueFollowUp, d.wangWu.ID); got != nil {
			t.Errorf("follow-up still open: %+v", got)
		}
		if n := count(t, s, "visits", "id = ? AND feedback_unit = ? AND branch_informed = ?", it.VisitID, true, true); n != 1 {
			t.Errorf("visit flags not both set (feedback must stay set)")
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ? AND detail = ?", models.AuditFollowUpDone,
			it.VisitID, "fields=branch_informed"); n != 1 {
			t.Errorf("followup_done audit rows = %d, want 1", n)
		}
		if n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND visit_id = ? AND detail = ?", models.AuditFollowUpDone,
			westTG, it.VisitID, "result=not_found"); n != 1 {
			t.Errorf("out-of-scope probe audit rows = %d, want 1", n)
		}
		wantErr(t, "MarkFollowUp when nothing is open", s.MarkFollowUp(ctx, d.east1, it.VisitID, true, true), models.ErrInvalid)
	})
}

// TestStore_MarkFollowUpWho: only the author, the assigned inspector, a
// supervisor or an admin may mark a follow-up; only open flags change.
func TestStore_MarkFollowUpWho(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		today := models.DateOf(time.Now())
		it := wantItem(t, mustDue(t, s, today), today, models.DueFollowUp, r.wangWu.ID, true, inspectorTG)
		if it == nil {
			return
		}
		east2 := models.User{TelegramID: newUserTG, Name: "东湖回访员乙", Role: models.RoleInspector, UnitID: r.east}
		if err := s.CreateUser(ctx, r.admin, &east2); err != nil {
			t.Fatal(err)
		}
		v2 := models.Viewer{TelegramID: east2.TelegramID, Role: models.RoleInspector, UnitID: r.east}
		wantDenied(t, s, "another inspector of the unit", s.MarkFollowUp(ctx, v2, it.VisitID, true, true), v2, models.AuditFollowUpDone)
		if n := count(t, s, "visits", "id = ? AND branch_informed = ?", it.VisitID, false); n != 1 {
			t.Fatal("a refused mark changed the visit")
		}
		if err := sqlstore.ExecForTest(ctx, s, "UPDATE members SET assignee_id = ? WHERE id = ?", east2.TelegramID, r.wangWu.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFollowUp(ctx, v2, it.VisitID, true, true); err != nil {
			t.Fatalf("the assigned inspector marks: %v", err)
		}
		if n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND detail = ?", models.AuditFollowUpDone,
			east2.TelegramID, "fields=branch_informed"); n != 1 {
			t.Errorf("audit of the open flag only = %d rows, want 1 (feedback was set already)", n)
		}
	})
}

// TestStore_AssigneeOutOfScope: an assignment whose member lies outside
// the assignee's units (the member's unit moved away) reminds the
// inspectors of the member's units instead; moving a unit clears such
// assignments and its audit row names the members.
func TestStore_AssigneeOutOfScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		old := time.Now().AddDate(0, -3, 0)
		if err := sqlstore.ExecForTest(ctx, s, "UPDATE members SET assignee_id = ?, interval_months = 1, assigned_at = ? WHERE id = ?",
			westTG, old, r.liSi.ID); err != nil {
			t.Fatal(err)
		}
		today := models.DateOf(time.Now())
		wantItem(t, mustDue(t, s, today), today, models.DueInteractive, r.liSi.ID, true, inspectorTG)

		if err := sqlstore.ExecForTest(ctx, s, "UPDATE members SET assignee_id = ? WHERE id = ?", inspectorTG, r.liSi.ID); err != nil {
			t.Fatal(err)
		}
		branch := mustUnit(t, s, "东湖村党支部（演示）")
		if err := s.MoveUnit(ctx, r.admin, branch, r.west); err != nil {
			t.Fatalf("MoveUnit: %v", err)
		}
		if n := count(t, s, "members", "id = ? AND assignee_id IS NULL", r.liSi.ID); n != 1 {
			t.Error("the assignment outside the assignee's units was kept")
		}
		wantItem(t, mustDue(t, s, today), today, models.DueKey, r.liSi.ID, true, westTG)
		if n := count(t, s, "audit_events", "action = ? AND detail LIKE ? AND (member_id = ? OR id IN (SELECT event_id FROM audit_members WHERE member_id = ?))",
			models.AuditUnitMove, "%assignments_cleared=%", r.liSi.ID, r.liSi.ID); n != 1 {
			t.Errorf("unit_move audit rows naming the member = %d, want 1", n)
		}
	})
}
