package bot

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// DefaultLeaseTTL is how long the polling lease lasts unless refreshed. It
// is refreshed, and a waiting process tries to take it, every third of it:
// a process that dies is replaced within 4/3 of it (8 s).
const DefaultLeaseTTL = 6 * time.Second

// ErrLeaseHeld is wrapped by Locker.TryLock's error when another process
// holds the lease.
var ErrLeaseHeld = errors.New("lease held by another process")

// ErrLeaseLost is wrapped by Lease.Refresh's error when the lease is no
// longer ours: it expired, and another process may hold it now.
var ErrLeaseLost = errors.New("lease lost")

// Locker hands out named leases that expire unless refreshed. Several
// processes polling one bot token would each get some of the updates (and
// 409 Conflict answers): Run polls only while it holds the lease
// "telegram-poll:<bot id>". main adapts the scheduler's locker to it:
// Redis when several replicas share a REDIS_URL, in process otherwise.
type Locker interface {
	// TryLock takes the lease for ttl, or fails with an error wrapping
	// ErrLeaseHeld when another holder has it.
	TryLock(ctx context.Context, name string, ttl time.Duration) (Lease, error)
}

// Lease is a held lease.
type Lease interface {
	// Refresh extends the lease to ttl from now; its error wraps
	// ErrLeaseLost when the lease is no longer ours.
	Refresh(ctx context.Context, ttl time.Duration) error
	// Unlock gives the lease up, if it is still ours.
	Unlock(ctx context.Context) error
}

// soloLocker is the Locker of a Telegram given none: a process that polls
// alone. Run itself refuses to run twice.
type soloLocker struct{}

func (soloLocker) TryLock(context.Context, string, time.Duration) (Lease, error) {
	return soloLease{}, nil
}

type soloLease struct{}

func (soloLease) Refresh(context.Context, time.Duration) error { return nil }
func (soloLease) Unlock(context.Context) error                 { return nil }

// leaseName is the polling lease of this bot: one per token's bot id.
func (t *Telegram) leaseName() string {
	return "telegram-poll:" + strconv.FormatInt(t.botID, 10)
}

// acquireLease waits until this process holds the polling lease, or ctx
// is done (nil). While another process polls, it says so once.
func (t *Telegram) acquireLease(ctx context.Context) Lease {
	ttl := t.cfg.LeaseTTL
	waiting, failing := false, false
	for {
		l, err := t.cfg.Locker.TryLock(ctx, t.leaseName(), ttl)
		switch {
		case err == nil:
			if waiting || failing {
				t.log.Info("polling lease taken: this process polls now", "bot", t.username)
			}
			return l
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrLeaseHeld):
			if !waiting {
				waiting = true
				t.log.Info("another process polls this bot: waiting to take over if it stops", "bot", t.username, "check_every", ttl/3)
			}
		default:
			if !failing {
				failing = true
				t.log.Warn("polling lease unavailable, retrying", "bot", t.username, "err", err)
			}
		}
		if !t.cfg.clock.Sleep(ctx, ttl/3) {
			return nil
		}
	}
}

// keepLease refreshes l every third of its ttl. The returned context is
// cancelled when the lease is lost (or ctx is done), which stops polling;
// stop ends the refreshing.
func (t *Telegram) keepLease(ctx context.Context, l Lease) (held context.Context, stop func()) {
	ttl := t.cfg.LeaseTTL
	held, cancel := context.WithCancel(ctx)
	if _, solo := l.(soloLease); solo {
		return held, cancel // nothing to refresh
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		lastOK := t.cfg.clock.Now()
		for t.cfg.clock.Sleep(held, ttl/3) {
			err := l.Refresh(held, ttl)
			if err == nil {
				lastOK = t.cfg.clock.Now()
				continue
			}
			if held.Err() != nil {
				return
			}
			// A failed refresh (Redis unreachable) keeps polling while
			// the lease may still be ours; past that another process may
			// have taken it.
			if errors.Is(err, ErrLeaseLost) || t.cfg.clock.Now().Sub(lastOK) >= ttl-ttl/3 {
				t.log.Warn("polling lease lost: polling stops until it is taken again", "bot", t.username, "err", err)
				cancel()
				return
			}
			t.log.Warn("refresh polling lease", "bot", t.username, "err", err)
		}
	}()
	return held, func() { cancel(); <-done }
}

// releaseLease gives the lease up so that a waiting process takes over at
// once rather than when it expires.
func (t *Telegram) releaseLease(l Lease) {
	ctx, cancel := context.WithTimeout(context.Background(), confirmAfter)
	defer cancel()
	if err := l.Unlock(ctx); err != nil && !errors.Is(err, ErrLeaseLost) {
		t.log.Warn("release polling lease", "bot", t.username, "err", err)
	}
}
