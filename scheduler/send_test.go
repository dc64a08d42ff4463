package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

// pending records a pending delivery due at due with prior attempts.
func (f *fixture) pending(tb testing.TB, key string, due time.Time, attempts int) {
	tb.Helper()
	if _, err := f.store.record(context.Background(), []models.Delivery{{Key: key, Recipient: inspector, Kind: models.DeliveryReminder,
		Status: models.StatusPending, NextAttempt: due, Attempts: attempts, Payload: "{}"}}); err != nil {
		tb.Fatal(err)
	}
}

func TestScheduler_Send(t *testing.T) {
	tests := []struct {
		name     string
		attempts int // before this one
		err      error
		status   string
		code     string
		wait     time.Duration // next attempt after now
	}{
		{"Sent", 0, nil, models.StatusSent, "", 0},
		{"Blocked", 0, fmt.Errorf("send to chat 1: %w", ErrBlocked), models.StatusBlocked, "blocked", 0},
		{"FirstFailure", 0, errors.New("bad gateway"), models.StatusPending, "send_error", time.Minute},
		{"SecondFailure", 1, errors.New("bad gateway"), models.StatusPending, "send_error", 5 * time.Minute},
		{"ThirdFailure", 2, errors.New("bad gateway"), models.StatusPending, "send_error", 15 * time.Minute},
		{"Timeout", 3, fmt.Errorf("send: %w", context.DeadlineExceeded), models.StatusPending, "timeout", time.Hour},
		{"LastAttempt", 4, errors.New("bad gateway"), models.StatusFailed, "send_error", 0},
		{"SentOnLastAttempt", 4, nil, models.StatusSent, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.now = at(t, "2026-03-02 09:00")
			f.pending(t, "k", f.now, tt.attempts)
			f.pending(t, "later", f.now.Add(time.Second), 0) // not due yet
			f.notifier.Fn = func(models.Delivery) error { return tt.err }
			n, err := f.s.Send(t.Context(), f.now)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1}[tt.err == nil]; n != want {
				t.Errorf("Send = %d sent, want %d", n, want)
			}
			got, _ := f.store.row("k")
			if got.Status != tt.status || got.LastError != tt.code || got.Attempts != tt.attempts+1 {
				t.Errorf("row = status %s, code %q, attempts %d; want %s, %q, %d", got.Status, got.LastError, got.Attempts, tt.status, tt.code, tt.attempts+1)
			}
			if wait := got.NextAttempt.Sub(f.now); wait < tt.wait || wait > tt.wait+time.Second {
				t.Errorf("next attempt in %s, want %s", wait, tt.wait)
			}
			if later, _ := f.store.row("later"); later.Status != models.StatusPending || f.notifier.count() != 1 {
				t.Errorf("a delivery not due yet was attempted")
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{0: time.Minute, 1: time.Minute, 2: 5 * time.Minute, 3: 15 * time.Minute, 4: time.Hour, 9: time.Hour} {
		if got := Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", attempt, got, want)
		}
	}
}

func TestScheduler_Send_OneAtATime(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 09:00")
	for i := range 120 {
		f.pending(t, "k"+strconv.Itoa(i), f.now, 0)
	}
	n, err := f.s.Send(t.Context(), f.now)
	if err != nil || n != 120 {
		t.Fatalf("Send = %d, %v; want 120", n, err)
	}
	if c := f.store.called("ClaimDeliveries"); c != 121 {
		t.Errorf("%d claims, want one a delivery and the last that found none", c)
	}
	if n, _ := f.s.Send(t.Context(), f.now); n != 0 || f.notifier.count() != 120 {
		t.Errorf("second Send sent %d more", n)
	}
}

// TestScheduler_Send_Shutdown: the delivery in flight when the context
// ends is finished; the rest stay pending, untouched.
func TestScheduler_Send_Shutdown(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 09:00")
	for i := range 5 {
		f.pending(t, "k"+strconv.Itoa(i), f.now, 0)
	}
	ctx, cancel := context.WithCancel(t.Context())
	f.notifier.Fn = func(d models.Delivery) error {
		if d.Key == "k1" {
			cancel()
		}
		return nil
	}
	n, err := f.s.Send(ctx, f.now)
	if err != nil || n != 2 {
		t.Fatalf("Send = %d, %v; want 2 sent", n, err)
	}
	for i := range 5 {
		d, _ := f.store.row("k" + strconv.Itoa(i))
		want := models.StatusSent
		if i >= 2 {
			want = models.StatusPending
		}
		if d.Status != want || (i >= 2 && d.Attempts != 0) {
			t.Errorf("k%d = %s after %d attempts, want %s", i, d.Status, d.Attempts, want)
		}
	}
	if len(f.locker.held) != 0 {
		t.Errorf("send lock still held after shutdown")
	}
}

// TestScheduler_Send_ShutdownAfterClaim: a claim the sender has not begun
// when the context ends is handed back, due at once, with no attempt.
func TestScheduler_Send_ShutdownAfterClaim(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 09:00")
	f.pending(t, "k0", f.now, 0)
	ctx, cancel := context.WithCancel(t.Context())
	claim := f.store.ClaimDeliveriesFn
	f.store.ClaimDeliveriesFn = func(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error) {
		defer cancel()
		return claim(ctx, now, lease, limit)
	}
	if n, err := f.s.Send(ctx, f.now); err != nil || n != 0 {
		t.Fatalf("Send = %d, %v; want none sent", n, err)
	}
	d, _ := f.store.row("k0")
	if d.Status != models.StatusPending || d.Attempts != 0 || d.NextAttempt.After(f.now.Add(time.Second)) || f.notifier.count() != 0 {
		t.Errorf("k0 = %s after %d attempts, next %s; want pending at once, never attempted", d.Status, d.Attempts, d.NextAttempt)
	}
}

// TestScheduler_Send_Expires: a Send first ends the leases of dead senders.
func TestScheduler_Send_Expires(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 09:00")
	var expiredAt time.Time
	f.store.ExpireDeliveriesFn = func(_ context.Context, now time.Time) (int, int, error) {
		expiredAt = now
		return 3, 1, nil
	}
	if _, err := f.s.Send(t.Context(), f.now); err != nil {
		t.Fatal(err)
	}
	if expiredAt.Before(f.now) || expiredAt.After(f.now.Add(time.Second)) {
		t.Errorf("leases expired as of %s, want %s", expiredAt, f.now)
	}
	f.store.ExpireDeliveriesFn = func(context.Context, time.Time) (int, int, error) { return 0, 0, errors.New("db down") }
	if _, err := f.s.Send(t.Context(), f.now); err == nil {
		t.Error("Send went on although leases could not be expired")
	}
}

func TestScheduler_Send_FinishFails(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 09:00")
	f.pending(t, "k0", f.now, 0)
	f.pending(t, "k1", f.now, 0)
	f.store.FinishDeliveryFn = func(context.Context, uint64, string, string, time.Time) error { return errors.New("db down") }
	if _, err := f.s.Send(t.Context(), f.now); err == nil {
		t.Fatal("Send succeeded although outcomes could not be recorded")
	}
	if f.notifier.count() != 1 {
		t.Errorf("kept sending (%d) after an outcome could not be recorded", f.notifier.count())
	}
}

// TestScheduler_Send_LeaseLost: an outcome that comes after the lease ran
// out (the store answers ErrStale) is logged, and sending goes on.
func TestScheduler_Send_LeaseLost(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 09:00")
	f.pending(t, "k0", f.now, 0)
	f.pending(t, "k1", f.now, 0)
	finish := f.store.FinishDeliveryFn
	f.store.FinishDeliveryFn = func(ctx context.Context, id uint64, status, code string, next time.Time) error {
		if id == 1 {
			return fmt.Errorf("finish delivery 1: not sending: %w", models.ErrStale)
		}
		return finish(ctx, id, status, code, next)
	}
	if n, err := f.s.Send(t.Context(), f.now); err != nil || n != 2 {
		t.Fatalf("Send = %d, %v; want both sent", n, err)
	}
	if d, _ := f.store.row("k1"); d.Status != models.StatusSent {
		t.Errorf("k1 = %s", d.Status)
	}
}
