package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// runMigrate applies the migrations and, with an account, grants it what
// the application needs (and only SELECT and INSERT on the audit tables).
func runMigrate(ctx context.Context, cfg config.Config, log *slog.Logger, account string, stdout io.Writer) error {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	if account != "" {
		checked, err := store.GrantApp(ctx, account)
		if err != nil {
			return errors.Join(err, store.Close())
		}
		fmt.Fprintf(stdout, "granted %s the application's privileges (audit tables: SELECT and INSERT only)\n", account)
		if !checked {
			fmt.Fprintf(stdout, "could not read the other grants of %s (that needs SELECT on mysql.*): make sure it holds none on the whole database or server\n", account)
		}
	}
	fmt.Fprintf(stdout, "database migrated (%s)\n", store.Dialect())
	return store.Close()
}

// runAudit runs `audit verify` or `audit prune`.
func runAudit(ctx context.Context, cfg config.Config, log *slog.Logger, pos []string, stdout io.Writer) error {
	if len(pos) != 1 || pos[0] != "verify" && pos[0] != "prune" {
		return errors.New("usage: huifang audit verify|prune")
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	if pos[0] == "prune" {
		return pruneAudit(ctx, cfg, store, stdout)
	}
	c, err := store.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if c.Broken != nil {
		fmt.Fprintf(stdout, "audit chain BROKEN at seq %d (event id %d): %s\n", c.Broken.Seq, c.Broken.EventID, c.Broken.Reason)
		return fmt.Errorf("audit chain broken at seq %d", c.Broken.Seq)
	}
	fmt.Fprintf(stdout, "audit chain OK: %d events, seq %d to %d; head hash %s\n", c.Events, c.FloorSeq+1, c.HeadSeq, c.HeadHash)
	return nil
}

// pruneAudit deletes the audit rows older than HUIFANG_AUDIT_RETENTION
// months, in chain order, after verifying the chain.
func pruneAudit(ctx context.Context, cfg config.Config, store *sqlstore.Store, stdout io.Writer) error {
	if cfg.AuditRetentionMonths == 0 {
		fmt.Fprintln(stdout, "HUIFANG_AUDIT_RETENTION is keep: nothing pruned")
		return nil
	}
	now := time.Now()
	before := now.AddDate(0, -cfg.AuditRetentionMonths, 0)
	p, err := store.PruneAudit(ctx, before, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "pruned %d audit events dated before %s; the chain now starts after seq %d\n",
		p.Events, before.UTC().Format(time.DateOnly), p.ThroughSeq)
	return nil
}

// runFactorReset runs `2fa reset ID`: the administrator's second factor
// is removed (audited as done from the command line), so that they enrol
// again.
func runFactorReset(ctx context.Context, cfg config.Config, log *slog.Logger, pos []string, stdout io.Writer) error {
	var id int64
	if len(pos) == 2 && pos[0] == "reset" {
		id, _ = strconv.ParseInt(pos[1], 10, 64)
	}
	if id <= 0 {
		return errors.New("usage: huifang 2fa reset TELEGRAM_ID")
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	err = store.ResetSecondFactor(ctx, models.Viewer{TelegramID: cliActorID, Role: models.RoleAdmin}, id)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("2fa reset: %d has no second factor", id)
	}
	if err != nil {
		return fmt.Errorf("2fa reset: %w", err)
	}
	fmt.Fprintf(stdout, "second factor of %d removed: they set it up again at their next administrator's action\n", id)
	return nil
}
