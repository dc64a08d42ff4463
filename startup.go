package main

// Start-up waits for MySQL and Redis: under docker-compose or Kubernetes
// the bot may start before them, and exiting at once only makes a restart
// loop. It retries with backoff for HUIFANG_STARTUP_WAIT, logging each
// wait, then gives up with a message naming the service and the setting.

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/internal/ctxsleep"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/redisstate"
	"github.com/huifang/huifang/models/sqlstore"
)

// Waits between start-up attempts: doubling from the first to the last.
const (
	startupFirstWait = time.Second
	startupMaxWait   = 15 * time.Second
)

// startupWait retries a service's connection at start-up. now and sleep
// are the clock; tests replace them.
type startupWait struct {
	budget      time.Duration // how long to keep trying in all; 0: once
	first, most time.Duration // the first wait and the longest
	log         *slog.Logger
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
}

func newStartupWait(cfg config.Config, log *slog.Logger) startupWait {
	return startupWait{budget: cfg.StartupWait, first: startupFirstWait, most: startupMaxWait, log: log,
		now: time.Now, sleep: sleepCtx}
}

// sleepCtx waits for d or until ctx ends (its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	if !ctxsleep.Sleep(ctx, d) {
		return ctx.Err()
	}
	return nil
}

// until calls try until it succeeds, the budget is spent, or ctx ends.
// Each failure is logged with the service, the attempt and the next wait;
// try's errors must carry no secret (the stores' errors carry the address
// at most, never the DSN or a password).
func (w startupWait) until(ctx context.Context, service string, try func(context.Context) error) error {
	start := w.now()
	wait := w.first
	for attempt := 1; ; attempt++ {
		err := try(ctx)
		if err == nil {
			if attempt > 1 {
				w.log.Info("service answered at start-up", "service", service, "attempt", attempt, "waited", w.now().Sub(start).Round(time.Millisecond))
			}
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s at start-up: %w", service, err)
		}
		waited := w.now().Sub(start)
		next := min(wait, w.budget-waited)
		if next <= 0 {
			return fmt.Errorf("%s did not answer after %d attempts in %s (HUIFANG_STARTUP_WAIT=%s): %w",
				service, attempt, waited.Round(time.Second), w.budget, err)
		}
		w.log.Warn("waiting for a service at start-up", "service", service, "attempt", attempt, "retry_in", next,
			"waited", waited.Round(time.Millisecond), "give_up_after", w.budget, "err", err)
		if err := w.sleep(ctx, next); err != nil {
			return fmt.Errorf("%s at start-up: %w", service, err)
		}
		wait = min(2*wait, w.most)
	}
}

// openStore opens the database, waiting for MySQL at start-up, and
// applies migrations.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*sqlstore.Store, error) {
	return openStoreWith(ctx, cfg, log, newStartupWait(cfg, log))
}

func openStoreWith(ctx context.Context, cfg config.Config, log *slog.Logger, w startupWait) (*sqlstore.Store, error) {
	var store *sqlstore.Store
	open := func(ctx context.Context) (err error) {
		store, err = sqlstore.Open(ctx, cfg.MySQLDSN, cfg.SQLitePath, log)
		return err
	}
	var err error
	if cfg.MySQLDSN != "" {
		err = w.until(ctx, "mysql", open)
	} else {
		err = open(ctx) // a local file: nothing to wait for
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := store.Migrate(ctx); err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	return store, nil
}

// openState opens Redis when configured, waiting for it at start-up, else
// the in-process store.
func openState(ctx context.Context, cfg config.Config, w startupWait) (models.StateStore, error) {
	if cfg.RedisURL == "" {
		return models.NewMemoryState(), nil
	}
	keys, err := keyring(redisstate.Purpose, cfg)
	if err != nil {
		return nil, fmt.Errorf("HUIFANG_STATE_KEY: %w", err)
	}
	var st *redisstate.Store
	err = w.until(ctx, "redis", func(ctx context.Context) (err error) {
		st, err = redisstate.Open(ctx, cfg.RedisURL, "huifang:", keys)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open redis: %w", err)
	}
	return st, nil
}
