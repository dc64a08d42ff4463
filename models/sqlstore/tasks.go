package sqlstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// The tasks a visit leaves open besides its follow-ups (followup.go): the
// enforcement problem it found, until corrected (整改), and the requests it
// passed to the departments, until met (诉求落实). Whether a sanction is
// enforced follows from its visits' checks.

// maxRectifiedFen bounds the pay corrected, as the amounts of a visit
// (10,000,000 yuan).
const maxRectifiedFen = 1_000_000_000

// MarkRectified records that the enforcement problem found at a visit v
// may see (else ErrNotFound) was corrected on the day on, with fen of pay
// corrected (in fen, 0..10,000,000 yuan), and updates whether its
// sanctions are enforced. A visit without an open problem, a date outside
// 2000..2100 or before the visit, or a bad amount, is ErrInvalid. Audited
// ("rectified") in the same transaction.
func (s *Store) MarkRectified(ctx context.Context, v models.Viewer, visitID uint64, on time.Time, fen int64) error {
	on = models.DateOf(on)
	if fen < 0 || fen > maxRectifiedFen || !models.DateInRange(on) {
		return fmt.Errorf("%s %d: %w", models.AuditRectified, visitID, models.ErrInvalid)
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		visit, ids, err := findVisit(tx, v, visitID, true)
		if err != nil {
			return err
		}
		if visit.EnforcementOK || visit.RectifiedOn != nil || on.Before(visit.Date) {
			return fmt.Errorf("no open problem corrected on that day: %w", models.ErrInvalid)
		}
		err = tx.Table("visits").Where("id = ?", visitID).Updates(map[string]any{"rectified_on": on, "rectified_fen": fen}).Error
		if err != nil {
			return fmt.Errorf("update visit: %w", err)
		}
		if err := refreshEnforced(tx, ids); err != nil {
			return err
		}
		detail := fmt.Sprintf("on=%s fen=%d", on.Format(time.DateOnly), fen)
		return writeAudit(tx, v, models.AuditRectified, &visit.MemberID, &visitID, detail)
	})
	if err != nil {
		return fmt.Errorf("%s %d: %w", models.AuditRectified, visitID, err)
	}
	return nil
}

// MarkRequestsMet records that the requests passed on at a visit v may
// see (else ErrNotFound) were met on the day on. A visit without open
// requests, or a date outside 2000..2100 or before the visit, is
// ErrInvalid. Audited ("requests_met") in the same transaction.
func (s *Store) MarkRequestsMet(ctx context.Context, v models.Viewer, visitID uint64, on time.Time) error {
	on = models.DateOf(on)
	if !models.DateInRange(on) {
		return fmt.Errorf("%s %d: %w", models.AuditRequestsMet, visitID, models.ErrInvalid)
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		visit, _, err := findVisit(tx, v, visitID, true)
		if err != nil {
			return err
		}
		if !visit.RequestsPending() || on.Before(visit.Date) {
			return fmt.Errorf("no open requests met on that day: %w", models.ErrInvalid)
		}
		err = tx.Table("visits").Where("id = ?", visitID).Updates(map[string]any{"requests_met_on": on, "requests_open": false}).Error
		if err != nil {
			return fmt.Errorf("update visit: %w", err)
		}
		return writeAudit(tx, v, models.AuditRequestsMet, &visit.MemberID, &visitID, "on="+on.Format(time.DateOnly))
	})
	if err != nil {
		return fmt.Errorf("%s %d: %w", models.AuditRequestsMet, visitID, err)
	}
	return nil
}

// latestVisit ends a subquery on the latest visit (by date, then id),
// alias lv, of the sanction the enclosing query reads (table sanctions).
// It walks visits newest first along an index (the member's by date, or
// all by date, as the optimiser judges) to the first about this sanction,
// rather than sort all of the sanction's visits: a member visited often
// has hundreds.
const latestVisit = `FROM visits lv WHERE lv.member_id = sanctions.member_id
	AND EXISTS (SELECT 1 FROM visit_sanctions lvs WHERE lvs.visit_id = lv.id AND lvs.sanction_id = sanctions.id)
	ORDER BY lv.date DESC, lv.id DESC LIMIT 1`

// latestEnforced is whether the latest visit of the sanction found it
// enforced: its check found the execution in order, or the problem it
// found was corrected since (NULL: no visit).
const latestEnforced = `(SELECT lv.enforcement_ok OR lv.rectified_on IS NOT NULL ` + latestVisit + `)`

// refreshEnforced sets whether each sanction of ids is enforced from its
// latest visit (latestEnforced). A sanction no visit is about is not.
func refreshEnforced(tx *gorm.DB, ids []uint64) error {
	for _, id := range ids {
		var got []struct {
			Current bool  // what the sanction says now
			Latest  *bool // what its latest visit says; nil: no visit
		}
		// A plain read, and a write only when the answer changes (most
		// saves find it as it was: a round trip saved); not one UPDATE
		// with this as its subquery, which would be a locking read: saves
		// of visits of one member at once then deadlock (seen in the
		// side-by-side bench).
		err := tx.Raw(`SELECT sanctions.enforced AS current, `+latestEnforced+` AS latest
			FROM sanctions WHERE sanctions.id = ?`, id).Scan(&got).Error
		if err != nil {
			return fmt.Errorf("last check of sanction %d: %w", id, err)
		}
		if len(got) == 0 {
			continue // no such sanction
		}
		if err := setEnforced(tx, id, got[0].Current, got[0].Latest != nil && *got[0].Latest); err != nil {
			return err
		}
	}
	return nil
}

// setEnforced writes sanction id's enforcement when it changes from now.
func setEnforced(tx *gorm.DB, id uint64, now, enforced bool) error {
	if enforced == now {
		return nil
	}
	if err := tx.Model(&models.Sanction{}).Where("id = ?", id).Update("enforced", enforced).Error; err != nil {
		return fmt.Errorf("set enforcement of sanction %d: %w", id, err)
	}
	return nil
}
