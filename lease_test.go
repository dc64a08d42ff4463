package main

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/models"
)

// TestPollLocker: the adapter maps the models' lock errors onto bot's, so
// that bot tells "another process polls" from "Redis is down".
func TestPollLocker(t *testing.T) {
	ctx := t.Context()
	var told []bool
	l := pollLocker{Locker: models.NewMemoryLocker(), held: func(h bool) { told = append(told, h) }}
	lease, err := l.TryLock(ctx, "telegram-poll:1", time.Minute)
	if err != nil {
		t.Fatalf("TryLock: %v", err)
	}
	if _, err := l.TryLock(ctx, "telegram-poll:1", time.Minute); !errors.Is(err, bot.ErrLeaseHeld) {
		t.Errorf("second TryLock = %v, want bot.ErrLeaseHeld", err)
	}
	if err := lease.Refresh(ctx, time.Minute); err != nil {
		t.Errorf("Refresh: %v", err)
	}
	if err := lease.Unlock(ctx); err != nil {
		t.Errorf("Unlock: %v", err)
	}
	if err := lease.Refresh(ctx, time.Minute); !errors.Is(err, bot.ErrLeaseLost) {
		t.Errorf("Refresh after Unlock = %v, want bot.ErrLeaseLost", err)
	}
	// The hook (the state cache's switch) heard: taken, refreshed,
	// given up, lost.
	if want := []bool{true, true, false, false}; !slices.Equal(told, want) {
		t.Errorf("held told %v, want %v", told, want)
	}
}
