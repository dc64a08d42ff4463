//go:build unix

package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/huifang/huifang/models/sqlstore"
)

// TestOpen_SQLiteFilePrivate: the SQLite file holds personal data, so it
// and its -wal and -shm files are readable by their owner only, whatever
// the umask; an older file readable by others is narrowed.
func TestOpen_SQLiteFilePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // the usual umask, under which SQLite creates files 0644
	t.Cleanup(func() { syscall.Umask(old) })
	ctx := context.Background()
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	stale := filepath.Join(dir, "stale.db")
	for _, p := range []string{stale, stale + "-wal"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{fresh, stale} {
		s, err := sqlstore.Open(ctx, "", path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil { // writes: the -wal and -shm files exist now
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(p), err)
			}
			if perm := st.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s has mode %o, want 600", filepath.Base(p), perm)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
