package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// recordChunk is the number of rows of one INSERT.
const recordChunk = 500

// RecordDeliveries inserts deliveries whose Key is new and ignores the
// others (a unique index decides, so two passes at once record each once)
// and returns how many it inserted. Each is recorded as pending, created
// now, with Attempts 0 and NextAttempt now when zero; IDs are not set
// (ClaimDeliveries returns the rows). An invalid delivery (empty or long
// key, no recipient, unknown kind, a status other than pending) is
// ErrInvalid and nothing is recorded.
func (s *Store) RecordDeliveries(ctx context.Context, ds []models.Delivery) (inserted int, err error) {
	if len(ds) == 0 {
		return 0, nil
	}
	now := nowUTC()
	rows := make([]models.Delivery, len(ds))
	for i, d := range ds {
		if err := d.Validate(); err != nil {
			return 0, fmt.Errorf("record delivery %d: %w", i, err)
		}
		d.ID, d.Status, d.Attempts, d.CreatedAt, d.LeaseUntil, d.SentAt = 0, models.StatusPending, 0, now, nil, nil
		if d.NextAttempt.IsZero() {
			d.NextAttempt = now
		}
		d.NextAttempt = d.NextAttempt.UTC()
		rows[i] = d
	}
	// One key order for every pass, so that concurrent passes lock the
	// unique index in the same order.
	slices.SortFunc(rows, func(a, b models.Delivery) int { return strings.Compare(a.Key, b.Key) })
	var n int64
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		n = 0
		for chunk := range slices.Chunk(rows, recordChunk) {
			chunk = slices.Clone(chunk) // Create writes ids into it
			res := tx.Clauses(s.insertIgnore("key")).Create(&chunk)
			if res.Error != nil {
				return res.Error
			}
			n += res.RowsAffected
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("record deliveries: %w", err)
	}
	return int(n), nil
}

// insertIgnore is the clause that turns an INSERT into one that skips
// rows whose unique column exists. On MySQL it is INSERT IGNORE: gorm's
// ON DUPLICATE KEY UPDATE id=id would count skipped rows as affected
// under clientFoundRows. The fields are validated first, so IGNORE
// downgrades no other error that matters.
func (s *Store) insertIgnore(column string) clause.Expression {
	if s.dialect == DialectMySQL {
		return clause.Insert{Modifier: "IGNORE"}
	}
	return clause.OnConflict{Columns: []clause.Column{{Name: column}}, DoNothing: true}
}

// FinishDelivery records the outcome of a send: StatusSent (SentAt now),
// StatusBlocked, StatusFailed, or StatusPending again with a next attempt
// at next; errCode (at most 64 bytes, an error code, never a message)
// becomes LastError. Only a delivery in status sending (see StartDelivery)
// can finish: any other is ErrStale (its lease expired and it is uncertain now, or it
// finished already); an absent one ErrNotFound. Other statuses, or
// pending without next, are ErrInvalid.
func (s *Store) FinishDelivery(ctx context.Context, id uint64, status, errCode string, next time.Time) error {
	updates := map[string]any{"status": status, "last_error": truncateBytes(errCode, models.MaxErrorCode), "lease_until": nil}
	switch status {
	case models.StatusSent:
		updates["sent_at"] = nowUTC()
	case models.StatusBlocked, models.StatusFailed:
	case models.StatusPending:
		if next.IsZero() {
			return fmt.Errorf("finish delivery %d: next attempt: %w", id, models.ErrInvalid)
		}
		updates["next_attempt"] = next.UTC()
	default:
		return fmt.Errorf("finish delivery %d: status: %w", id, models.ErrInvalid)
	}
	db := s.db.WithContext(ctx)
	res := db.Model(&models.Delivery{}).Where("id = ? AND status = ?", id, models.StatusSending).Updates(updates)
	if res.Error != nil {
		return fmt.Errorf("finish delivery %d: %w", id, res.Error)
	}
	if res.RowsAffected != 1 {
		return s.notHeld(ctx, id, "finish delivery")
	}
	return nil
}

// truncateBytes cuts s to at most n bytes on a character boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// DeliveryProblems lists the blocked, failed and uncertain deliveries
// created at or after since, oldest first, for the admin digest.
func (s *Store) DeliveryProblems(ctx context.Context, since time.Time) ([]models.Delivery, error) {
	var out []models.Delivery
	err := s.db.WithContext(ctx).Where("status IN ? AND created_at >= ?",
		[]string{models.StatusBlocked, models.StatusFailed, models.StatusUncertain}, since.UTC()).
		Order("created_at, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("delivery problems: %w", err)
	}
	return out, nil
}
