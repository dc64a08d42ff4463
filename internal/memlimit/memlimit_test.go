package memlimit

import (
	"runtime/debug"
	"testing"
)

func TestRaise(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(28 << 20)
	defer debug.SetMemoryLimit(before)

	r1 := Raise(Export)
	if got := debug.SetMemoryLimit(-1); got != Export {
		t.Fatalf("limit %d during the first raise, want %d", got, Export)
	}
	r2 := Raise(64 << 20) // lower than the lift in force: no change
	if got := debug.SetMemoryLimit(-1); got != Export {
		t.Fatalf("limit %d during two raises, want %d", got, Export)
	}
	r1()
	r1() // a second call does nothing
	if got := debug.SetMemoryLimit(-1); got != Export {
		t.Fatalf("limit %d after one of two releases, want %d", got, Export)
	}
	r2()
	if got := debug.SetMemoryLimit(-1); got != 28<<20 {
		t.Fatalf("limit %d after both releases, want the 28 MiB before", got)
	}
}

func TestRaise_OperatorLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "64MiB")
	before := debug.SetMemoryLimit(64 << 20)
	defer debug.SetMemoryLimit(before)
	release := Raise(Export)
	defer release()
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Fatalf("limit %d, want the operator's 64 MiB kept", got)
	}
}
