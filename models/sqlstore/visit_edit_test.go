package sqlstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// editFixture is a visit logged by the east inspector about a member with
// two sanctions, the first linked.
type editFixture struct {
	roster
	visit    models.Visit
	sanction [2]uint64
}

func loadEditFixture(t *testing.T, s *sqlstore.Store) editFixture {
	t.Helper()
	ctx := context.Background()
	f := editFixture{roster: loadRoster(t, s)}
	today := models.DateOf(time.Now())
	m, sn := mustMember(t, s, f.eastOffice, "修改测试", today.AddDate(0, -2, 0))
	second, err := s.CreateSanction(ctx, f.admin, models.SanctionInput{MemberID: m.ID, Kind: models.GovWarning,
		DecisionNo: "修改〔" + randomID(t) + "〕号", DecisionDate: today.AddDate(0, -1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	f.sanction = [2]uint64{sn.ID, second.ID}
	v := newVisit(m.ID, "edit-"+randomID(t), today)
	if _, err := s.CreateVisit(ctx, f.east1, v, []uint64{sn.ID}); err != nil {
		t.Fatal(err)
	}
	f.visit = *v
	return f
}

func TestStore_GetVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := loadEditFixture(t, s)
		got, ids, err := s.GetVisit(ctx, f.east1, f.visit.ID)
		if err != nil || got.ID != f.visit.ID || got.Thinking != "认识到位" || !slices.Equal(ids, []uint64{f.sanction[0]}) {
			t.Errorf("GetVisit = %+v, %v, %v", got, ids, err)
		}
		_, ids, err = s.GetVisit(ctx, f.west1, f.visit.ID)
		wantErr(t, "GetVisit from a sibling unit", err, models.ErrNotFound)
		if ids != nil {
			t.Error("GetVisit returned ids with its error")
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ?", models.AuditOpenVisit, f.visit.ID); n != 2 {
			t.Errorf("open_visit audit rows = %d, want 2 (one refused)", n)
		}
	})
}

func TestStore_UpdateVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := loadEditFixture(t, s)
		created := f.visit.CreatedAt
		edit := f.visit
		edit.Thinking, edit.IdemKey, edit.AuthorID = "思想有转变", "", 0
		rev, err := s.UpdateVisit(ctx, f.east1, f.visit.ID, edit, []uint64{f.sanction[1], f.sanction[0]}, " 补记 ", created.Add(time.Hour))
		if err != nil {
			t.Fatalf("UpdateVisit: %v", err)
		}
		if rev.Version != 1 || rev.Changed != "thinking,sanctions" || rev.Reason != "补记" || rev.EditorID != inspectorTG {
			t.Errorf("revision 1 = %+v", rev)
		}
		checkBefore(t, rev, "认识到位", []uint64{f.sanction[0]})
		got, ids, _ := s.GetVisit(ctx, f.admin, f.visit.ID)
		if got.Thinking != "思想有转变" || got.IdemKey != f.visit.IdemKey || got.AuthorID != inspectorTG ||
			got.CreatedAt.Sub(created).Abs() > time.Millisecond || len(ids) != 2 {
			t.Errorf("visit after edit = %+v, sanctions %v", got, ids)
		}
		edit.Work, edit.NextVisit = "工作积极", ptr(models.DateOf(created).AddDate(0, 3, 0))
		rev, err = s.UpdateVisit(ctx, f.east1, f.visit.ID, edit, ids, "更正", created.Add(7*24*time.Hour-time.Minute))
		if err != nil || rev.Version != 2 || rev.Changed != "work,next_visit" {
			t.Fatalf("second UpdateVisit = %+v, %v", rev, err)
		}
		checkBefore(t, rev, "思想有转变", ids)

		late := created.Add(8 * 24 * time.Hour)
		_, err = s.UpdateVisit(ctx, f.east1, f.visit.ID, edit, ids, "太迟", late)
		wantDenied(t, s, "author after 7 days", err, f.east1, models.AuditVisitEdit, models.ErrEditWindow)
		_, err = s.UpdateVisit(ctx, f.eastSup, f.visit.ID, edit, ids, "非作者", created)
		wantDenied(t, s, "supervisor who is not the author", err, f.eastSup, models.AuditVisitEdit)
		edit.Help = "协调就业"
		if rev, err := s.UpdateVisit(ctx, f.admin, f.visit.ID, edit, ids, "管理员更正", created.AddDate(0, 1, 0)); err != nil || rev.Version != 3 {
			t.Errorf("admin UpdateVisit after a month = %+v, %v", rev, err)
		}
		checkUpdateVisitRefusals(t, s, f, edit, ids)
		checkHistory(t, s, f)
	})
}

