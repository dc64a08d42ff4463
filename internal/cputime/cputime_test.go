package cputime

import (
	"runtime"
	"testing"
)

func TestSelf_CountsWork(t *testing.T) {
	before, ok := Self()
	if !ok {
		t.Skip("this platform does not report process CPU time")
	}
	x := uint64(1)
	for i := range 50_000_000 {
		x = x*6364136223846793005 + uint64(i)
	}
	runtime.KeepAlive(x)
	after, _ := Self()
	if after <= before {
		t.Fatalf("CPU time did not grow over 50M multiplications: %v then %v", before, after)
	}
}
