package bot

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/huifang/huifang/internal/ctxsleep"
)

// clock is the time source of the sender, the poll loop and start-up:
// every wait the bot makes goes through Sleep, so tests replace it with a
// fake that records the waits and returns at once.
type clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done; it reports whether d passed.
	Sleep(ctx context.Context, d time.Duration) bool
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) bool { return ctxsleep.Sleep(ctx, d) }

// jitterFunc draws the wait actually taken for a backoff of d; tests use
// an exact one.
type jitterFunc func(d time.Duration) time.Duration

// halfJitter draws from the upper half of d, so that many clients that
// failed together do not retry together.
func halfJitter(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }

// backoff is the wait before retry n (1-based): base·2^(n-1), capped, then
// jittered.
func backoff(n int, base, limit time.Duration, jitter jitterFunc) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return jitter(min(d, limit))
}
