package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/huifang/huifang/models"
)

// editWindow is how long the author of a visit may edit it.
const editWindow = 7 * 24 * time.Hour

// visitFixed are the columns an edit never changes: identity, and the
// marks of the tasks the visit left (MarkRectified, MarkRequestsMet).
var visitFixed = []string{"id", "idem_key", "member_id", "author_id", "created_at", "requests_met_on", "requests_open",
	"rectified_on", "rectified_fen", "review", "reviewer_id", "reviewed_at", "review_note"}

// findVisit loads a visit of v's scope (locking its row when lock is set)
// with its sanction ids; out of scope is ErrNotFound.
func findVisit(tx *gorm.DB, v models.Viewer, id uint64, lock bool) (models.Visit, []uint64, error) {
	q, err := scopedMembers(tx, v)
	if err != nil {
		return models.Visit{}, nil, err
	}
	q = q.Joins("JOIN visits ON visits.member_id = members.id").Select("visits.*").Where("visits.id = ?", id)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"}) // MariaDB has no FOR UPDATE OF
	}
	var found []models.Visit
	if err := q.Limit(1).Find(&found).Error; err != nil {
		return models.Visit{}, nil, fmt.Errorf("find visit %d: %w", id, err)
	}
	if len(found) == 0 {
		return models.Visit{}, nil, fmt.Errorf("visit %d: %w", id, models.ErrNotFound)
	}
	found[0].NormaliseDates()
	var ids []uint64
	err = tx.Model(&models.VisitSanction{}).Where("visit_id = ?", id).Order("sanction_id").Pluck("sanction_id", &ids).Error
	if err != nil {
		return models.Visit{}, nil, fmt.Errorf("load sanctions of visit %d: %w", id, err)
	}
	return found[0], ids, nil
}

// GetVisit returns a visit of the viewer's subtree with its sanction ids
// in ascending order; out of scope is ErrNotFound. The view is audited
// ("open_visit", also when nothing is found) in the same transaction.
func (s *Store) GetVisit(ctx context.Context, v models.Viewer, id uint64) (models.Visit, []uint64, error) {
	var (
		visit models.Visit
		ids   []uint64
	)
	err := s.visitViewAudited(ctx, v, models.AuditOpenVisit, id, func(tx *gorm.DB) (*uint64, error) {
		var err error
		visit, ids, err = findVisit(tx, v, id, false)
		return &visit.MemberID, err
	})
	if err != nil {
		return models.Visit{}, nil, err
	}
	return visit, ids, nil
}

// visitViewAudited is viewAudited for a view of visit id: read returns the
// visit's member id for the audit row, and a view that finds nothing is
// audited with detail "result=not_found".
func (s *Store) visitViewAudited(ctx context.Context, v models.Viewer, action string, id uint64, read func(tx *gorm.DB) (*uint64, error)) error {
	var missing bool
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		memberID, err := read(tx)
		missing = errors.Is(err, models.ErrNotFound)
		if missing {
			return writeAudit(tx, v, action, nil, &id, "result=not_found")
		}
		if err != nil {
			return err
		}
		return writeAudit(tx, v, action, memberID, &id, "")
	})
	if err == nil && missing {
		err = models.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", action, id, err)
	}
	return nil
}

// visitSnapshot is what a revision keeps of a visit: the JSON in Before.
type visitSnapshot struct {
	Visit       models.Visit `json:"visit"`
	SanctionIDs []uint64     `json:"sanction_ids"`
}

// UpdateVisit edits a saved visit: every field but ID, IdemKey, MemberID,
// AuthorID and CreatedAt is taken from updated, and its sanctions become
// sanctionIDs (all the member's, else ErrNotFound). In one transaction it
// appends a VisitRevision holding the visit as it was (Before: JSON of
// visitSnapshot), the snake_case column names that changed ("sanctions"
// for the links) and reason, updates the visit, relinks it and audits
// "visit_edit". The review columns are kept, but for the state: the one
// updated.Review asks for (empty: as it was), and a returned visit goes
// back to pending. The author may edit within 7 days of CreatedAt (later:
// ErrEditWindow; a returned visit at any time) and an admin at any time;
// anyone else gets ErrForbidden;
// both refusals are audited. reason must have 1–512 characters; an
// invalid visit or an edit that changes nothing is ErrInvalid. Concurrent
// edits of one visit are serialised (ErrStale if they still collide).
func (s *Store) UpdateVisit(ctx context.Context, actor models.Viewer, id uint64, updated models.Visit, sanctionIDs []uint64, reason string, now time.Time) (models.VisitRevision, error) {
	reason = strings.TrimSpace(reason)
	if err := models.ValidateEditReason(reason); err != nil {
		return models.VisitRevision{}, fmt.Errorf("%s: %w", models.AuditVisitEdit, err)
	}
	ids := uniqueIDs(sanctionIDs)
	slices.Sort(ids)
	if len(ids) == 0 {
		return models.VisitRevision{}, fmt.Errorf("%s: no sanction: %w", models.AuditVisitEdit, models.ErrInvalid)
	}
	var rev models.VisitRevision
	err := s.guarded(ctx, actor, models.AuditVisitEdit, func(tx *gorm.DB) error {
		cur, curIDs, err := findVisit(tx, actor, id, true)
		if err != nil {
			return err
		}
		if err := mayEditVisit(actor, cur, now); err != nil {
			return err
		}
		row := updated
		if row.Review, err = reviewAfterEdit(cur.Review, updated.Review); err != nil {
			return err
		}
		row.ID, row.IdemKey, row.MemberID, row.AuthorID, row.CreatedAt = cur.ID, cur.IdemKey, cur.MemberID, cur.AuthorID, cur.CreatedAt
		row.ReviewerID, row.ReviewedAt, row.ReviewNote = cur.ReviewerID, cur.ReviewedAt, cur.ReviewNote
		row.RequestsMetOn, row.RectifiedOn, row.RectifiedFen = cur.RequestsMetOn, cur.RectifiedOn, cur.RectifiedFen
		row.RequestsOpen = row.RequestsPending()
		if err := row.Validate(); err != nil {
			return fmt.Errorf("%w: %w", models.ErrInvalid, err)
		}
		rev, err = editVisit(tx, actor, cur, curIDs, row, ids, reason, now)
		return err
	})
	if err != nil {
		return models.VisitRevision{}, err
	}
	return rev, nil
}

