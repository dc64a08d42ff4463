package sqlstore

// What health checks and metrics ask of the database.

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// auditTable is the table of audit rows.
const auditTable = "audit_events"

// OnAuditFailure calls fn whenever an audit row cannot be written (the
// operation it records is then refused: fail closed). It hooks GORM's
// create, so it sees every audit write wherever it happens; fn must be
// quick.
func (s *Store) OnAuditFailure(fn func()) error {
	err := s.db.Callback().Create().After("gorm:create").Register("huifang:audit_failures", func(db *gorm.DB) {
		if db.Error != nil && db.Statement != nil && db.Statement.Table == auditTable {
			fn()
		}
	})
	if err != nil {
		return fmt.Errorf("hook audit failures: %w", err)
	}
	return nil
}

// ErrMigrationsPending is returned by MigrationsApplied when the schema is
// older than this binary.
var ErrMigrationsPending = errors.New("database migrations not applied")

// MigrationsApplied reports whether every migration this binary knows is
// recorded as applied; if not, the error wraps ErrMigrationsPending.
func (s *Store) MigrationsApplied(ctx context.Context) error {
	var ids []string
	if err := s.db.WithContext(ctx).Table("migrations").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	var missing []string
	for _, m := range migrations() {
		if !slices.Contains(ids, m.ID) {
			missing = append(missing, m.ID)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %d of %d, first %s", ErrMigrationsPending, len(missing), len(migrations()), missing[0])
	}
	return nil
}

// DeliveryQueue counts the deliveries not settled yet, by status: pending,
// claimed and sending.
func (s *Store) DeliveryQueue(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	open := []string{models.StatusPending, models.StatusClaimed, models.StatusSending}
	err := s.db.WithContext(ctx).Model(&models.Delivery{}).Select("status, COUNT(*) AS n").
		Where("status IN ?", open).Group("status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("delivery queue: %w", err)
	}
	out := make(map[string]int, len(open))
	for _, st := range open {
		out[st] = 0
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}
