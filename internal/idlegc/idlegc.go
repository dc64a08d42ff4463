// Package idlegc gives the heap's garbage and free pages back to the
// operating system once the process has gone quiet. A bot spends most of
// its life idle; what start-up, a scheduler pass or the last burst of
// updates left behind would otherwise stay resident until the heap grew
// to its next collection (3× the live heap under main's GOGC=200), and
// idle RSS is one of the figures the bot is held to (≤ 30 MB).
package idlegc

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Check is how often Run looks, and Quiet the most bytes allocated between
// two looks that still counts as quiet: an idle bot, polling every 5 s and
// scraped for metrics, allocated some 250 KB in 10 s; a form step is some
// 11 KB (BenchmarkApp_FormStep), a scheduler pass over a large roster
// many MB. A quiet spell is freed once, so a steady trickle of steps
// costs one collection, not one per look.
const (
	Check = 10 * time.Second
	Quiet = 1 << 20
)

// Run frees memory (debug.FreeOSMemory) at once, for what start-up left
// (package tables, migrations, the catalogue), then at the first look
// after which the process allocated at most Quiet bytes, and not again
// until it has been busy; it returns when ctx ends.
func Run(ctx context.Context) {
	t := time.NewTicker(Check)
	defer t.Stop()
	run(ctx, t.C, allocated, debug.FreeOSMemory, Quiet)
}

func run(ctx context.Context, tick <-chan time.Time, allocs func() uint64, free func(), quiet uint64) {
	free()
	w := watcher{last: allocs(), quiet: quiet, freed: true}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		if w.look(allocs()) {
			free()
			w.last = allocs() // what freeing allocated is not the program's
		}
	}
}

// watcher decides, look by look, when the process has gone quiet.
type watcher struct {
	last  uint64 // bytes allocated at the last look
	quiet uint64 // at most this many since the last look is quiet
	freed bool   // freed since the process was last busy
}

// look takes the bytes allocated so far and reports whether to free now:
// at the first quiet look after being busy.
func (w *watcher) look(now uint64) bool {
	busy := now-w.last > w.quiet
	w.last = now
	if busy {
		w.freed = false
		return false
	}
	if w.freed {
		return false
	}
	w.freed = true
	return true
}

// allocated is the bytes allocated on the heap since start, read without
// stopping the world (unlike runtime.ReadMemStats).
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
