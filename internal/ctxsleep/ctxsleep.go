// Package ctxsleep waits for a duration unless a context ends first: the
// one helper the transport, the handlers' progress reports and start-up
// share.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d or until ctx is done; it reports whether d passed (and ctx
// is still live when d is not positive).
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
