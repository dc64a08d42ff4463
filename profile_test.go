package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStartProfile: the profiles named in the environment are written
// (gzipped protocol buffers, as pprof reads them), and nothing is written
// when none is named.
func TestStartProfile(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"HUIFANG_CPUPROFILE": filepath.Join(dir, "cpu.prof"),
		"HUIFANG_MEMPROFILE": filepath.Join(dir, "mem.prof"),
	}
	stop := startProfile(func(k string) string { return env[k] })
	stop()
	for _, p := range env {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s: not a gzipped profile (%d bytes)", filepath.Base(p), len(b))
		}
	}
	startProfile(func(string) string { return "" })()
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("%d files, want the 2 named", len(ents))
	}
}
