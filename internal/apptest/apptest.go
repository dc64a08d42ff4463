// Package apptest builds the handlers for tests over real storage, and
// walks the visit form from its field table, so every test that logs a
// visit (handlers, end to end through the fake Bot API, the SIGKILL test)
// follows the form as it is.
package apptest

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// The demo roster's administrator and inspector (models.LoadDemo).
const (
	DemoAdmin     = 10001
	DemoInspector = 10002
	// BootAdmin is in HUIFANG_ADMINS but not in the users table.
	BootAdmin = 777
)

// Shanghai is the office's time zone in tests.
var Shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// NewApp is an App over a fresh SQLite database with the demo roster and an
// in-process state store.
func NewApp(tb testing.TB) (*handlers.App, *sqlstore.Store, models.StateStore) {
	tb.Helper()
	store := modelstest.OpenSQLite(tb)
	if err := store.LoadDemo(context.Background(), DemoAdmin, DemoInspector); err != nil {
		tb.Fatalf("load demo: %v", err)
	}
	state := models.NewMemoryState()
	return MustApp(tb, store, state), store, state
}

// MustApp is an App over store and state, in the office's zone, with
// BootAdmin as a configured administrator.
func MustApp(tb testing.TB, store handlers.Store, state models.StateStore, opts ...func(*handlers.Options)) *handlers.App {
	tb.Helper()
	o := handlers.Options{Store: store, State: state, Location: Shanghai, Admins: []int64{BootAdmin}}
	if os.Getenv("HUIFANG_TEST_LOG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	for _, f := range opts {
		f(&o)
	}
	app, err := handlers.New(o)
	if err != nil {
		tb.Fatalf("new app: %v", err)
	}
	return app
}
