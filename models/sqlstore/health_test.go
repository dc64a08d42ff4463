package sqlstore_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// TestStore_OnAuditFailure: an audit row that cannot be written refuses
// the view (fail closed) and is counted; a good one is not.
func TestStore_OnAuditFailure(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		var failures atomic.Int64
		if err := s.OnAuditFailure(func() { failures.Add(1) }); err != nil {
			t.Fatal(err)
		}
		today := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		if _, err := s.MemberStatus(ctx, d.admin, models.CalendarRules{}, d.liSi.ID, today); err != nil || failures.Load() != 0 {
			t.Fatalf("MemberStatus = %v with %d audit failures", err, failures.Load())
		}
		if err := sqlstore.ExecForTest(ctx, s, "ALTER TABLE audit_events RENAME TO audit_events_gone"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MemberStatus(ctx, d.admin, models.CalendarRules{}, d.liSi.ID, today); err == nil {
			t.Error("a status was shown without its audit row")
		}
		if n := failures.Load(); n != 1 {
			t.Errorf("%d audit failures counted, want 1", n)
		}
	})
}

func TestStore_MigrationsApplied(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if err := s.MigrationsApplied(ctx); err != nil {
			t.Fatalf("MigrationsApplied on a migrated store: %v", err)
		}
		if err := sqlstore.ExecForTest(ctx, s, "DELETE FROM migrations WHERE id = '202611270003_calendar'"); err != nil {
			t.Fatal(err)
		}
		if err := s.MigrationsApplied(ctx); !errors.Is(err, sqlstore.ErrMigrationsPending) {
			t.Errorf("MigrationsApplied with one missing = %v, want ErrMigrationsPending", err)
		}
	})
}

func TestStore_DeliveryQueue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		mustRecord(t, s, deliveries(5, now), 5)
		got := mustClaim(t, s, now.Add(time.Hour), 3, 3)
		mustStart(t, s, got[0], now)
		if err := s.FinishDelivery(ctx, mustStart(t, s, got[1], now).ID, models.StatusSent, "", time.Time{}); err != nil {
			t.Fatal(err)
		}
		q, err := s.DeliveryQueue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{models.StatusPending: 2, models.StatusClaimed: 1, models.StatusSending: 1}
		if diff := cmp.Diff(want, q); diff != "" {
			t.Errorf("DeliveryQueue (-want +got):\n%s", diff)
		}
	})
}
