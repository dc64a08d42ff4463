package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

const testToken = "123456:SECRET-token_ABCdef"

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakeClock is a clock whose Sleep returns at once, having moved the time
// on and recorded the wait, so tests assert exact waits without sleeping.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	onSleep func(d time.Duration) // runs on every Sleep, e.g. to cancel a context
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	f := c.onSleep
	c.mu.Unlock()
	if f != nil {
		f(d)
	}
	return ctx.Err() == nil
}

// Sleeps returns the waits so far, in order.
func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Advance moves the time on without a Sleep.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// exactJitter waits the whole backoff, so tests know it.
func exactJitter(d time.Duration) time.Duration { return d }

// withClock makes a Telegram time its waits with c and no jitter.
func withClock(c *fakeClock) func(*Config) {
	return func(cfg *Config) { cfg.clock, cfg.jitter = c, exactJitter }
}

// mustTelegram connects a Telegram to srv with fast test settings; its log
// is checked for the token when the test ends.
func mustTelegram(tb testing.TB, srv *telegramtest.Server, h handlers.Handler, opts ...func(*Config)) (*Telegram, *syncBuffer) {
	tb.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		Token:        testToken,
		Endpoint:     srv.Endpoint(),
		Transport:    srv.Client().Transport,
		GlobalRate:   10000,
		ChatRate:     10000,
		DrainTimeout: 200 * time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tg, err := New(ctx, cfg, h)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tg.send.retryBase = 5 * time.Millisecond
	tb.Cleanup(func() {
		if strings.Contains(logs.String(), testToken) {
			tb.Errorf("log contains the token:\n%s", logs.String())
		}
	})
	return tg, logs
}

// mustRun runs tg until the returned stop is called (or the test ends) and
// checks that Run ended promptly and without error.
func mustRun(tb testing.TB, tg *Telegram) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tg.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					tb.Errorf("Run: %v", err)
				}
			case <-time.After(5 * time.Second):
				tb.Errorf("Run did not return after cancel")
			}
		})
	}
	tb.Cleanup(stop)
	return stop
}

// recorder is a handler that records its inputs and answers each text with
// one message "re: <text>" (a callback with "cb: <data>").
type recorder struct {
	mu     sync.Mutex
	inputs []handlers.Input
	before func(in handlers.Input) // runs first, may block or panic
}

func (r *recorder) Handle(_ context.Context, in handlers.Input) handlers.Response {
	if r.before != nil {
		r.before(in)
	}
	r.mu.Lock()
	r.inputs = append(r.inputs, in)
	r.mu.Unlock()
	if in.Callback != "" {
		return handlers.Response{CallbackText: "cb: " + in.Callback, Messages: []handlers.Message{{Text: "cb: " + in.Callback}}}
	}
	return handlers.Response{Messages: []handlers.Message{{Text: "re: " + in.Text}}}
}

func (r *recorder) Inputs() []handlers.Input {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]handlers.Input(nil), r.inputs...)
}

var _ handlers.Handler = (*recorder)(nil)

// texts returns the texts of sent messages to chatID.
func texts(sent []telegramtest.Sent, chatID int64) []string {
	var out []string
	for _, s := range sent {
		if s.ChatID == chatID {
			out = append(out, s.Text)
		}
	}
	return out
}

// waitFor polls cond until it holds or fails the test after timeout.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
