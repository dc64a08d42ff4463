package idlegc

import (
	"context"
	"testing"
	"time"
)

func TestWatcher_FreesOncePerQuietSpell(t *testing.T) {
	w := watcher{last: 100, quiet: 1000}
	total := uint64(100)
	steps := []struct {
		alloc uint64
		free  bool
	}{
		{0, true},       // quiet from the start: free
		{0, false},      // still quiet: not again
		{1000, false},   // a little polling: the same quiet spell
		{1001, false},   // busy: nothing to free yet
		{200, true},     // quiet again after work: free again
		{0, false},      // and not again
		{50_000, false}, // busy
		{50_000, false}, // still busy
		{999, true},     // quiet
	}
	for i, st := range steps {
		total += st.alloc
		if got := w.look(total); got != st.free {
			t.Fatalf("step %d (allocated %d): free = %v, want %v", i, st.alloc, got, st.free)
		}
	}
}

// TestRun_FreesWhenQuietAndStops runs the loop itself, look by look: the
// test hands it each reading of the allocation counter and sees whether
// it freed before it asked for the next look. It frees at start and after
// each busy spell; what freeing allocates does not count as the process
// being busy, and run returns when ctx ends.
func TestRun_FreesWhenQuietAndStops(t *testing.T) {
	values := make(chan uint64)
	freed := make(chan struct{})
	tick := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx, tick, func() uint64 { return <-values }, func() { freed <- struct{}{} }, 1000)
	}()
	timeout := time.After(10 * time.Second)
	send := func(v uint64) {
		select {
		case values <- v:
		case <-timeout:
			t.Fatal("run did not read the counter")
		}
	}
	// look takes one look with the counter at v and reports whether run
	// freed; after a free it reads the counter once more (after).
	look := func(v, after uint64) bool {
		select {
		case tick <- time.Time{}:
		case <-freed:
			t.Fatal("freed between looks")
		case <-timeout:
			t.Fatal("run did not take the tick")
		}
		send(v)
		select {
		case <-freed:
			send(after)
			return true
		case <-done:
			t.Fatal("run returned")
		case <-time.After(50 * time.Millisecond):
			return false // not freeing: run is back waiting for a tick
		}
		return false
	}
	select { // start-up's garbage is freed at once
	case <-freed:
	case <-timeout:
		t.Fatal("run did not free at start")
	}
	send(0) // the reading after that free
	steps := []struct {
		v, after uint64
		free     bool
	}{
		{0, 0, false},        // quiet, already freed at start
		{500, 0, false},      // still the same quiet spell
		{7000, 0, false},     // busy
		{7000, 12000, true},  // quiet after work: frees, and freeing allocates 5000
		{12000, 0, false},    // freeing's own bytes are not work: still quiet, freed
		{12000, 0, false},    // and not again
		{20000, 0, false},    // busy
		{20100, 20100, true}, // quiet
	}
	for i, st := range steps {
		if got := look(st.v, st.after); got != st.free {
			t.Fatalf("look %d (counter %d): freed = %v, want %v", i, st.v, got, st.free)
		}
	}
	cancel()
	select {
	case <-done:
	case <-timeout:
		t.Fatal("run did not return after ctx ended")
	}
}

func TestAllocated_Grows(t *testing.T) {
	before := allocated()
	sink = make([]byte, 1<<20)
	if after := allocated(); after < before+1<<20 {
		t.Fatalf("allocated went %d -> %d over a 1 MiB allocation", before, after)
	}
}

var sink []byte
