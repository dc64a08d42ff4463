package bot

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

// events is an Observer that writes down what it hears.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	e.log = append(e.log, s)
	e.mu.Unlock()
}

func (e *events) BeginUpdate(ctx context.Context, kind string) (context.Context, func(bool)) {
	e.add("begin " + kind)
	return ctx, func(panicked bool) { e.add(map[bool]string{true: "panic", false: "end"}[panicked]) }
}
func (e *events) Call(method, outcome string) { e.add(method + " " + outcome) }
func (e *events) Retry(reason string)         { e.add("retry " + reason) }

func (e *events) got() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

// TestTelegram_Observer: every request's outcome and every retry are
// reported; a 429 is rate_limited, then retried.
func TestTelegram_Observer(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	obs := &events{}
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(newFakeClock()), func(c *Config) { c.Observer = obs })
	srv.FailNext("sendMessage", 429, 1)
	if err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	srv.Block(9)
	_ = tg.Send(t.Context(), 9, handlers.Message{Text: "hi"})
	want := []string{"sendMessage rate_limited", "retry rate_limited", "sendMessage ok", "sendMessage blocked"}
	if diff := cmp.Diff(want, obs.got()); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	if err := tg.Ping(t.Context()); err != nil {
		t.Errorf("Ping after a success: %v", err)
	}
}

// TestObserved: the middleware reports the kind and whether the handler
// panicked, and lets the panic go on.
func TestObserved(t *testing.T) {
	obs := &events{}
	ok := Observed(obs, handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { return handlers.Response{} }))
	bad := Observed(obs, handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { panic("boom") }))
	ok.Handle(t.Context(), handlers.Input{Text: "/status 张三"})
	ok.Handle(t.Context(), handlers.Input{Document: &handlers.Document{FileID: "f"}})
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed")
			}
		}()
		bad.Handle(t.Context(), handlers.Input{CallbackID: "q", Callback: "v1:1:x"})
	}()
	want := []string{"begin command", "end", "begin document", "end", "begin callback", "panic"}
	if diff := cmp.Diff(want, obs.got()); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
}
