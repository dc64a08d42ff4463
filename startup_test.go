package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/models/modelstest"
)

// lateServer is a TCP forwarder to a real server that starts listening
// only when told: a server that comes up after the bot.
type lateServer struct {
	t            *testing.T
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

// newLateServer reserves a free loopback port for a forwarder to target;
// nothing listens on it yet, so connections are refused.
func newLateServer(t *testing.T, target string) *lateServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &lateServer{t: t, addr: ln.Addr().String(), target: target}
	_ = ln.Close()
	t.Cleanup(s.close)
	return s
}

// start listens and forwards every connection to the target.
func (s *lateServer) start() {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("listen on the reserved port: %v", err)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", s.target)
			if err != nil {
				_ = c.Close()
				continue
			}
			s.mu.Lock()
			s.conns = append(s.conns, c, up)
			s.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); _ = up.Close() }()
			go func() { _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
}

func (s *lateServer) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		_ = s.ln.Close()
	}
	for _, c := range s.conns {
		_ = c.Close()
	}
}

// testWait is a startupWait on a fake clock whose sleeps return at once;
// the server comes up at the upOnSleep-th sleep (never when 0).
func testWait(budget time.Duration, log *slog.Logger, s *lateServer, upOnSleep int) (startupWait, *[]time.Duration) {
	now := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	var slept []time.Duration
	w := startupWait{budget: budget, first: time.Second, most: 15 * time.Second, log: log,
		now: func() time.Time { return now },
		sleep: func(_ context.Context, d time.Duration) error {
			slept = append(slept, d)
			now = now.Add(d)
			if len(slept) == upOnSleep {
				s.start()
			}
			return nil
		}}
	return w, &slept
}

// scratchMySQL creates an empty database for the test on the server of
// HUIFANG_TEST_MYSQL_DSN, dropped at the end, and returns its DSN.
func scratchMySQL(t *testing.T) *mysql.Config {
	dsn := os.Getenv("HUIFANG_TEST_MYSQL_DSN")
	if dsn == "" {
		dsn = modelstest.DefaultMySQLDSN
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal("HUIFANG_TEST_MYSQL_DSN is not a valid DSN")
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	cfg.DBName = "huifang_startup_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + cfg.DBName + " CHARACTER SET utf8mb4"); err != nil {
		if modelstest.Required() {
			t.Fatalf("MySQL/MariaDB does not answer: %v", err)
		}
		t.Skipf("MySQL/MariaDB does not answer: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE " + cfg.DBName) })
	return cfg
}

