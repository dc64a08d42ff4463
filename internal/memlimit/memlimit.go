// Package memlimit lets heavy one-off work, such as an export of a whole
// roster, run under a higher soft memory limit than the bot's steady
// state. main sets a small limit (28 MiB) that keeps the idle and
// interactive process lean; an export's garbage (some 700 MB allocated
// over 10,000 members) would make the collector run without pause under
// it: 9.4 CPU-seconds instead of 3.1 for the same file.
package memlimit

import (
	"os"
	"runtime/debug"
	"sync"
)

// Export is the soft limit an export runs under: its peak heap stays
// near 150 MiB and its RSS under the 200 MB budget.
const Export = 160 << 20

var (
	mu    sync.Mutex
	users int
	saved int64
)

// Raise lifts the soft memory limit to at least limit until the returned
// release is called (release may be called more than once). Concurrent
// raises share one lift; the last release restores the limit that was in
// force before the first. A limit the operator set with GOMEMLIMIT is
// left alone.
func Raise(limit int64) (release func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	mu.Lock()
	defer mu.Unlock()
	if users == 0 {
		saved = debug.SetMemoryLimit(-1)
	}
	users++
	if debug.SetMemoryLimit(-1) < limit {
		debug.SetMemoryLimit(limit)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			users--
			if users == 0 {
				debug.SetMemoryLimit(saved)
			}
		})
	}
}
