package sqlstore_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// deliveries returns n reminders for recipient 10002 on consecutive
// days, due from at.
func deliveries(n int, at time.Time) []models.Delivery {
	out := make([]models.Delivery, n)
	for i := range out {
		period := at.AddDate(0, 0, i).Format(time.DateOnly)
		out[i] = models.Delivery{Key: "reminder:10002:" + period, Recipient: 10002, Kind: models.DeliveryReminder,
			Period: period, Payload: `{"items":[]}`, NextAttempt: at.Add(time.Duration(i) * time.Second)}
	}
	return out
}

func mustRecord(t *testing.T, s *sqlstore.Store, ds []models.Delivery, want int) {
	t.Helper()
	n, err := s.RecordDeliveries(context.Background(), ds)
	if err != nil || n != want {
		t.Fatalf("RecordDeliveries = %d, %v; want %d", n, err, want)
	}
}

func mustClaim(t *testing.T, s *sqlstore.Store, now time.Time, limit, want int) []models.Delivery {
	t.Helper()
	got, err := s.ClaimDeliveries(context.Background(), now, time.Minute, limit)
	if err != nil || len(got) != want {
		t.Fatalf("ClaimDeliveries at %s = %d rows, %v; want %d", now.Format(time.TimeOnly), len(got), err, want)
	}
	return got
}

func TestStore_Deliveries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		ds := deliveries(3, now)
		mustRecord(t, s, ds, 3)
		mustRecord(t, s, append(ds, deliveries(4, now)[3]), 1) // only the new key
		bad := ds[0]
		bad.Kind = "sms"
		_, err := s.RecordDeliveries(ctx, []models.Delivery{deliveries(5, now)[4], bad})
		wantErr(t, "RecordDeliveries bad kind", err, models.ErrInvalid)

		got := mustClaim(t, s, now.Add(2*time.Second), 2, 2) // four due, oldest first
		if got[0].Key != ds[0].Key || got[1].Key != ds[1].Key || got[0].Status != models.StatusClaimed ||
			got[0].Attempts != 0 || got[0].LeaseUntil == nil || !got[0].LeaseUntil.Equal(now.Add(2*time.Second+time.Minute)) {
			t.Errorf("claimed %+v", got)
		}
		third := mustClaim(t, s, now.Add(2*time.Second), 10, 1)[0]
		mustClaim(t, s, now.Add(2*time.Second), 10, 0)
		wantErr(t, "FinishDelivery before StartDelivery", s.FinishDelivery(ctx, got[0].ID, models.StatusSent, "", time.Time{}), models.ErrStale)
		got[0], got[1], third = mustStart(t, s, got[0], now), mustStart(t, s, got[1], now), mustStart(t, s, third, now)
		if got[0].Status != models.StatusSending || got[0].Attempts != 1 || !got[0].LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("started %+v", got[0])
		}

		if err := s.FinishDelivery(ctx, got[0].ID, models.StatusSent, "", time.Time{}); err != nil {
			t.Fatalf("FinishDelivery sent: %v", err)
		}
		wantErr(t, "FinishDelivery twice", s.FinishDelivery(ctx, got[0].ID, models.StatusSent, "", time.Time{}), models.ErrStale)
		wantErr(t, "FinishDelivery absent", s.FinishDelivery(ctx, 999_999, models.StatusSent, "", time.Time{}), models.ErrNotFound)
		wantErr(t, "FinishDelivery bad status", s.FinishDelivery(ctx, got[1].ID, models.StatusUncertain, "", time.Time{}), models.ErrInvalid)
		if err := s.FinishDelivery(ctx, third.ID, models.StatusBlocked, "forbidden_403", time.Time{}); err != nil {
			t.Fatalf("FinishDelivery blocked: %v", err)
		}

		// A retry waits for its next attempt.
		retry := now.Add(5 * time.Minute)
		if err := s.FinishDelivery(ctx, got[1].ID, models.StatusPending, "timeout", retry); err != nil {
			t.Fatalf("FinishDelivery retry: %v", err)
		}
		again := mustClaim(t, s, retry, 10, 2) // the retry and the fourth delivery
		if again[1].ID != got[1].ID || again[1].Attempts != 1 || again[1].LastError != "timeout" {
			t.Errorf("retried delivery = %+v", again[1])
		}
		if d := mustStart(t, s, again[1], retry); d.Attempts != 2 {
			t.Errorf("second attempt counted as %d", d.Attempts)
		}
		// A sender that died: after its lease, what it was sending is
		// uncertain and never sent again; its other claim is sent again.
		if r, u := mustExpire(t, s, retry.Add(2*time.Minute)); r != 1 || u != 1 {
			t.Errorf("ExpireDeliveries = %d requeued, %d uncertain; want 1, 1", r, u)
		}
		wantErr(t, "FinishDelivery after the lease", s.FinishDelivery(ctx, again[1].ID, models.StatusSent, "", time.Time{}), models.ErrStale)
		if re := mustClaim(t, s, retry.Add(2*time.Minute), 10, 1)[0]; re.ID != again[0].ID || re.Attempts != 0 {
			t.Errorf("claimed again %+v, want %d never attempted", re, again[0].ID)
		}

		wantProblems(t, s, map[string]int{models.StatusBlocked: 1, models.StatusUncertain: 1})
	})
}

func mustStart(t *testing.T, s *sqlstore.Store, d models.Delivery, now time.Time) models.Delivery {
	t.Helper()
	got, err := s.StartDelivery(context.Background(), d, now, time.Minute)
	if err != nil {
		t.Fatalf("StartDelivery %d: %v", d.ID, err)
	}
	return got
}

