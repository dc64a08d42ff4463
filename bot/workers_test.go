package bot

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestWorkers(t *testing.T) {
	w := newWorkers()
	w.idle = 50 * time.Millisecond

	// One after another: one goroutine does (nearly) all.
	for range 100 {
		done := make(chan struct{})
		w.run(func() { close(done) })
		<-done
		for w.waiting.Load() == 0 { // until the worker is back waiting
			runtime.Gosched()
		}
	}
	if n := w.started.Load(); n > 5 {
		t.Errorf("100 runs one after another started %d goroutines, want them reused", n)
	}

	// At once: none waits for another.
	const wide = 10
	var entered sync.WaitGroup
	entered.Add(wide)
	release := make(chan struct{})
	var done sync.WaitGroup
	for range wide {
		done.Add(1)
		w.run(func() {
			defer done.Done()
			entered.Done()
			<-release
		})
	}
	entered.Wait() // would hang if a run waited for a free worker
	close(release)
	done.Wait()
	if n := w.live.Load(); n < wide {
		t.Errorf("%d workers live after %d at once, want at least %d", n, wide, wide)
	}

	// Idle workers end.
	deadline := time.Now().Add(5 * time.Second)
	for w.live.Load() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d workers still live long after idling", w.live.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
