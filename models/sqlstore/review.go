package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Reading a visit whole and the supervisor's review of it.

// ViewVisit returns a visit of v's subtree whole: the record, its member
// and unit, the sanctions it was about, the names of its author and
// reviewer and how often it was edited. Out of scope is ErrNotFound. The
// view is audited ("view_visit", naming the member and the visit; also
// when nothing is found) in the same transaction; if the row cannot be
// written nothing is returned.
func (s *Store) ViewVisit(ctx context.Context, v models.Viewer, id uint64) (models.VisitRecord, error) {
	var rec models.VisitRecord
	err := s.visitViewAudited(ctx, v, models.AuditViewVisit, id, func(tx *gorm.DB) (*uint64, error) {
		var err error
		if rec, _, err = loadVisitRecord(tx, v, id); err != nil {
			return nil, err
		}
		return &rec.Visit.MemberID, nil
	})
	if err != nil {
		return models.VisitRecord{}, err
	}
	return rec, nil
}

// loadVisitRecord reads visit id of v's subtree whole (ViewVisit, and the
// record form: FormData), with the names of its author and reviewer by
// Telegram id (those who have a users row).
func loadVisitRecord(tx *gorm.DB, v models.Viewer, id uint64) (models.VisitRecord, map[int64]string, error) {
	var rec models.VisitRecord
	var err error
	if rec.Visit, rec.SanctionIDs, err = findVisit(tx, v, id, false); err != nil {
		return rec, nil, err
	}
	row, err := findMember(tx, v, rec.Visit.MemberID)
	if err != nil {
		return rec, nil, err
	}
	rec.Member, rec.UnitName = normaliseMember(row.Member), row.UnitName
	if len(rec.SanctionIDs) > 0 {
		err := tx.Where("id IN ?", rec.SanctionIDs).Order("decision_date DESC, id DESC").Find(&rec.Sanctions).Error
		if err != nil {
			return rec, nil, fmt.Errorf("load sanctions of visit %d: %w", id, err)
		}
		for i := range rec.Sanctions {
			rec.Sanctions[i].NormaliseDates()
		}
	}
	if rec.Revisions, err = revisionCount(tx, id); err != nil {
		return rec, nil, err
	}
	names, err := visitNames(tx, []models.Visit{rec.Visit})
	if err != nil {
		return rec, nil, err
	}
	rec.AuthorName = names[rec.Visit.AuthorID]
	if r := rec.Visit.ReviewerID; r != nil {
		rec.ReviewerName = names[*r]
	}
	return rec, names, nil
}

// revisionCount is how many revisions visit id has.
func revisionCount(tx *gorm.DB, id uint64) (int, error) {
	var n int64
	if err := tx.Model(&models.VisitRevision{}).Where("visit_id = ?", id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count revisions of visit %d: %w", id, err)
	}
	return int(n), nil
}

// ReviewVisit approves a pending visit of actor's subtree, or returns it
// to its author with a comment, and returns the visit as reviewed.
// Supervisors and admins review (anyone else: ErrForbidden, audited); an
// author never reviews their own visit unless they are an admin
// (ErrForbidden). d.Revisions must be the visit's revision count, so that
// a reviewer decides on what they read (else ErrStale). A visit that is
// not pending is ErrReviewed: of two reviewers at once, one wins (the
// row is locked and the update is conditional on the state). Out of scope
// is ErrNotFound. The decision is audited ("review_visit") in its
// transaction, a visit not found too.
func (s *Store) ReviewVisit(ctx context.Context, actor models.Viewer, id uint64, d models.ReviewDecision, now time.Time) (models.Visit, error) {
	op := models.AuditReviewVisit
	if err := d.Validate(); err != nil {
		return models.Visit{}, fmt.Errorf("%s %d: %w", op, id, err)
	}
	if !models.MayReview(actor) {
		return models.Visit{}, s.deny(ctx, actor, op, &denial{err: models.ErrForbidden, visitID: &id})
	}
	var (
		out     models.Visit
		missing bool
	)
	err := s.guarded(ctx, actor, op, func(tx *gorm.DB) error {
		cur, _, err := findVisit(tx, actor, id, true)
		if errors.Is(err, models.ErrNotFound) {
			missing = true
			return writeAudit(tx, actor, op, nil, &id, "result=not_found")
		}
		if err != nil {
			return err
		}
		if cur.AuthorID == actor.TelegramID && actor.Role != models.RoleAdmin {
			return forbidden(&cur.MemberID, &cur.ID)
		}
		out, err = decide(tx, actor, cur, d, now)
		return err
	})
	if err == nil && missing {
		err = fmt.Errorf("%s %d: %w", op, id, models.ErrNotFound)
	}
	if err != nil {
		return models.Visit{}, err
	}
	return out, nil
}

