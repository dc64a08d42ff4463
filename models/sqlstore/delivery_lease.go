package sqlstore

// A sender's hold on a delivery: claimed under a lease, then marked
// sending just before the send, then finished (delivery.go). A lease that
// runs out tells the two apart: a claimed delivery was never sent and goes
// back to pending; a sending one may have arrived and becomes uncertain.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// claimTxOptions runs a claim under READ COMMITTED on MySQL: without gap
// locks, concurrent claimers that update the status index do not
// deadlock. SQLite serialises writers anyway.
func (s *Store) claimTxOptions() []*sql.TxOptions {
	if s.dialect == DialectMySQL {
		return []*sql.TxOptions{{Isolation: sql.LevelReadCommitted}}
	}
	return nil
}

// ClaimDeliveries marks up to limit pending deliveries due at now (oldest
// NextAttempt first) as claimed, with a lease until now+lease, and returns
// them; a row is claimed by one caller only (MySQL: SELECT ... FOR UPDATE
// SKIP LOCKED; SQLite: one writer at a time). A claim is not an attempt:
// the sender marks each delivery with StartDelivery just before sending
// it, and hands back with ReleaseDelivery what it will not send.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("claim deliveries: limit and lease must be positive: %w", models.ErrInvalid)
	}
	now = now.UTC()
	var out []models.Delivery
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		out = nil
		q := tx.Model(&models.Delivery{}).Where("status = ? AND next_attempt <= ?", models.StatusPending, now).
			Order("next_attempt, id").Limit(limit)
		if s.dialect == DialectMySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []uint64
		if err := q.Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("pick pending: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		err := tx.Model(&models.Delivery{}).Where("id IN ? AND status = ?", ids, models.StatusPending).
			Updates(map[string]any{"status": models.StatusClaimed, "lease_until": now.Add(lease)}).Error
		if err != nil {
			return fmt.Errorf("mark claimed: %w", err)
		}
		return tx.Where("id IN ?", ids).Order("next_attempt, id").Find(&out).Error
	}, s.claimTxOptions()...)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// StartDelivery marks d, claimed by ClaimDeliveries, as sending: one more
// attempt, with a fresh lease until now+lease that covers the send. It
// returns d as it is now. The claim's lease (d.LeaseUntil) identifies it:
// when that lease ran out and the delivery went back to pending (and
// maybe to another sender), or d was not claimed, it is ErrStale and must
// not be sent; an absent delivery is ErrNotFound.
func (s *Store) StartDelivery(ctx context.Context, d models.Delivery, now time.Time, lease time.Duration) (models.Delivery, error) {
	if lease <= 0 || d.LeaseUntil == nil {
		return d, fmt.Errorf("start delivery %d: a claim and a positive lease: %w", d.ID, models.ErrInvalid)
	}
	until := now.UTC().Add(lease)
	res := s.db.WithContext(ctx).Model(&models.Delivery{}).
		Where("id = ? AND status = ? AND lease_until = ?", d.ID, models.StatusClaimed, d.LeaseUntil.UTC()).
		Updates(map[string]any{"status": models.StatusSending, "lease_until": until, "attempts": gorm.Expr("attempts + 1")})
	if res.Error != nil {
		return d, fmt.Errorf("start delivery %d: %w", d.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return d, s.notHeld(ctx, d.ID, "start delivery")
	}
	var out models.Delivery
	if err := s.db.WithContext(ctx).Where("id = ?", d.ID).Take(&out).Error; err != nil {
		return d, fmt.Errorf("start delivery %d: reread: %w", d.ID, err)
	}
	return out, nil
}

// ReleaseDelivery hands back a claimed delivery that will not be sent
// (the sender is stopping): pending again, due at now. Like
// StartDelivery, it is ErrStale when the claim is no longer d's.
func (s *Store) ReleaseDelivery(ctx context.Context, d models.Delivery, now time.Time) error {
	if d.LeaseUntil == nil {
		return fmt.Errorf("release delivery %d: not claimed: %w", d.ID, models.ErrInvalid)
	}
	res := s.db.WithContext(ctx).Model(&models.Delivery{}).
		Where("id = ? AND status = ? AND lease_until = ?", d.ID, models.StatusClaimed, d.LeaseUntil.UTC()).
		Updates(map[string]any{"status": models.StatusPending, "lease_until": nil, "next_attempt": now.UTC()})
	if res.Error != nil {
		return fmt.Errorf("release delivery %d: %w", d.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return s.notHeld(ctx, d.ID, "release delivery")
	}
	return nil
}

// notHeld is the error of an update that matched no row: ErrNotFound when
// the delivery does not exist, else ErrStale.
func (s *Store) notHeld(ctx context.Context, id uint64, op string) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&models.Delivery{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("%s %d: %w", op, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", op, id, models.ErrNotFound)
	}
	return fmt.Errorf("%s %d: not held: %w", op, id, models.ErrStale)
}

// ExpireDeliveries ends the leases that ran out before now, whose senders
// died or stalled: a claimed delivery, never sent, is pending again (as
// due as before, its attempts unchanged); a sending one may have arrived, so it
// becomes uncertain, is never sent again, and admins see it. It returns
// how many of each.
func (s *Store) ExpireDeliveries(ctx context.Context, now time.Time) (requeued, uncertain int, err error) {
	now = now.UTC()
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.Delivery{}).Where("status = ? AND lease_until < ?", models.StatusClaimed, now).
			Updates(map[string]any{"status": models.StatusPending, "lease_until": nil})
		if res.Error != nil {
			return fmt.Errorf("requeue claims: %w", res.Error)
		}
		requeued = int(res.RowsAffected)
		res = tx.Model(&models.Delivery{}).Where("status = ? AND lease_until < ?", models.StatusSending, now).
			Updates(map[string]any{"status": models.StatusUncertain, "last_error": models.ErrCodeLeaseExpired})
		if res.Error != nil {
			return fmt.Errorf("expire sends: %w", res.Error)
		}
		uncertain = int(res.RowsAffected)
		return nil
	}, s.claimTxOptions()...)
	if err != nil {
		return 0, 0, fmt.Errorf("expire deliveries: %w", err)
	}
	return requeued, uncertain, nil
}