func checkBefore(t *testing.T, rev models.VisitRevision, thinking string, ids []uint64) {
	t.Helper()
	var before struct {
		Visit       models.Visit `json:"visit"`
		SanctionIDs []uint64     `json:"sanction_ids"`
	}
	if err := json.Unmarshal([]byte(rev.Before), &before); err != nil {
		t.Fatalf("Before of revision %d: %v", rev.Version, err)
	}
	if before.Visit.Thinking != thinking || !slices.Equal(before.SanctionIDs, ids) {
		t.Errorf("Before of revision %d = %q %v, want %q %v", rev.Version, before.Visit.Thinking, before.SanctionIDs, thinking, ids)
	}
}

func checkUpdateVisitRefusals(t *testing.T, s *sqlstore.Store, f editFixture, edit models.Visit, ids []uint64) {
	t.Helper()
	ctx := context.Background()
	now := f.visit.CreatedAt
	_, err := s.UpdateVisit(ctx, f.west1, f.visit.ID, edit, ids, "越界", now)
	wantErr(t, "UpdateVisit from a sibling unit", err, models.ErrNotFound)
	for name, reason := range map[string]string{"empty": " ", "long": strings.Repeat("因", 513)} {
		_, err = s.UpdateVisit(ctx, f.admin, f.visit.ID, edit, ids, reason, now)
		wantErr(t, "UpdateVisit with a "+name+" reason", err, models.ErrInvalid)
	}
	_, err = s.UpdateVisit(ctx, f.admin, f.visit.ID, edit, ids, "无变化", now)
	wantErr(t, "UpdateVisit without a change", err, models.ErrInvalid)
	bad := edit
	bad.Type = "chat"
	_, err = s.UpdateVisit(ctx, f.admin, f.visit.ID, bad, ids, "类型", now)
	wantErr(t, "UpdateVisit with an invalid type", err, models.ErrInvalid)
	_, err = s.UpdateVisit(ctx, f.admin, f.visit.ID, edit, []uint64{f.sanction[0], 999_999}, "他人处分", now)
	wantErr(t, "UpdateVisit with another member's sanction", err, models.ErrNotFound)
	if n := count(t, s, "visit_revisions", "visit_id = ?", f.visit.ID); n != 3 {
		t.Errorf("revisions after refusals = %d, want 3", n)
	}
}

func checkHistory(t *testing.T, s *sqlstore.Store, f editFixture) {
	t.Helper()
	ctx := context.Background()
	_, revs, err := s.VisitHistory(ctx, f.east1, f.visit.ID)
	if err != nil || len(revs) != 3 {
		t.Fatalf("VisitHistory = %d revisions, %v; want 3", len(revs), err)
	}
	for i, r := range revs {
		if r.Version != i+1 {
			t.Errorf("revision %d has version %d", i, r.Version)
		}
	}
	_, _, err = s.VisitHistory(ctx, f.west1, f.visit.ID)
	wantErr(t, "VisitHistory from a sibling unit", err, models.ErrNotFound)
	if n := count(t, s, "audit_events", "action = ? AND visit_id = ?", models.AuditViewHistory, f.visit.ID); n != 2 {
		t.Errorf("view_history audit rows = %d, want 2", n)
	}
	if n := count(t, s, "audit_events", "action = ? AND visit_id = ?", models.AuditVisitEdit, f.visit.ID); n != 3 {
		t.Errorf("visit_edit audit rows = %d, want 3", n)
	}
}
