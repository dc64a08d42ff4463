package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// TestStore_FormData: the form's data is the visit, its member and the
// sanctions it was about, for a viewer whose scope covers the member; a
// sibling unit gets ErrNotFound; both are audited as doc_form naming the
// visit (and the member when shown).
func TestStore_FormData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := loadEditFixture(t, s)
		doc, err := s.FormData(ctx, f.east1, f.visit.ID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Visit.ID != f.visit.ID || doc.Member.ID != f.visit.MemberID || doc.UnitName != "东湖镇机关党支部（演示）" ||
			len(doc.Sanctions) != 1 || doc.Sanctions[0].ID != f.sanction[0] || doc.Visit.Thinking != "认识到位" {
			t.Errorf("FormData = %+v", doc)
		}
		if doc.Names[inspectorTG] == "" {
			t.Errorf("author's name missing: %v", doc.Names)
		}
		doc, err = s.FormData(ctx, f.west1, f.visit.ID)
		wantErr(t, "FormData from a sibling unit", err, models.ErrNotFound)
		if doc.Visit.ID != 0 || doc.Member.Name != "" {
			t.Errorf("FormData out of scope returned data: %+v", doc)
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ? AND member_id = ? AND actor_id = ?",
			models.AuditDocForm, f.visit.ID, f.visit.MemberID, f.east1.TelegramID); n != 1 {
			t.Errorf("doc_form rows naming member and visit = %d, want 1", n)
		}
		if n := count(t, s, "audit_events", "action = ? AND visit_id = ? AND actor_id = ? AND detail = ?",
			models.AuditDocForm, f.visit.ID, f.west1.TelegramID, "result=not_found"); n != 1 {
			t.Errorf("refused doc_form rows = %d, want 1", n)
		}
	})
}

// TestStore_ArchiveData: the archive's data is every sanction and every
// visit of the member, in date order, with their sanctions; scoped and
// audited as doc_archive naming the member.
func TestStore_ArchiveData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := loadEditFixture(t, s)
		earlier := newVisit(f.visit.MemberID, "doc-"+randomID(t), models.DateOf(time.Now()).AddDate(0, 0, -3))
		if _, err := s.CreateVisit(ctx, f.east1, earlier, f.sanction[:]); err != nil {
			t.Fatal(err)
		}
		doc, err := s.ArchiveData(ctx, f.up, f.visit.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Member.ID != f.visit.MemberID || len(doc.Sanctions) != 2 || len(doc.Visits) != 2 {
			t.Fatalf("ArchiveData = %+v", doc)
		}
		if doc.Visits[0].ID != earlier.ID || doc.Visits[1].ID != f.visit.ID {
			t.Errorf("visits not in date order: %d, %d", doc.Visits[0].ID, doc.Visits[1].ID)
		}
		if got := doc.VisitSanctions[earlier.ID]; !slices.Equal(got, []uint64{f.sanction[0], f.sanction[1]}) {
			t.Errorf("sanctions of the earlier visit = %v", got)
		}
		if got := doc.VisitSanctions[f.visit.ID]; !slices.Equal(got, []uint64{f.sanction[0]}) {
			t.Errorf("sanctions of the later visit = %v", got)
		}
		_, err = s.ArchiveData(ctx, f.west1, f.visit.MemberID)
		wantErr(t, "ArchiveData from a sibling unit", err, models.ErrNotFound)
		if n := count(t, s, "audit_events", "action = ? AND member_id = ? AND actor_id = ? AND detail = ?",
			models.AuditDocArchive, f.visit.MemberID, f.up.TelegramID, "visits=2 sanctions=2"); n != 1 {
			t.Errorf("doc_archive rows = %d, want 1", n)
		}
		if n := count(t, s, "audit_events", "action = ? AND member_id = ? AND actor_id = ? AND detail = ?",
			models.AuditDocArchive, f.visit.MemberID, f.west1.TelegramID, "result=not_found"); n != 1 {
			t.Errorf("refused doc_archive rows = %d, want 1", n)
		}
	})
}

// TestStore_DocumentsFailClosed: without the audit table neither document
// returns data.
func TestStore_DocumentsFailClosed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := loadEditFixture(t, s)
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_events"); err != nil {
			t.Fatal(err)
		}
		form, err := s.FormData(ctx, f.admin, f.visit.ID)
		if err == nil || errors.Is(err, models.ErrNotFound) || form.Visit.ID != 0 || form.Member.Name != "" {
			t.Errorf("FormData without audit table = %+v, %v; want no data and a storage error", form, err)
		}
		arch, err := s.ArchiveData(ctx, f.admin, f.visit.MemberID)
		if err == nil || errors.Is(err, models.ErrNotFound) || arch.Member.Name != "" || arch.Visits != nil {
			t.Errorf("ArchiveData without audit table = %+v, %v; want no data and a storage error", arch, err)
		}
	})
}