// reviewAfterEdit is the review state of an edited visit: the one the
// edit asks for (pending while review is on, approved when it is off;
// empty: the state as it was), and a returned visit, once corrected, is
// pending again.
func reviewAfterEdit(cur, asked models.ReviewState) (models.ReviewState, error) {
	switch asked {
	case "":
		asked = cur
	case models.ReviewPending, models.ReviewApproved:
	default:
		return "", fmt.Errorf("review state %q: %w", asked, models.ErrInvalid)
	}
	if asked == models.ReviewReturned {
		asked = models.ReviewPending
	}
	return asked, nil
}

// mayEditVisit applies the edit rule of UpdateVisit. The author corrects
// a visit returned to them whenever it comes back.
func mayEditVisit(actor models.Viewer, cur models.Visit, now time.Time) error {
	switch {
	case actor.Role == models.RoleAdmin:
		return nil
	case actor.TelegramID != cur.AuthorID:
		return forbidden(&cur.MemberID, &cur.ID)
	case cur.Review == models.ReviewReturned:
		return nil
	case now.Sub(cur.CreatedAt) > editWindow:
		return &denial{err: models.ErrEditWindow, memberID: &cur.MemberID, visitID: &cur.ID}
	}
	return nil
}

// editVisit writes the revision, the new visit and its links, and the
// audit row.
func editVisit(tx *gorm.DB, actor models.Viewer, cur models.Visit, curIDs []uint64, row models.Visit, ids []uint64, reason string, now time.Time) (models.VisitRevision, error) {
	changed := changedVisitColumns(cur, row)
	linksChanged := !slices.Equal(curIDs, ids)
	if len(changed) == 0 && !linksChanged {
		return models.VisitRevision{}, fmt.Errorf("nothing changed: %w", models.ErrInvalid)
	}
	if linksChanged {
		if err := checkVisitSanctions(tx, cur.MemberID, ids); err != nil {
			return models.VisitRevision{}, err
		}
	}
	rev, err := insertRevision(tx, actor, cur, curIDs, changed, linksChanged, reason, now)
	if err != nil {
		return models.VisitRevision{}, err
	}
	if len(changed) > 0 {
		row.NormaliseDates()
		if err := tx.Model(&row).Select(changed).Updates(&row).Error; err != nil {
			return models.VisitRevision{}, fmt.Errorf("update visit %d: %w", cur.ID, err)
		}
	}
	if linksChanged {
		if err := relinkVisit(tx, cur.ID, ids); err != nil {
			return models.VisitRevision{}, err
		}
	}
	if row.RequestsOpen != cur.RequestsOpen {
		if err := tx.Table("visits").Where("id = ?", cur.ID).Update("requests_open", row.RequestsOpen).Error; err != nil {
			return models.VisitRevision{}, fmt.Errorf("update visit %d: %w", cur.ID, err)
		}
	}
	if err := refreshEnforced(tx, uniqueIDs(append(slices.Clone(curIDs), ids...))); err != nil {
		return models.VisitRevision{}, err
	}
	if row.Review != cur.Review {
		if err := tx.Table("visits").Where("id = ?", cur.ID).Update("review", row.Review).Error; err != nil {
			return models.VisitRevision{}, fmt.Errorf("update review of visit %d: %w", cur.ID, err)
		}
	}
	detail := fmt.Sprintf("version=%d fields=%s", rev.Version, rev.Changed)
	switch {
	case row.Review == cur.Review:
	case row.Review == models.ReviewPending:
		detail += " result=pending"
	case row.Review == models.ReviewApproved:
		detail += " result=approved"
	}
	return rev, writeAudit(tx, actor, models.AuditVisitEdit, &cur.MemberID, &cur.ID, detail)
}

