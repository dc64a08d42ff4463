// Package cputime reads the CPU time this process has used, so benchmarks
// can report the CPU one operation costs the client side alone when the
// server it talks to runs in another process (Redis, MariaDB, a stub Bot
// API). Wall time per operation cannot show that: it mixes in the server
// and the waiting.
package cputime

import (
	"runtime"
	"testing"
	"time"
)

// Self returns the user plus system CPU time of this process so far, and
// false where the platform cannot tell.
func Self() (time.Duration, bool) { return self() }

// RunParallel runs b.N ops from inFlight goroutines in all (at least one
// per P), each goroutine's ops made by newOp, and reports this process's
// CPU per op as cpu-µs/op. One op runs before the count, so connecting is
// not in it.
func RunParallel(b *testing.B, inFlight int, newOp func() func() error) {
	if err := newOp()(); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(max(1, inFlight/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	before, ok := Self()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		op := newOp()
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if after, _ := Self(); ok {
		b.ReportMetric(float64((after-before).Microseconds())/float64(b.N), "cpu-µs/op")
	}
}