// TestOpenStore_WaitsForMySQL: MySQL comes up after the bot; start-up
// waits for it, logging each wait, and then opens and migrates.
func TestOpenStore_WaitsForMySQL(t *testing.T) {
	db := scratchMySQL(t)
	late := newLateServer(t, db.Addr)
	db.Addr = late.addr
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	w, slept := testWait(time.Minute, log, late, 3)
	store, err := openStoreWith(t.Context(), config.Config{MySQLDSN: db.FormatDSN()}, log, w)
	if err != nil {
		t.Fatalf("openStore: %v\n%s", err, logs.String())
	}
	defer store.Close()
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !equalDurations(*slept, want) {
		t.Errorf("waited %v, want %v", *slept, want)
	}
	out := logs.String()
	for _, want := range []string{`msg="waiting for a service at start-up" service=mysql attempt=1 retry_in=1s`,
		"attempt=3 retry_in=4s", `msg="service answered at start-up" service=mysql attempt=4`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// TestOpenState_WaitsForRedis: the same for Redis.
func TestOpenState_WaitsForRedis(t *testing.T) {
	target := "127.0.0.1:6379"
	if u := os.Getenv("HUIFANG_TEST_REDIS_URL"); u != "" {
		target = strings.TrimPrefix(strings.TrimSuffix(u, "/"), "redis://")
	}
	modelstest.OpenRedis(t) // skips, or fails in CI, without a server
	late := newLateServer(t, target)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	w, slept := testWait(time.Minute, log, late, 1)
	st, err := openState(t.Context(), config.Config{RedisURL: "redis://" + late.addr + "/0", StateKey: make([]byte, 32)}, w)
	if err != nil {
		t.Fatalf("openState: %v\n%s", err, logs.String())
	}
	defer st.Close()
	if len(*slept) != 1 || !strings.Contains(logs.String(), "service=redis attempt=1 retry_in=1s") {
		t.Errorf("waited %v; log:\n%s", *slept, logs.String())
	}
}

// TestOpenStore_GivesUp: a server that never comes up ends start-up after
// HUIFANG_STARTUP_WAIT with a message naming the service and the setting,
// and neither the message nor the log holds the password.
func TestOpenStore_GivesUp(t *testing.T) {
	late := newLateServer(t, "")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	w, slept := testWait(30*time.Second, log, late, 0)
	cfg := config.Config{MySQLDSN: "huifang:s3cret-pw@tcp(" + late.addr + ")/huifang?timeout=1s"}
	_, err := openStoreWith(t.Context(), cfg, log, w)
	if err == nil {
		t.Fatal("openStore succeeded with no server")
	}
	// 1+2+4+8 s, then the 15 s left of the budget: a last try at 30 s.
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second}; !equalDurations(*slept, want) {
		t.Errorf("waited %v, want %v", *slept, want)
	}
	if want := "mysql did not answer after 6 attempts in 30s (HUIFANG_STARTUP_WAIT=30s)"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	if strings.Contains(err.Error()+logs.String(), "s3cret-pw") {
		t.Errorf("the password leaked:\n%v\n%s", err, logs.String())
	}
}

// TestRun_StartupWaitZero: with HUIFANG_STARTUP_WAIT=0 the first failure
// ends start-up, with the same clear message.
func TestRun_StartupWaitZero(t *testing.T) {
	late := newLateServer(t, "")
	var out bytes.Buffer
	err := run(t.Context(), []string{"migrate"}, env(map[string]string{
		"MYSQL_DSN": "huifang:s3cret-pw@tcp(" + late.addr + ")/huifang", "HUIFANG_STARTUP_WAIT": "0",
	}), strings.NewReader(""), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "mysql did not answer after 1 attempts in 0s (HUIFANG_STARTUP_WAIT=0s)") {
		t.Errorf("run migrate = %v", err)
	}
	if strings.Contains(out.String()+err.Error(), "s3cret-pw") {
		t.Errorf("the password leaked:\n%s", out.String())
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// onLine is a log writer that calls fn once, at the first write holding
// want.
type onLine struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	fn   func()
}

func (w *onLine) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fn != nil && strings.Contains(string(p), w.want) {
		w.fn()
		w.fn = nil
	}
	return w.buf.Write(p)
}

// TestRun_MigrateWaitsForMySQL is start-up as docker-compose sees it: MySQL
// starts listening after the bot's first attempt failed (when the bot logs
// its first wait); `huifang migrate` waits and succeeds instead of exiting.
func TestRun_MigrateWaitsForMySQL(t *testing.T) {
	db := scratchMySQL(t)
	late := newLateServer(t, db.Addr)
	db.Addr = late.addr
	logs := &onLine{want: `msg="waiting for a service at start-up"`, fn: late.start}
	err := run(t.Context(), []string{"migrate"}, env(map[string]string{
		"MYSQL_DSN": db.FormatDSN(), "HUIFANG_STARTUP_WAIT": "1m",
	}), strings.NewReader(""), io.Discard, logs)
	if err != nil {
		t.Fatalf("run migrate: %v\n%s", err, logs.buf.String())
	}
	if !strings.Contains(logs.buf.String(), "service=mysql attempt=1 retry_in=1s") {
		t.Errorf("no wait logged:\n%s", logs.buf.String())
	}
}