// insertRevision appends the next revision of a visit, holding cur as it
// was. The unique index on (visit_id, version) turns a lost race into
// ErrStale.
func insertRevision(tx *gorm.DB, actor models.Viewer, cur models.Visit, curIDs []uint64, changed []string, linksChanged bool, reason string, now time.Time) (models.VisitRevision, error) {
	before, err := json.Marshal(visitSnapshot{Visit: cur, SanctionIDs: curIDs})
	if err != nil {
		return models.VisitRevision{}, fmt.Errorf("encode visit %d: %w", cur.ID, err)
	}
	var last int
	err = tx.Model(&models.VisitRevision{}).Select("COALESCE(MAX(version), 0)").Where("visit_id = ?", cur.ID).Scan(&last).Error
	if err != nil {
		return models.VisitRevision{}, fmt.Errorf("last revision of visit %d: %w", cur.ID, err)
	}
	names := slices.Clone(changed)
	if linksChanged {
		names = append(names, "sanctions")
	}
	rev := models.VisitRevision{VisitID: cur.ID, Version: last + 1, EditorID: actor.TelegramID,
		At: now.UTC().Truncate(time.Millisecond), Reason: reason, Changed: strings.Join(names, ","), Before: string(before)}
	if err := tx.Create(&rev).Error; err != nil {
		if isDuplicate(err) {
			return models.VisitRevision{}, fmt.Errorf("visit %d edited concurrently: %w", cur.ID, models.ErrStale)
		}
		return models.VisitRevision{}, fmt.Errorf("insert revision of visit %d: %w", cur.ID, err)
	}
	return rev, nil
}

// visitColumns maps the editable fields of Visit, in declaration order, to
// their column names.
var visitColumns = func() []struct{ field, column string } {
	var out []struct{ field, column string }
	naming := schema.NamingStrategy{}
	t := reflect.TypeFor[models.Visit]()
	for i := range t.NumField() {
		col := naming.ColumnName("", t.Field(i).Name)
		if !slices.Contains(visitFixed, col) {
			out = append(out, struct{ field, column string }{t.Field(i).Name, col})
		}
	}
	return out
}()

// changedVisitColumns lists the editable columns whose values differ
// between a and b, comparing dates by calendar day.
func changedVisitColumns(a, b models.Visit) []string {
	a.NormaliseDates()
	b.NormaliseDates()
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var out []string
	for _, c := range visitColumns {
		fa, fb := va.FieldByName(c.field).Interface(), vb.FieldByName(c.field).Interface()
		if !sameValue(fa, fb) {
			out = append(out, c.column)
		}
	}
	return out
}

func sameValue(a, b any) bool {
	switch ta := a.(type) {
	case time.Time:
		return ta.Equal(b.(time.Time))
	case *time.Time:
		tb := b.(*time.Time)
		return (ta == nil) == (tb == nil) && (ta == nil || ta.Equal(*tb))
	}
	return reflect.DeepEqual(a, b)
}

// checkVisitSanctions returns ErrNotFound unless every id is a sanction of
// the member.
func checkVisitSanctions(tx *gorm.DB, memberID uint64, ids []uint64) error {
	var n int64
	if err := tx.Model(&models.Sanction{}).Where("member_id = ? AND id IN ?", memberID, ids).Count(&n).Error; err != nil {
		return fmt.Errorf("check sanctions: %w", err)
	}
	if int(n) != len(ids) {
		return fmt.Errorf("sanctions of member %d: %w", memberID, models.ErrNotFound)
	}
	return nil
}

// relinkVisit replaces a visit's sanction links.
func relinkVisit(tx *gorm.DB, visitID uint64, ids []uint64) error {
	if err := tx.Where("visit_id = ?", visitID).Delete(&models.VisitSanction{}).Error; err != nil {
		return fmt.Errorf("unlink visit %d: %w", visitID, err)
	}
	links := make([]models.VisitSanction, len(ids))
	for i, id := range ids {
		links[i] = models.VisitSanction{VisitID: visitID, SanctionID: id}
	}
	if err := tx.Create(&links).Error; err != nil {
		return fmt.Errorf("link visit %d: %w", visitID, err)
	}
	return nil
}

// VisitHistory returns a visit of v's subtree with its revisions, oldest
// first; a visit outside the subtree is ErrNotFound. The view is audited
// ("view_history", also when nothing is found) in the same transaction:
// one row for the record and its history.
func (s *Store) VisitHistory(ctx context.Context, v models.Viewer, id uint64) (models.Visit, []models.VisitRevision, error) {
	var (
		visit models.Visit
		revs  []models.VisitRevision
	)
	err := s.visitViewAudited(ctx, v, models.AuditViewHistory, id, func(tx *gorm.DB) (*uint64, error) {
		var err error
		if visit, _, err = findVisit(tx, v, id, false); err != nil {
			return nil, err
		}
		revs = nil
		if err := tx.Where("visit_id = ?", id).Order("version").Find(&revs).Error; err != nil {
			return nil, fmt.Errorf("load revisions of visit %d: %w", id, err)
		}
		return &visit.MemberID, nil
	})
	if err != nil {
		return models.Visit{}, nil, err
	}
	return visit, revs, nil
}