func mustExpire(t *testing.T, s *sqlstore.Store, now time.Time) (requeued, uncertain int) {
	t.Helper()
	r, u, err := s.ExpireDeliveries(context.Background(), now)
	if err != nil {
		t.Fatalf("ExpireDeliveries: %v", err)
	}
	return r, u
}

// TestStore_Deliveries_Leases: a claim is held by its lease. A sender whose
// claim ran out (and went to another sender) can neither begin nor hand
// back that delivery; a claim handed back is due at once, not attempted.
func TestStore_Deliveries_Leases(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		mustRecord(t, s, deliveries(2, now), 2)
		stalled := mustClaim(t, s, now.Add(time.Second), 1, 1)[0]
		later := now.Add(2 * time.Minute)
		if r, u := mustExpire(t, s, later); r != 1 || u != 0 {
			t.Fatalf("ExpireDeliveries = %d, %d; want the claim requeued", r, u)
		}
		taken := mustClaim(t, s, later, 1, 1)[0] // another sender
		if taken.ID != stalled.ID {
			t.Fatalf("the requeued claim %d was not first, got %d", stalled.ID, taken.ID)
		}
		_, err := s.StartDelivery(ctx, stalled, later, time.Minute)
		wantErr(t, "StartDelivery on a lost claim", err, models.ErrStale)
		wantErr(t, "ReleaseDelivery of a lost claim", s.ReleaseDelivery(ctx, stalled, later), models.ErrStale)
		_, err = s.StartDelivery(ctx, models.Delivery{ID: 999_999, LeaseUntil: &later}, later, time.Minute)
		wantErr(t, "StartDelivery absent", err, models.ErrNotFound)

		if err := s.ReleaseDelivery(ctx, taken, later); err != nil {
			t.Fatalf("ReleaseDelivery: %v", err)
		}
		back := mustClaim(t, s, later, 2, 2) // the other delivery, then the one handed back
		if back[1].ID != taken.ID || back[1].Attempts != 0 || !back[1].NextAttempt.Equal(later) {
			t.Errorf("after release claimed %+v, want %d unattempted, due at %s", back[1], taken.ID, later)
		}
		if r, u := mustExpire(t, s, later); r != 0 || u != 0 {
			t.Errorf("ExpireDeliveries of live leases = %d, %d", r, u)
		}
	})
}

// wantProblems checks the statuses DeliveryProblems lists for the last
// hour, and that it lists nothing from the future.
func wantProblems(t *testing.T, s *sqlstore.Store, want map[string]int) {
	t.Helper()
	ctx := context.Background()
	problems, err := s.DeliveryProblems(ctx, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatalf("DeliveryProblems: %v", err)
	}
	got := map[string]int{}
	for _, p := range problems {
		got[p.Status]++
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem statuses (-want +got):\n%s", diff)
	}
	if p, _ := s.DeliveryProblems(ctx, time.Now().Add(time.Hour)); len(p) != 0 {
		t.Errorf("DeliveryProblems from the future = %d rows", len(p))
	}
}

// TestStore_Deliveries_Concurrent runs passes that record the same
// deliveries at once, then senders that claim at once: each key is
// recorded once and each row claimed once. SQLite, whose writers wait for
// each other, gets a smaller load.
func TestStore_Deliveries_Concurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		if s.Dialect() == sqlstore.DialectMySQL {
			concurrentDeliveries(t, s, 300, 6)
		} else {
			concurrentDeliveries(t, s, 60, 3)
		}
	})
}

func concurrentDeliveries(t *testing.T, s *sqlstore.Store, keys, workers int) {
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	if inserted, n := recordConcurrently(t, s, keys, workers, now), count(t, s, "deliveries", ""); inserted != keys || n != int64(keys) {
		t.Fatalf("recorded %d (rows %d), want %d", inserted, n, keys)
	}
	claimed := claimConcurrently(t, s, workers, now.Add(time.Hour))
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("delivery %d claimed %d times", id, n)
		}
	}
	if len(claimed) != keys {
		t.Errorf("claimed %d deliveries, want %d", len(claimed), keys)
	}
}

// recordConcurrently records the same keys from several passes at once,
// each in its own order, and returns how many they inserted in all.
func recordConcurrently(t *testing.T, s *sqlstore.Store, keys, passes int, now time.Time) int {
	var (
		wg       sync.WaitGroup
		inserted atomic.Int64
	)
	for p := range passes {
		wg.Go(func() {
			ds := deliveries(keys, now)
			rand.New(rand.NewPCG(uint64(p), 1)).Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
			n, err := s.RecordDeliveries(context.Background(), ds)
			if err != nil {
				t.Errorf("pass %d: %v", p, err)
			}
			inserted.Add(int64(n))
		})
	}
	wg.Wait()
	return int(inserted.Load())
}

// claimConcurrently claims from several senders at once until nothing is
// left and returns how often each delivery was claimed.
func claimConcurrently(t *testing.T, s *sqlstore.Store, senders int, now time.Time) map[uint64]int {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[uint64]int{}
	)
	for w := range senders {
		wg.Go(func() {
			for {
				got, err := s.ClaimDeliveries(context.Background(), now, time.Minute, 7)
				if err != nil {
					t.Errorf("sender %d: %v", w, err)
				}
				if err != nil || len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					claimed[d.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return claimed
}
