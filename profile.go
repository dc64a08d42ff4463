package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfile writes a CPU profile to the file HUIFANG_CPUPROFILE names,
// until the process stops, and a heap profile to HUIFANG_MEMPROFILE when
// it stops: developers' aids for the side-by-side bench. Profiles hold
// code locations and sizes only, never data.
func startProfile(getenv func(string) string) (stop func()) {
	stopCPU := func() {}
	if path := getenv("HUIFANG_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
			} else {
				stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
			}
		}
	}
	return func() {
		stopCPU()
		if path := getenv("HUIFANG_MEMPROFILE"); path != "" {
			if f, err := os.Create(path); err == nil {
				runtime.GC()
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}
}
