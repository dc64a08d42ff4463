package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/huifang/huifang/models"
)

// held is a lock this scheduler holds and keeps fresh in the background
// until release.
type held struct {
	lost atomic.Bool // a refresh failed: another holder may have it now
	stop chan struct{}
	done chan struct{}
	lock models.Lock
}

// hold takes the named lock, or returns nil (and no error) when another
// holder has it. The caller releases it.
func (s *Scheduler) hold(ctx context.Context, name string) (*held, error) {
	ttl := s.cfg.LockTTL
	l, err := s.cfg.Locker.TryLock(ctx, name, ttl)
	if errors.Is(err, models.ErrLocked) {
		s.log.Debug("lock held elsewhere, skipping", "job", name)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	h := &held{stop: make(chan struct{}), done: make(chan struct{}), lock: l}
	go h.refresh(ctx, s, name, ttl)
	return h, nil
}

// refresh extends the lock every third of its ttl until release.
func (h *held) refresh(ctx context.Context, s *Scheduler, name string, ttl time.Duration) {
	defer close(h.done)
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			if err := h.lock.Refresh(ctx, ttl); err != nil {
				h.lost.Store(true)
				s.log.Warn("lock lost", "job", name, "err", err)
				return
			}
		}
	}
}

// release stops the refreshing and unlocks, even when ctx is done.
func (h *held) release(ctx context.Context, s *Scheduler, name string) {
	close(h.stop)
	<-h.done
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := h.lock.Unlock(uctx); err != nil {
		s.log.Warn("unlock", "job", name, "err", err)
	}
}
