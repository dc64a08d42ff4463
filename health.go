package main

// Health and metrics of serve (HUIFANG_METRICS_LISTEN): the metrics
// server starts first, so that /healthz answers while start-up waits for
// MySQL and Redis, and /readyz says "starting" until everything is wired.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/metrics"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/redisstate"
	"github.com/huifang/huifang/models/sqlstore"
	"github.com/huifang/huifang/scheduler"
)

// observability is serve's metrics and readiness; m is nil when
// HUIFANG_METRICS_LISTEN is empty, and then every method does nothing.
type observability struct {
	m     *metrics.Metrics
	ready *metrics.Readiness
}

// startMetrics serves /healthz, /readyz and /metrics on
// HUIFANG_METRICS_LISTEN until ctx ends.
func startMetrics(ctx context.Context, cfg config.Config, log *slog.Logger) (*observability, error) {
	if cfg.MetricsListen == "" {
		return &observability{}, nil
	}
	o := &observability{m: metrics.New(), ready: metrics.NewReadiness(log)}
	if _, err := metrics.Serve(ctx, cfg.MetricsListen, o.m.Mux(o.ready), log); err != nil {
		return nil, err
	}
	return o, nil
}

// handlers is the handlers' Observer, nil when off (a nil *Metrics in the
// interface would not be nil).
func (o *observability) handlers() handlers.Observer {
	if o.m == nil {
		return nil
	}
	return o.m
}

// bot sets the transport's Observer and wraps its polling lease.
func (o *observability) bot(bc *bot.Config, locker models.Locker, held func(bool)) {
	if o.m != nil {
		bc.Observer = o.m
	}
	bc.Locker = pollLocker{Locker: o.locker(locker), held: held}
}

// scheduler is the scheduler's Observer, nil when off.
func (o *observability) scheduler() scheduler.Observer {
	if o.m == nil {
		return nil
	}
	return o.m
}

// locker reports the locks held as huifang_leader.
func (o *observability) locker(l models.Locker) models.Locker {
	if o.m == nil {
		return l
	}
	return leaderLocker{Locker: l, m: o.m}
}

// wired counts audit failures and queue depths, and makes /readyz ask
// MySQL, Redis, the Bot API and the migrations.
func (o *observability) wired(svc *services, tg *bot.Telegram) error {
	if o.m == nil {
		return nil
	}
	if err := svc.store.OnAuditFailure(o.m.AuditFailed); err != nil {
		return err
	}
	o.m.Gauges("huifang_queue_depth", "Outgoing Telegram jobs queued or under way, by queue (replies, bulk).", "queue",
		func(context.Context) map[string]float64 { return tg.QueueDepths() })
	o.m.Gauges("huifang_deliveries", "Reminders and digests not settled yet, by status (pending, claimed, sending).", "status",
		func(ctx context.Context) map[string]float64 { return deliveryQueue(ctx, svc.store) })
	checks := []metrics.Check{{Name: svc.store.Dialect(), Fn: svc.store.Ping}, {Name: "migrations", Fn: svc.store.MigrationsApplied}}
	if r, ok := svc.state.(*redisstate.Store); ok {
		checks = append(checks, metrics.Check{Name: "redis", Fn: r.Ping})
	}
	checks = append(checks, metrics.Check{Name: "telegram", Fn: tg.Ping})
	o.ready.SetChecks(checks...)
	return nil
}

// deliveryQueue is the delivery queue as gauges; nothing when the
// database does not answer (the scrape goes on).
func deliveryQueue(ctx context.Context, store *sqlstore.Store) map[string]float64 {
	q, err := store.DeliveryQueue(ctx)
	if err != nil {
		return nil
	}
	out := make(map[string]float64, len(q))
	for k, v := range q {
		out[k] = float64(v)
	}
	return out
}

// leaderLocker reports in huifang_leader whether this process holds each
// lock: "poll" (the getUpdates lease), "plan" and "send".
type leaderLocker struct {
	models.Locker
	m *metrics.Metrics
}

// lockLabel is a lock name's label: the polling lease's name carries the
// bot id.
func lockLabel(name string) string {
	if strings.HasPrefix(name, "telegram-poll") {
		return "poll"
	}
	return name
}

// TryLock implements models.Locker.
func (l leaderLocker) TryLock(ctx context.Context, name string, ttl time.Duration) (models.Lock, error) {
	lock, err := l.Locker.TryLock(ctx, name, ttl)
	if err != nil {
		return nil, err
	}
	l.m.Leader(lockLabel(name), true)
	return leaderLock{Lock: lock, m: l.m, label: lockLabel(name)}, nil
}

// leaderLock is a held lock whose loss or release is reported.
type leaderLock struct {
	models.Lock
	m     *metrics.Metrics
	label string
}

// Refresh implements models.Lock.
func (l leaderLock) Refresh(ctx context.Context, ttl time.Duration) error {
	err := l.Lock.Refresh(ctx, ttl)
	if err != nil {
		l.m.Leader(l.label, false)
	}
	return err
}

// Unlock implements models.Lock.
func (l leaderLock) Unlock(ctx context.Context) error {
	l.m.Leader(l.label, false)
	return l.Lock.Unlock(ctx)
}

// takeSwitch takes -name or --name out of args and reports whether it was
// there.
func takeSwitch(args []string, name string) (bool, []string) {
	found := false
	var rest []string
	for _, a := range args {
		if a == "-"+name || a == "--"+name {
			found = true
			continue
		}
		rest = append(rest, a)
	}
	return found, rest
}

// runHealthcheck is `huifang healthcheck`: it asks /healthz (or /readyz
// with ready) of the bot serving on HUIFANG_METRICS_LISTEN in this
// container, and fails unless the answer is 200.
func runHealthcheck(ctx context.Context, cfg config.Config, ready bool, stdout io.Writer) error {
	if cfg.MetricsListen == "" {
		return errors.New("healthcheck: HUIFANG_METRICS_LISTEN is not set: the bot serves no health endpoint")
	}
	host, port, err := net.SplitHostPort(cfg.MetricsListen)
	if err != nil {
		return fmt.Errorf("healthcheck: HUIFANG_METRICS_LISTEN: %w", err)
	}
	if host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified() {
		host = "127.0.0.1" // listening on every interface: ask on loopback
	}
	path := "/healthz"
	if ready {
		path = "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprintf(stdout, "%s %s\n%s", path, resp.Status, body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", path, resp.Status)
	}
	return nil
}
