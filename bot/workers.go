package bot

import (
	"sync/atomic"
	"time"
)

// workerIdle is how long a worker goroutine waits for more work before it
// ends.
const workerIdle = 5 * time.Second

// workers runs functions on goroutines kept between uses. Each handled
// update and each reply used to get a goroutine of its own, whose stack
// then grew, by copying, to the depth of a handler (database, HTTP):
// 5% of the bot's CPU at saturation went to those copies. A worker keeps
// its grown stack for the next function; workers idle for workerIdle end,
// so a burst leaves nothing behind.
type workers struct {
	tasks   chan func()
	idle    time.Duration
	started atomic.Int64 // goroutines started, ever
	live    atomic.Int64 // goroutines running or idle
	waiting atomic.Int64 // goroutines idle
}

func newWorkers() *workers { return &workers{tasks: make(chan func()), idle: workerIdle} }

// run runs f on an idle worker, or on a new one when none is idle. It
// never waits.
func (w *workers) run(f func()) {
	select {
	case w.tasks <- f:
	default:
		w.started.Add(1)
		w.live.Add(1)
		go w.loop(f)
	}
}

func (w *workers) loop(f func()) {
	defer w.live.Add(-1)
	idle := time.NewTimer(w.idle)
	defer idle.Stop()
	for {
		f()
		f = nil // not kept alive while idle
		idle.Reset(w.idle)
		w.waiting.Add(1)
		select {
		case f = <-w.tasks:
			w.waiting.Add(-1)
		case <-idle.C:
			w.waiting.Add(-1)
			return
		}
	}
}
