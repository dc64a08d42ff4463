package redisstate_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// lockers are the Locker implementations every lock test runs on.
var lockers = []struct {
	name string
	open func(testing.TB) models.Locker
}{
	{"memory", func(testing.TB) models.Locker { return models.NewMemoryLocker() }},
	{"redis", func(tb testing.TB) models.Locker { return modelstest.OpenRedis(tb).Locker() }},
}

func forEachLocker(t *testing.T, fn func(t *testing.T, l models.Locker)) {
	t.Helper()
	for _, lk := range lockers {
		t.Run(lk.name, func(t *testing.T) {
			t.Parallel()
			fn(t, lk.open(t))
		})
	}
}

func TestLocker_TryLock(t *testing.T) {
	forEachLocker(t, func(t *testing.T, l models.Locker) {
		ctx := context.Background()
		a, err := l.TryLock(ctx, "pass", time.Minute)
		if err != nil {
			t.Fatalf("TryLock: %v", err)
		}
		_, err = l.TryLock(ctx, "pass", time.Minute)
		wantErr(t, "TryLock held", err, models.ErrLocked)
		if b, err := l.TryLock(ctx, "other", time.Minute); err != nil || b.Unlock(ctx) != nil {
			t.Errorf("TryLock of another name: %v", err)
		}
		if err := a.Refresh(ctx, time.Minute); err != nil {
			t.Errorf("Refresh: %v", err)
		}
		if err := a.Unlock(ctx); err != nil {
			t.Fatalf("Unlock: %v", err)
		}
		wantErr(t, "Unlock twice", a.Unlock(ctx), models.ErrNotFound)
		c, err := l.TryLock(ctx, "pass", time.Minute)
		if err != nil {
			t.Fatalf("TryLock after Unlock: %v", err)
		}
		_ = c.Unlock(ctx)
	})
}

func TestLocker_Expiry(t *testing.T) {
	forEachLocker(t, func(t *testing.T, l models.Locker) {
		ctx := context.Background()
		a, err := l.TryLock(ctx, "pass", 200*time.Millisecond)
		if err != nil {
			t.Fatalf("TryLock: %v", err)
		}
		// Refreshing keeps it past its first expiry.
		time.Sleep(50 * time.Millisecond)
		if err := a.Refresh(ctx, 300*time.Millisecond); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
		_, err = l.TryLock(ctx, "pass", time.Minute)
		wantErr(t, "TryLock after a refresh", err, models.ErrLocked)

		time.Sleep(150 * time.Millisecond) // expired now
		b, err := l.TryLock(ctx, "pass", time.Minute)
		if err != nil {
			t.Fatalf("TryLock after expiry: %v", err)
		}
		wantErr(t, "Refresh of a lost lock", a.Refresh(ctx, time.Minute), models.ErrNotFound)
		wantErr(t, "Unlock of someone else's lock", a.Unlock(ctx), models.ErrNotFound)
		_, err = l.TryLock(ctx, "pass", time.Minute)
		wantErr(t, "TryLock while the new holder has it", err, models.ErrLocked)
		if err := b.Unlock(ctx); err != nil {
			t.Errorf("Unlock by the new holder: %v", err)
		}
	})
}

func TestLocker_Concurrent(t *testing.T) {
	forEachLocker(t, func(t *testing.T, l models.Locker) {
		ctx := context.Background()
		var (
			wg   sync.WaitGroup
			won  atomic.Int32
			lost atomic.Int32
		)
		start := make(chan struct{})
		for range 16 {
			wg.Go(func() {
				<-start
				_, err := l.TryLock(ctx, "race", time.Minute)
				switch {
				case err == nil:
					won.Add(1)
				case errors.Is(err, models.ErrLocked):
					lost.Add(1)
				default:
					t.Errorf("TryLock: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		if won.Load() != 1 || lost.Load() != 15 {
			t.Errorf("won %d, lost %d; want 1 and 15", won.Load(), lost.Load())
		}
	})
}
