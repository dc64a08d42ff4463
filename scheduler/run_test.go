package scheduler

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

// TestScheduler_tick drives the loop's turns with the injected clock: the
// pass runs once per day, from the reminder time on, and after a restart
// it records nothing new.
func TestScheduler_tick(t *testing.T) {
	f := newFixture(t).withItems(t)
	ctx := t.Context()
	step := func(when string, wantPasses, wantSent int) {
		t.Helper()
		f.now = at(t, when)
		f.s.tick(ctx)
		if got := f.store.called("Recipients"); got != wantPasses {
			t.Errorf("%s: %d passes so far, want %d", when, got, wantPasses)
		}
		if got := f.notifier.count(); got != wantSent {
			t.Errorf("%s: %d sent so far, want %d", when, got, wantSent)
		}
	}
	step("2026-03-02 08:59", 0, 0)
	step("2026-03-02 09:00", 1, 3)
	step("2026-03-02 09:01", 1, 3)
	step("2026-03-02 23:59", 1, 3)
	step("2026-03-03 08:00", 1, 3)
	f.s = f.newScheduler(t) // a restart after a crash, late in the morning
	step("2026-03-03 11:00", 2, 4)
	f.s = f.newScheduler(t)
	step("2026-03-03 11:01", 3, 4)
}

func TestScheduler_tick_RetriesFailedPass(t *testing.T) {
	f := newFixture(t).withItems(t)
	fail := true
	users := f.store.RecipientsFn
	f.store.RecipientsFn = func(ctx context.Context) ([]models.User, error) {
		if fail {
			return nil, errors.New("db down")
		}
		return users(ctx)
	}
	for _, tc := range []struct {
		when   string
		passes int
	}{{"2026-03-02 09:00", 1}, {"2026-03-02 09:01", 1}, {"2026-03-02 09:02", 2}, {"2026-03-02 09:05", 3}, {"2026-03-02 09:06", 3}} {
		f.now = at(t, tc.when)
		if tc.when == "2026-03-02 09:05" {
			fail = false
		}
		f.s.tick(t.Context())
		if got := f.store.called("Recipients"); got != tc.passes {
			t.Errorf("%s: %d passes, want %d", tc.when, got, tc.passes)
		}
	}
	if f.notifier.count() != 3 {
		t.Errorf("sent %d after recovery, want 3", f.notifier.count())
	}
}

func TestScheduler_Run_StopsOnCancel(t *testing.T) {
	f := newFixture(t)
	f.now = at(t, "2026-03-02 08:00")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.s.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