// decide writes a review decision on the locked visit cur and its audit
// row.
func decide(tx *gorm.DB, actor models.Viewer, cur models.Visit, d models.ReviewDecision, now time.Time) (models.Visit, error) {
	if cur.Review != models.ReviewPending {
		return models.Visit{}, fmt.Errorf("visit %d is %s: %w", cur.ID, cur.Review, models.ErrReviewed)
	}
	n, err := revisionCount(tx, cur.ID)
	if err != nil {
		return models.Visit{}, err
	}
	if n != d.Revisions {
		return models.Visit{}, fmt.Errorf("visit %d has %d revisions, %d seen: %w", cur.ID, n, d.Revisions, models.ErrStale)
	}
	state, detail := models.ReviewApproved, fmt.Sprintf("result=approved version=%d", n)
	if !d.Approve {
		state, detail = models.ReviewReturned, fmt.Sprintf("result=returned version=%d", n)
	}
	at := now.UTC().Truncate(time.Second)
	reviewer := actor.TelegramID
	res := tx.Model(&models.Visit{}).Where("id = ? AND review = ?", cur.ID, models.ReviewPending).
		Updates(map[string]any{"review": state, "reviewer_id": reviewer, "reviewed_at": at, "review_note": trimmed(d.Note)})
	if res.Error != nil {
		return models.Visit{}, fmt.Errorf("review visit %d: %w", cur.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Visit{}, fmt.Errorf("visit %d: %w", cur.ID, models.ErrReviewed)
	}
	cur.Review, cur.ReviewerID, cur.ReviewedAt, cur.ReviewNote = state, &reviewer, &at, trimmed(d.Note)
	return cur, writeAudit(tx, actor, models.AuditReviewVisit, &cur.MemberID, &cur.ID, detail)
}

// PendingReviews lists the pending visits of v's subtree, oldest saved
// first, at most limit (MaxPendingReviews when ≤ 0 or more), with how
// many there are. Supervisors and admins only (else ErrForbidden,
// audited). The list is audited ("list_reviews", naming its members) in
// its transaction.
func (s *Store) PendingReviews(ctx context.Context, v models.Viewer, limit int) ([]models.PendingVisit, int, error) {
	op := models.AuditListReviews
	if !models.MayReview(v) {
		return nil, 0, s.deny(ctx, v, op, &denial{err: models.ErrForbidden})
	}
	if limit <= 0 || limit > models.MaxPendingReviews {
		limit = models.MaxPendingReviews
	}
	var (
		out   []models.PendingVisit
		total int
	)
	err := s.guarded(ctx, v, op, func(tx *gorm.DB) error {
		var err error
		if out, total, err = pendingVisits(tx, v, limit); err != nil {
			return err
		}
		ids := make([]uint64, len(out))
		for i, p := range out {
			ids[i] = p.MemberID
		}
		return writeAuditMembers(tx, v, op, ids, nil, fmt.Sprintf("n=%d", len(out)))
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// pendingVisits reads the pending visits of v's subtree, oldest saved
// first, at most limit, and how many there are.
func pendingVisits(tx *gorm.DB, v models.Viewer, limit int) ([]models.PendingVisit, int, error) {
	q, err := scopedMembers(tx, v)
	if errors.Is(err, models.ErrNotFound) { // the viewer's unit is gone: sees nothing
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	q = q.Joins("JOIN visits ON visits.member_id = members.id").Where("visits.review = ?", models.ReviewPending)
	var n int64
	if err := q.Session(&gorm.Session{}).Count(&n).Error; err != nil {
		return nil, 0, fmt.Errorf("count pending visits: %w", err)
	}
	var rows []struct {
		ID, MemberID         uint64
		AuthorID             int64
		Date, CreatedAt      time.Time
		MemberName, UnitName string
	}
	err = q.Select("visits.id, visits.member_id, visits.author_id, visits.date, visits.created_at, " +
		"members.name AS member_name, units.name AS unit_name").
		Order("visits.created_at, visits.id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list pending visits: %w", err)
	}
	out := make([]models.PendingVisit, len(rows))
	for i, r := range rows {
		out[i] = models.PendingVisit{ID: r.ID, MemberID: r.MemberID, AuthorID: r.AuthorID, Date: models.DateOf(r.Date), CreatedAt: r.CreatedAt.UTC(),
			MemberName: r.MemberName, UnitName: r.UnitName}
	}
	return out, int(n), nil
}

// trimmed is a comment as kept.
func trimmed(s string) string { return strings.TrimSpace(s) }
