package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/metrics"
	"github.com/huifang/huifang/scheduler"
)

// Metrics is every package's Observer.
var (
	_ bot.Observer       = (*metrics.Metrics)(nil)
	_ handlers.Observer  = (*metrics.Metrics)(nil)
	_ scheduler.Observer = (*metrics.Metrics)(nil)
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

// TestMetrics_Scrape: what the observers hear shows in /metrics.
func TestMetrics_Scrape(t *testing.T) {
	m := metrics.New()
	ok := bot.Observed(m, handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { return handlers.Response{} }))
	failing := bot.Observed(m, handlers.HandlerFunc(func(ctx context.Context, _ handlers.Input) handlers.Response {
		m.StateConflict(ctx)
		m.UpdateFailed(ctx)
		return handlers.Response{}
	}))
	panicking := bot.Observed(m, handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { panic("boom") }))
	ctx := t.Context()
	ok.Handle(ctx, handlers.Input{Text: "/help"})
	ok.Handle(ctx, handlers.Input{Callback: "v1:1:x", CallbackID: "q"})
	failing.Handle(ctx, handlers.Input{Text: "张三"})
	func() {
		defer func() { _ = recover() }()
		panicking.Handle(ctx, handlers.Input{Text: "/visit"})
	}()
	m.Call("sendMessage", "ok")
	m.Call("sendMessage", "rate_limited")
	m.Retry("rate_limited")
	m.Planned(61)
	m.Finished("reminder", "sent")
	m.Expired(3, 1)
	m.AuditFailed()
	m.Leader("poll", true)
	m.Gauges("huifang_queue_depth", "queued", "queue", func(context.Context) map[string]float64 {
		return map[string]float64{"replies": 2, "bulk": 5}
	})
	code, body := get(t, m.Mux(metrics.NewReadiness(nil)), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`huifang_updates_total{kind="command",outcome="ok"} 1`,
		`huifang_updates_total{kind="callback",outcome="ok"} 1`,
		`huifang_updates_total{kind="text",outcome="error"} 1`,
		`huifang_updates_total{kind="command",outcome="panic"} 1`,
		`huifang_update_duration_seconds_count{kind="command"} 2`,
		`huifang_telegram_requests_total{method="sendMessage",outcome="rate_limited"} 1`,
		`huifang_telegram_retries_total{reason="rate_limited"} 1`,
		`huifang_deliveries_planned_total 61`,
		`huifang_deliveries_finished_total{kind="reminder",status="sent"} 1`,
		`huifang_deliveries_requeued_total 3`,
		`huifang_deliveries_uncertain_total 1`,
		`huifang_audit_write_failures_total 1`,
		`huifang_state_conflicts_total 1`,
		`huifang_leader{lock="poll"} 1`,
		`huifang_leader{lock="send"} 0`,
		`huifang_queue_depth{queue="bulk"} 5`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestReadiness: /readyz is 503 while starting, 200 while every check
// passes, 503 naming the failing check (and not its error) otherwise;
// /healthz is 200 throughout.
func TestReadiness(t *testing.T) {
	m := metrics.New()
	ready := metrics.NewReadiness(nil)
	mux := m.Mux(ready)
	if code, body := get(t, mux, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "starting") {
		t.Errorf("/readyz while starting = %d %q", code, body)
	}
	if code, _ := get(t, mux, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz while starting = %d", code)
	}
	var redisErr error
	ready.SetChecks(metrics.Check{Name: "mysql", Fn: func(context.Context) error { return nil }},
		metrics.Check{Name: "redis", Fn: func(context.Context) error { return redisErr }})
	if code, body := get(t, mux, "/readyz"); code != http.StatusOK || body != "mysql: ok\nredis: ok\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
	redisErr = errors.New("dial tcp 10.0.0.9:6379: connection refused")
	code, body := get(t, mux, "/readyz")
	if code != http.StatusServiceUnavailable || body != "mysql: ok\nredis: failing\n" {
		t.Errorf("/readyz with redis down = %d %q", code, body)
	}
	if code, _ := get(t, mux, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
}

// BenchmarkMetrics_Update is the instrumentation's cost per update: the
// middleware bot/ adds and what it counts, around a handler that does
// nothing.
func BenchmarkMetrics_Update(b *testing.B) {
	m := metrics.New()
	h := bot.Observed(m, handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { return handlers.Response{} }))
	ctx := context.Background()
	in := handlers.Input{Callback: "v1:1:x", CallbackID: "q"}
	b.ReportAllocs()
	for b.Loop() {
		h.Handle(ctx, in)
	}
}
