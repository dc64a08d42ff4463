package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

const (
	testHookURL    = "https://bot.example.org/tg"
	testHookSecret = "s3cret-Hook_token"
)

// webhookRun is a RunWebhook in progress on a local port.
type webhookRun struct {
	url  string // http://127.0.0.1:port/tg
	stop func() error
	done chan error
}

// startWebhook runs tg.RunWebhook on a free local port and waits until
// the fake API has the webhook registered.
func startWebhook(tb testing.TB, srv *telegramtest.Server, tg *Telegram, cfg WebhookConfig) *webhookRun {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	if cfg.URL == "" {
		cfg.URL = testHookURL
	}
	if cfg.Secret == "" {
		cfg.Secret = testHookSecret
	}
	cfg.listener = ln
	ctx, cancel := context.WithCancel(context.Background())
	run := &webhookRun{url: "http://" + ln.Addr().String() + "/tg", done: make(chan error, 1)}
	go func() { run.done <- tg.RunWebhook(ctx, cfg) }()
	var once sync.Once
	var result error
	run.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-run.done:
			case <-time.After(5 * time.Second):
				tb.Errorf("RunWebhook did not return after cancel")
			}
		})
		return result
	}
	tb.Cleanup(func() {
		if err := run.stop(); err != nil {
			tb.Errorf("RunWebhook: %v", err)
		}
	})
	waitFor(tb, 5*time.Second, "setWebhook", func() bool { _, ok := srv.Webhook(); return ok })
	return run
}

// post sends Telegram's POST of update id (taken from the fake's queue).
func post(tb testing.TB, srv *telegramtest.Server, url, secret string, id int) (*http.Response, error) {
	tb.Helper()
	u, ok := srv.Take(id)
	if !ok {
		tb.Fatalf("update %d not queued", id)
	}
	body, err := json.Marshal(u)
	if err != nil {
		tb.Fatalf("encode update: %v", err)
	}
	return postBody(url, secret, body)
}

