package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// errIdemTaken reports that a visit with the same IdemKey was inserted
// concurrently.
var errIdemTaken = errors.New("idempotency key taken")

// CreateVisit saves visit and links it to sanctionIDs, all in one
// transaction with its "create_visit" audit row. The member must be inside
// v's scope and every sanction must be theirs, else ErrNotFound. AuthorID
// and CreatedAt are set here; on success visit.ID is the new id.
//
// Saving the same draft again is harmless: when a visit with visit.IdemKey
// exists (the insert meets its unique key, also when two replicas race),
// visit.ID is set to its id and created is false, with no new rows. A key used by another author or for another member is
// ErrDuplicate. The visit is saved pending review (visit.Review empty or
// ReviewPending) or approved (ReviewApproved: review is off).
func (s *Store) CreateVisit(ctx context.Context, v models.Viewer, visit *models.Visit, sanctionIDs []uint64) (created bool, err error) {
	if visit == nil {
		return false, errors.New("create visit: nil visit")
	}
	if err := visit.Validate(); err != nil {
		return false, fmt.Errorf("create visit: %w", err)
	}
	if r := visit.Review; r != "" && r != models.ReviewPending && r != models.ReviewApproved {
		return false, fmt.Errorf("create visit: review state %q: %w", r, models.ErrInvalid)
	}
	ids := uniqueIDs(sanctionIDs)
	if len(ids) == 0 {
		return false, errors.New("create visit: no sanction")
	}
	return s.createVisit(ctx, v, visit, ids)
}

// createVisit inserts the visit. A unique-key violation on IdemKey (the
// same draft saved again, or concurrently) turns into a replay, and so
// does a member or sanction no longer found when the draft was saved
// already (the member moved out of scope since): the key is not looked up
// first, which would cost every save a round trip for the rare replay.
func (s *Store) createVisit(ctx context.Context, v models.Viewer, visit *models.Visit, ids []uint64) (bool, error) {
	var row models.Visit
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		row = *visit
		row.ID, row.AuthorID, row.CreatedAt = 0, v.TelegramID, time.Now().UTC()
		row.ReviewerID, row.ReviewedAt, row.ReviewNote = nil, nil, ""
		if row.Review == "" {
			row.Review = models.ReviewPending
		}
		return insertVisit(tx, v, &row, ids)
	})
	if errors.Is(err, errIdemTaken) {
		if done, err := s.replayVisit(ctx, v, visit); done || err != nil {
			return false, err
		}
		return false, fmt.Errorf("create visit: key taken but visit not found: %w", models.ErrStale)
	}
	if errors.Is(err, models.ErrNotFound) {
		if done, rerr := s.replayVisit(ctx, v, visit); done || rerr != nil {
			return false, rerr
		}
	}
	if err != nil {
		return false, fmt.Errorf("create visit for member %d: %w", visit.MemberID, err)
	}
	*visit = row
	return true, nil
}

// insertVisit checks scope and sanctions, then inserts the visit, its links
// and the audit row.
func insertVisit(tx *gorm.DB, v models.Viewer, row *models.Visit, ids []uint64) error {
	row.NormaliseDates()
	checks, err := checkSanctions(tx, v, row.MemberID, ids, row.Date)
	if err != nil {
		return err
	}
	row.RequestsMetOn, row.RectifiedOn, row.RectifiedFen = nil, nil, 0 // tasks are marked done later, never with the visit
	row.RequestsOpen = row.RequestsPending()
	if err := tx.Create(row).Error; err != nil {
		if isDuplicate(err) {
			return errIdemTaken
		}
		return fmt.Errorf("insert visit: %w", err)
	}
	links := make([]models.VisitSanction, len(ids))
	for i, id := range ids {
		links[i] = models.VisitSanction{VisitID: row.ID, SanctionID: id}
	}
	if err := tx.Create(&links).Error; err != nil {
		return fmt.Errorf("link visit %d to sanctions: %w", row.ID, err)
	}
	for _, c := range checks {
		if err := c.settle(tx, row); err != nil {
			return err
		}
	}
	return writeAudit(tx, v, models.AuditCreateVisit, &row.MemberID, &row.ID, "")
}

// sanctionCheck is what checkSanctions reads of one sanction of a new
// visit: whether it is enforced now, and of its latest visit so far (nil:
// none) whether it is dated after the new one and what it found.
type sanctionCheck struct {
	ID       uint64
	Enforced bool
	Later    *bool // the latest visit is dated after the new one
	LatestOK *bool // the latest visit found the sanction enforced
}

// settle sets the sanction's enforcement after the new visit row was
// saved, as refreshEnforced would find it, without reading again: a
// sanction is enforced when its latest visit (by date, then id) found it
// so. The new visit has the highest id the transaction can see, so it is
// the latest unless one is dated after it; a new visit never carries a
// rectification mark.
func (c sanctionCheck) settle(tx *gorm.DB, row *models.Visit) error {
	enforced := row.EnforcementOK
	if c.Later != nil && *c.Later && c.LatestOK != nil {
		enforced = *c.LatestOK
	}
	return setEnforced(tx, c.ID, c.Enforced, enforced)
}

// checkSanctions checks, in one query, that v may see member memberID and
// that ids are all that member's sanctions (ErrNotFound if not), and
// reads what settling their enforcement after a visit dated date needs.
// It is the transaction's first read, like refreshEnforced's was its
// last: both see the snapshot taken then, plus the transaction's own rows.
func checkSanctions(tx *gorm.DB, v models.Viewer, memberID uint64, ids []uint64, date time.Time) ([]sanctionCheck, error) {
	if len(ids) == 0 {
		_, err := findMember(tx, v, memberID)
		return nil, err
	}
	q, err := scopedSanctions(tx, v)
	if err != nil {
		return nil, err
	}
	var checks []sanctionCheck
	// The date is compared in the select list, not the WHERE clause of
	// latestVisit, where it made MariaDB range-scan every visit since.
	err = q.Select(`sanctions.id AS id, sanctions.enforced AS enforced,
		(SELECT lv.date > ? `+latestVisit+`) AS later, `+latestEnforced+` AS latest_ok`, date).
		Where("sanctions.member_id = ? AND sanctions.id IN ?", memberID, ids).Scan(&checks).Error
	if err != nil {
		return nil, fmt.Errorf("check member %d and sanctions: %w", memberID, err)
	}
	if len(checks) != len(ids) {
		return nil, fmt.Errorf("sanctions of member %d: %w", memberID, models.ErrNotFound)
	}
	return checks, nil
}

// replayVisit looks for a visit saved earlier under visit.IdemKey. done is
// true when it exists and belongs to the same author and member; then
// visit.ID is set to its id.
func (s *Store) replayVisit(ctx context.Context, v models.Viewer, visit *models.Visit) (done bool, err error) {
	var found []models.Visit
	err = s.db.WithContext(ctx).Select("id", "member_id", "author_id").
		Where("idem_key = ?", visit.IdemKey).Limit(1).Find(&found).Error
	if err != nil {
		return false, fmt.Errorf("create visit: look up key: %w", err)
	}
	if len(found) == 0 {
		return false, nil
	}
	if found[0].AuthorID != v.TelegramID || found[0].MemberID != visit.MemberID {
		return false, fmt.Errorf("create visit: key used by visit %d: %w", found[0].ID, models.ErrDuplicate)
	}
	visit.ID = found[0].ID
	return true, nil
}

func uniqueIDs(ids []uint64) []uint64 {
	seen := make(map[uint64]bool, len(ids))
	out := make([]uint64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
