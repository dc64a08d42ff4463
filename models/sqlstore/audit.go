package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Audit listing limits.
const (
	defaultAuditLimit = 20
	maxAuditLimit     = 100
)

// maxDetail is the size of audit_events.detail.
const maxDetail = 255

// denial is a role failure found inside a transaction: the transaction is
// rolled back, then the refusal is audited in one of its own.
type denial struct {
	err      error // ErrForbidden or ErrEditWindow
	memberID *uint64
	visitID  *uint64
}

func (d *denial) Error() string { return d.err.Error() }
func (d *denial) Unwrap() error { return d.err }

// forbidden returns the denial of an operation the actor's role does not
// allow.
func forbidden(memberID, visitID *uint64) error {
	return &denial{err: models.ErrForbidden, memberID: memberID, visitID: visitID}
}

// deny writes the "denied" audit row of op in a transaction of its own,
// since the refused operation wrote nothing, and returns d's error. If the
// row cannot be written the storage error is joined to it: the refusal
// stands either way.
func (s *Store) deny(ctx context.Context, actor models.Viewer, op string, d *denial) error {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		return writeAudit(tx, actor, models.AuditDenied, d.memberID, d.visitID, "op="+op)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, errors.Join(d.err, err))
	}
	return fmt.Errorf("%s: %w", op, d.err)
}

// guarded runs fn in one transaction for op. A denial returned by fn is
// audited by deny after the rollback; any other error is wrapped with op.
func (s *Store) guarded(ctx context.Context, actor models.Viewer, op string, fn func(tx *gorm.DB) error) error {
	err := s.inTx(ctx, fn)
	var d *denial
	if errors.As(err, &d) {
		return s.deny(ctx, actor, op, d)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// rosterWriter reports whether actor may create and change units'
// members and sanctions: admins anywhere, supervisors inside their subtree
// (the subtree is enforced by the scoped queries). Inspectors only log
// visits.
func rosterWriter(actor models.Viewer) bool {
	return actor.Role == models.RoleAdmin || actor.Role == models.RoleSupervisor
}

// ListAudit lists audit events, newest first, with the members each names:
// those of f.ActorID and/or naming f.MemberID when set, with an id below f.BeforeID when set (the next page
// starts below the last id shown), at most f.Limit (20 when ≤ 0, never more
// than 100). Admins only; anyone else gets ErrForbidden, audited. The
// listing writes its own "view_audit" row in the same transaction.
func (s *Store) ListAudit(ctx context.Context, v models.Viewer, f models.AuditFilter) ([]models.AuditEvent, error) {
	if v.Role != models.RoleAdmin {
		return nil, s.deny(ctx, v, models.AuditViewAudit, &denial{err: models.ErrForbidden})
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	limit = min(limit, maxAuditLimit)
	var out []models.AuditEvent
	err := s.guarded(ctx, v, models.AuditViewAudit, func(tx *gorm.DB) error {
		q := tx.Model(&models.AuditEvent{})
		if f.ActorID != 0 {
			q = q.Where("actor_id = ?", f.ActorID)
		}
		if f.MemberID != 0 {
			named := tx.Model(&auditMember{}).Select("event_id").Where("member_id = ?", f.MemberID)
			q = q.Where("member_id = ? OR id IN (?)", f.MemberID, named)
		}
		if f.BeforeID != 0 {
			q = q.Where("id < ?", f.BeforeID)
		}
		out = nil
		if err := q.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
			return fmt.Errorf("list: %w", err)
		}
		if len(out) > 0 {
			if err := attachMembers(tx, out); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("actor=%d member=%d before=%d results=%d", f.ActorID, f.MemberID, f.BeforeID, len(out))
		return writeAudit(tx, v, models.AuditViewAudit, nil, nil, detail)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