func postBody(url, secret string, body []byte) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(WebhookSecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

// asyncPost posts update id in the background; the status arrives on the
// channel (0 on a transport error).
func asyncPost(tb testing.TB, srv *telegramtest.Server, url string, id int) <-chan int {
	tb.Helper()
	u, ok := srv.Take(id)
	if !ok {
		tb.Fatalf("update %d not queued", id)
	}
	body, _ := json.Marshal(u)
	out := make(chan int, 1)
	go func() {
		resp, err := postBody(url, testHookSecret, body)
		if err != nil {
			out <- 0
			return
		}
		out <- resp.StatusCode
	}()
	return out
}

func wantStatus(tb testing.TB, ch <-chan int, want int) {
	tb.Helper()
	select {
	case got := <-ch:
		if got != want {
			tb.Errorf("status %d, want %d", got, want)
		}
	case <-time.After(5 * time.Second):
		tb.Fatalf("no answer, want %d", want)
	}
}

func notYet(tb testing.TB, ch <-chan int, what string) {
	tb.Helper()
	select {
	case got := <-ch:
		tb.Fatalf("%s answered %d before handling finished", what, got)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestRunWebhook_Registers(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, logs := mustTelegram(t, srv, &recorder{})
	run := startWebhook(t, srv, tg, WebhookConfig{MaxConns: 7})
	got, _ := srv.Webhook()
	want := telegramtest.Webhook{
		URL: testHookURL, SecretToken: testHookSecret, MaxConnections: "7",
		AllowedUpdates: []string{"message", "callback_query"}, DropPendingUpdates: "false",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("setWebhook (-want +got):\n%s", diff)
	}
	if err := run.stop(); err != nil {
		t.Fatalf("RunWebhook: %v", err)
	}
	if _, ok := srv.Webhook(); !ok || len(srv.WebhookDeletes()) != 0 {
		t.Errorf("webhook deleted on shutdown; another replica may serve it")
	}
	if strings.Contains(logs.String(), testHookSecret) {
		t.Errorf("log contains the webhook secret:\n%s", logs.String())
	}
}

func TestRunWebhook_DefaultMaxConns(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	startWebhook(t, srv, tg, WebhookConfig{})
	if got, _ := srv.Webhook(); got.MaxConnections != "40" {
		t.Errorf("max_connections = %q, want 40", got.MaxConnections)
	}
}

func TestRunWebhook_InvalidConfig(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	for name, cfg := range map[string]WebhookConfig{
		// Telegram's rules for the URL and the secret are config's
		// (config_test.go); RunWebhook refuses what would be unsafe or
		// unusable whatever the caller.
		"NoSecret":       {URL: testHookURL, Listen: "127.0.0.1:0"},
		"NoListen":       {URL: testHookURL, Secret: "x"},
		"NoURL":          {Secret: "x", Listen: "127.0.0.1:0"},
		"MaxConnsHigh":   {URL: testHookURL, Secret: "x", Listen: "127.0.0.1:0", MaxConns: 101},
		"MaxConnsNeg":    {URL: testHookURL, Secret: "x", Listen: "127.0.0.1:0", MaxConns: -1},
		"PathNoSlash":    {URL: testHookURL, Secret: "x", Listen: "127.0.0.1:0", Path: "tg"},
		"PathWithBraces": {URL: testHookURL, Secret: "x", Listen: "127.0.0.1:0", Path: "/{x}"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tg.RunWebhook(context.Background(), cfg)
			if err == nil {
				t.Fatal("RunWebhook succeeded, want an error")
			}
			if cfg.Secret != "" && len(cfg.Secret) > 1 && strings.Contains(err.Error(), cfg.Secret) {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
	if len(srv.SetWebhooks()) != 0 {
		t.Errorf("setWebhook called with an invalid config")
	}
}

func TestRunWebhook_SetWebhookRefused(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, logs := mustTelegram(t, srv, &recorder{})
	srv.FailNext("setWebhook", http.StatusBadRequest, 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = tg.RunWebhook(context.Background(), WebhookConfig{URL: testHookURL, Secret: testHookSecret, listener: ln})
	if err == nil || !strings.Contains(err.Error(), "setWebhook") {
		t.Fatalf("RunWebhook = %v, want the setWebhook error", err)
	}
	if strings.Contains(err.Error()+logs.String(), testToken) {
		t.Errorf("token leaked: %v", err)
	}
}

func TestWebhook_Secret(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{}
	tg, logs := mustTelegram(t, srv, rec)
	run := startWebhook(t, srv, tg, WebhookConfig{})
	for name, secret := range map[string]string{"Wrong": "s3cret-Hook_tokeN", "Missing": "", "Prefix": "s3cret"} {
		t.Run(name, func(t *testing.T) {
			resp, err := post(t, srv, run.url, secret, srv.SendText(5, 5, "hi"))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", resp.StatusCode)
			}
		})
	}
	if n := len(rec.Inputs()); n != 0 {
		t.Errorf("handler called %d times without the secret", n)
	}
	if !strings.Contains(logs.String(), "wrong or missing secret") {
		t.Errorf("refusal not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("log quotes a secret:\n%s", logs.String())
	}
}

func TestWebhook_MethodSizeAndPath(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{}
	tg, _ := mustTelegram(t, srv, rec)
	run := startWebhook(t, srv, tg, WebhookConfig{})

	req, _ := http.NewRequest(http.MethodGet, run.url, nil)
	req.Header.Set(WebhookSecretHeader, testHookSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET: status %d Allow %q, want 405 POST", resp.StatusCode, resp.Header.Get("Allow"))
	}

	big := []byte(`{"update_id":1,"message":{"text":"` + strings.Repeat("x", maxWebhookBody) + `"}}`)
	if resp, err := postBody(run.url, testHookSecret, big); err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %v %v, want 413", resp, err)
	}
	if resp, err := postBody(run.url, testHookSecret, []byte("{not json")); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad JSON: %v %v, want 400", resp, err)
	}
	if resp, err := postBody(strings.TrimSuffix(run.url, "/tg")+"/other", testHookSecret, []byte("{}")); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %v %v, want 404", resp, err)
	}
	if n := len(rec.Inputs()); n != 0 {
		t.Errorf("handler called %d times", n)
	}
}

func TestWebhook_HandledBeforeAnswer(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	rec := &recorder{before: func(handlers.Input) {
		entered <- struct{}{}
		<-release
	}}
	tg, _ := mustTelegram(t, srv, rec)
	run := startWebhook(t, srv, tg, WebhookConfig{})

	status := asyncPost(t, srv, run.url, srv.SendText(5, 5, "hello"))
	<-entered
	notYet(t, status, "message")
	release <- struct{}{}
	wantStatus(t, status, http.StatusOK)
	if got := texts(srv.Sent(), 5); !cmp.Equal(got, []string{"re: hello"}) {
		t.Errorf("replies %q, want [re: hello]", got)
	}

	status = asyncPost(t, srv, run.url, srv.Press(5, 5, 1, "ok"))
	<-entered
	notYet(t, status, "callback")
	release <- struct{}{}
	wantStatus(t, status, http.StatusOK)
	if got := srv.CallbackAnswers(); !cmp.Equal(got, []string{"cb: ok"}) {
		t.Errorf("callback answers %q, want [cb: ok]", got)
	}
	if got := texts(srv.Sent(), 5); len(got) != 2 || got[1] != "cb: ok" {
		t.Errorf("replies %q, want the callback's reply last", got)
	}
	in := rec.Inputs()
	if len(in) != 2 || in[0].Text != "hello" || in[0].ChatID != 5 || in[1].Callback != "ok" || in[1].CallbackID == "" {
		t.Errorf("inputs %+v", in)
	}
}

func TestWebhook_InlineCallbackAnswered(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{}
	tg, _ := mustTelegram(t, srv, rec)
	run := startWebhook(t, srv, tg, WebhookConfig{})
	resp, err := post(t, srv, run.url, testHookSecret, srv.PressInline(5, "x"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("inline callback: %v %v, want 200", resp, err)
	}
	if len(srv.CallbackAnswers()) != 1 || len(rec.Inputs()) != 0 {
		t.Errorf("answers %q, inputs %d: want one answer, no handler call", srv.CallbackAnswers(), len(rec.Inputs()))
	}
}

func TestWebhook_OneChatSerialised(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	var inside atomic.Int32
	entered, release := make(chan string, 4), make(chan struct{})
	rec := &recorder{before: func(in handlers.Input) {
		if inside.Add(1) > 1 {
			t.Errorf("two updates of chat %d handled at once", in.ChatID)
		}
		defer inside.Add(-1)
		entered <- in.Text + in.Callback
		<-release
	}}
	tg, _ := mustTelegram(t, srv, rec)
	run := startWebhook(t, srv, tg, WebhookConfig{})

	first := asyncPost(t, srv, run.url, srv.SendText(5, 5, "text"))
	if got := <-entered; got != "text" {
		t.Fatalf("first handled %q", got)
	}
	second := asyncPost(t, srv, run.url, srv.Press(5, 5, 1, "button"))
	select {
	case got := <-entered:
		t.Fatalf("%q handled while the chat's previous update was in hand", got)
	case <-time.After(150 * time.Millisecond):
	}
	notYet(t, second, "second")
	close(release)
	wantStatus(t, first, http.StatusOK)
	wantStatus(t, second, http.StatusOK)
	if got := <-entered; got != "button" {
		t.Errorf("second handled %q", got)
	}
	if got := texts(srv.Sent(), 5); !cmp.Equal(got, []string{"re: text", "cb: button"}) {
		t.Errorf("replies %q, want text's then button's", got)
	}
}

func TestWebhook_ChatsInParallel(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	secondDone := make(chan struct{})
	h := handlers.HandlerFunc(func(_ context.Context, in handlers.Input) handlers.Response {
		if in.ChatID == 1 {
			// Chat 1 waits for chat 2: serial handling would time out here.
			select {
			case <-secondDone:
			case <-time.After(3 * time.Second):
				t.Errorf("chat 2 not handled while chat 1 was in hand")
			}
		} else {
			close(secondDone)
		}
		return handlers.Response{Messages: []handlers.Message{{Text: "re: " + in.Text}}}
	})
	tg, _ := mustTelegram(t, srv, h)
	run := startWebhook(t, srv, tg, WebhookConfig{})
	a := asyncPost(t, srv, run.url, srv.SendText(1, 1, "one"))
	time.Sleep(20 * time.Millisecond)
	b := asyncPost(t, srv, run.url, srv.SendText(2, 2, "two"))
	wantStatus(t, b, http.StatusOK)
	wantStatus(t, a, http.StatusOK)
}

func TestWebhook_PanicApologyThen200(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	h := handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { panic("user text 秘密") })
	tg, logs := mustTelegram(t, srv, h, func(c *Config) {
		c.Apology = func(in handlers.Input) handlers.Response {
			return handlers.Response{Messages: []handlers.Message{{Text: "sorry"}}}
		}
	})
	run := startWebhook(t, srv, tg, WebhookConfig{})
	resp, err := post(t, srv, run.url, testHookSecret, srv.SendText(5, 5, "boom"))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("panicking update: %v %v, want 200", resp, err)
	}
	if got := texts(srv.Sent(), 5); !cmp.Equal(got, []string{"sorry"}) {
		t.Errorf("replies %q, want the apology", got)
	}
	if strings.Contains(logs.String(), "秘密") {
		t.Errorf("panic value logged:\n%s", logs.String())
	}
}

func TestRunWebhook_ShutdownWaitsForInFlight(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	entered, release := make(chan struct{}), make(chan struct{})
	rec := &recorder{before: func(handlers.Input) {
		close(entered)
		<-release
	}}
	tg, _ := mustTelegram(t, srv, rec, func(c *Config) { c.DrainTimeout = 5 * time.Second })
	run := startWebhook(t, srv, tg, WebhookConfig{})
	status := asyncPost(t, srv, run.url, srv.SendText(5, 5, "slow"))
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- run.stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("RunWebhook returned (%v) with an update in hand", err)
	case <-time.After(100 * time.Millisecond):
	}
	// No new connections once shutting down.
	if _, err := postBody(run.url, testHookSecret, []byte("{}")); err == nil {
		t.Errorf("request accepted during shutdown")
	}
	close(release)
	wantStatus(t, status, http.StatusOK)
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("RunWebhook: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunWebhook did not return")
	}
	if got := texts(srv.Sent(), 5); !cmp.Equal(got, []string{"re: slow"}) {
		t.Errorf("replies %q, want the in-flight reply", got)
	}
}

func TestRunWebhook_DrainTimeout(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	entered := make(chan struct{})
	h := handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) handlers.Response {
		close(entered)
		<-ctx.Done() // stuck until cancelled
		return handlers.Response{Messages: []handlers.Message{{Text: "late"}}}
	})
	tg, _ := mustTelegram(t, srv, h) // DrainTimeout 200ms
	run := startWebhook(t, srv, tg, WebhookConfig{})
	status := asyncPost(t, srv, run.url, srv.SendText(5, 5, "stuck"))
	<-entered
	start := time.Now()
	if err := run.stop(); err != nil {
		t.Fatalf("RunWebhook: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	// Cut short: not acknowledged, so Telegram sends it again.
	select {
	case got := <-status:
		if got == http.StatusOK {
			t.Errorf("update cut short by shutdown answered 200")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
	}
}

func TestRunWebhook_AlreadyRunning(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	startWebhook(t, srv, tg, WebhookConfig{})
	if err := tg.Run(context.Background()); err == nil {
		t.Error("Run during RunWebhook succeeded")
	}
	if err := tg.RunWebhook(context.Background(), WebhookConfig{URL: testHookURL, Secret: "x"}); err == nil {
		t.Error("second RunWebhook succeeded")
	}
}

func TestDeleteWebhook_AndPollConflict(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	run := startWebhook(t, srv, tg, WebhookConfig{})
	if err := run.stop(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err := tg.poll(ctx)
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) || tgErr.Code != http.StatusConflict {
		t.Fatalf("poll = %v, want 409", err)
	}
	if msg := conflictMeaning(tgErr); !strings.Contains(msg, "deleteWebhook") {
		t.Errorf("conflictMeaning = %q, want the deleteWebhook hint", msg)
	}
	if msg := conflictMeaning(&tgbotapi.Error{Code: http.StatusConflict, Message: "Conflict: terminated by other getUpdates request"}); !strings.Contains(msg, "another process") {
		t.Errorf("a second poller explained as %q", msg)
	}
	if err := tg.DeleteWebhook(ctx); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if _, ok := srv.Webhook(); ok {
		t.Error("webhook still set")
	}
	if got := srv.WebhookDeletes(); !cmp.Equal(got, []string{"false"}) {
		t.Errorf("deleteWebhook drop_pending_updates %q, want [false]", got)
	}
	srv.SendText(5, 5, "back to polling") // so that getUpdates answers at once
	if got, err := tg.poll(ctx); err != nil || len(got.updates) != 1 {
		t.Errorf("getUpdates after deleteWebhook: %d updates, %v", len(got.updates), err)
	}
}
