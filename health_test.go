package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/metrics"
	"github.com/huifang/huifang/models/modelstest"
)

// metricsRedisDB is a Redis database only TestServe_Metrics uses: serve's
// keys have the fixed prefix "huifang:".
const metricsRedisDB = 11

// clearRedisDB deletes serve's keys in db, now and when the test ends.
func clearRedisDB(t *testing.T, db int) string {
	modelstest.OpenRedis(t) // skips, or fails in CI, without a server
	url := fmt.Sprintf("redis://127.0.0.1:6379/%d", db)
	clear := func() {
		opt, _ := redis.ParseURL(url)
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		iter := rdb.Scan(context.Background(), 0, "huifang:*", 1000).Iterator()
		for iter.Next(context.Background()) {
			rdb.Del(context.Background(), iter.Val())
		}
	}
	clear()
	t.Cleanup(clear)
	return url
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitFor polls url until it answers want (or 20 s pass).
func waitFor(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := httpGet(t, url)
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %d %q, want %d", url, code, body, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServe_Metrics runs serve with HUIFANG_METRICS_LISTEN against MariaDB,
// Redis and the fake Bot API: it becomes ready, an update and its answer
// are counted, and it holds the polling lease.
func TestServe_Metrics(t *testing.T) {
	db := scratchMySQL(t)
	redisURL := clearRedisDB(t, metricsRedisDB)
	fake := telegramtest.NewServer(t, e2eToken)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, env(map[string]string{
			"TELEGRAM_BOT_TOKEN": e2eToken, "TELEGRAM_API_ENDPOINT": fake.Endpoint(), "MYSQL_DSN": db.FormatDSN(),
			"REDIS_URL": redisURL, "HUIFANG_STATE_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "HUIFANG_ADMINS": "424242", "HUIFANG_POLL_TIMEOUT": "1s", "HUIFANG_LOG_LEVEL": "warn",
			"HUIFANG_METRICS_LISTEN": addr,
		}), strings.NewReader(""), io.Discard, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + addr
	if code, _ := httpGet(t, base+"/healthz"); code != 0 && code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if body := waitFor(t, base+"/readyz", http.StatusOK); body != "mysql: ok\nmigrations: ok\nredis: ok\ntelegram: ok\n" {
		t.Errorf("/readyz = %q", body)
	}
	fake.SendText(424242, 424242, "/help")
	fake.WaitSent(t, 1, 10*time.Second)
	// The answer's outcome is counted just after the fake received it.
	waitMetrics(t, base+"/metrics",
		`huifang_updates_total{kind="command",outcome="ok"} 1`,
		`huifang_telegram_requests_total{method="sendMessage",outcome="ok"}`,
		`huifang_leader{lock="poll"} 1`,
		`huifang_deliveries{status="pending"} 0`,
		`huifang_queue_depth{queue="replies"}`,
	)
}

// waitMetrics polls url until it shows every wanted line (or 20 s pass).
func waitMetrics(t *testing.T, url string, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body := httpGet(t, url)
		var missing []string
		for _, w := range wants {
			if !strings.Contains(body, w) {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s lacks %q", url, missing)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRun_Healthcheck: `huifang healthcheck` asks the metrics server on
// HUIFANG_METRICS_LISTEN (an unspecified host means loopback) and exits
// non-zero unless it answers 200; --ready asks /readyz.
func TestRun_Healthcheck(t *testing.T) {
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	m := metrics.New()
	if _, err := metrics.Serve(t.Context(), addr, m.Mux(metrics.NewReadiness(nil)), slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	check := func(args ...string) error {
		var out bytes.Buffer
		return run(t.Context(), append([]string{"healthcheck"}, args...), env(map[string]string{"HUIFANG_METRICS_LISTEN": ":" + port}),
			strings.NewReader(""), &out, &out)
	}
	if err := check(); err != nil {
		t.Errorf("healthcheck: %v", err)
	}
	if err := check("--ready"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("healthcheck --ready while starting = %v, want a 503", err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"healthcheck"}, env(nil), strings.NewReader(""), &out, &out); err == nil ||
		!strings.Contains(err.Error(), "HUIFANG_METRICS_LISTEN is not set") {
		t.Errorf("healthcheck without the setting = %v", err)
	}
}
