package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

// undeliveredRecorder is a recorder that also implements
// UndeliveredHandler.
type undeliveredRecorder struct {
	recorder
	mu     sync.Mutex
	failed []handlers.Input
}

func (r *undeliveredRecorder) Undelivered(_ context.Context, in handlers.Input) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, in)
}

func (r *undeliveredRecorder) Failed() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []int
	for _, in := range r.failed {
		ids = append(ids, in.UpdateID)
	}
	return ids
}

var _ UndeliveredHandler = (*undeliveredRecorder)(nil)

// TestTelegram_Reply_ServerErrorsRetried: a reply survives more than three
// 5xx answers; it is retried with backoff.
func TestTelegram_Reply_ServerErrorsRetried(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
	for range 6 {
		srv.FailNext("sendMessage", 502, 0)
	}
	srv.SendText(5, 5, "hi")
	mustRun(t, tg)
	sent := srv.WaitSent(t, 1, 5*time.Second)
	if diff := cmp.Diff([]string{"re: hi"}, texts(sent, 5)); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	var want []time.Duration
	for n := 1; n <= 6; n++ {
		want = append(want, backoff(n, tg.send.retryBase, retryCap, exactJitter))
	}
	if diff := cmp.Diff(want, clk.Sleeps()); diff != "" {
		t.Errorf("backoff (-want +got):\n%s", diff)
	}
}

// TestTelegram_Reply_GivesUpAfterAMinute: a reply whose sends keep
// failing is retried for a minute, then logged by ids and reported to
// the handler, which may send the step again on the chat's next update.
func TestTelegram_Reply_GivesUpAfterAMinute(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	rec := &undeliveredRecorder{}
	tg, logs := mustTelegram(t, srv, rec, withClock(clk))
	for range 100 {
		srv.FailNext("sendMessage", 500, 0)
	}
	id := srv.SendText(5, 5, "secret answer")
	mustRun(t, tg)
	waitFor(t, 5*time.Second, "the undelivered reply reported", func() bool { return len(rec.Failed()) == 1 })
	if diff := cmp.Diff([]int{id}, rec.Failed()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	var total time.Duration
	for _, d := range clk.Sleeps() {
		total += d
	}
	next := backoff(len(clk.Sleeps())+1, tg.send.retryBase, retryCap, exactJitter)
	if total > replyRetryFor || total+next <= replyRetryFor {
		t.Errorf("retried for %s (next wait %s), want up to %s", total, next, replyRetryFor)
	}
	l := logs.String()
	if !strings.Contains(l, "reply not delivered") || !strings.Contains(l, fmt.Sprintf("update_id=%d", id)) || strings.Contains(l, "secret answer") {
		t.Errorf("want the failure logged with ids only:\n%s", l)
	}
}

// TestTelegram_Reply_LongRetryAfter: a 429 with retry_after 120 s holds
// that chat's replies, in order, until it passes; other chats go on.
func TestTelegram_Reply_LongRetryAfter(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	clk.onSleep = func(d time.Duration) {
		if d == 120*time.Second {
			once.Do(func() { close(entered) })
			<-release
		}
	}
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
	srv.FailNext("sendMessage", 429, 120)
	srv.SendText(5, 5, "a")
	mustRun(t, tg)
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatalf("the reply did not wait out retry_after; sent %+v", srv.Sent())
	}
	srv.SendText(6, 6, "b") // another chat, while chat 5 waits
	sent := srv.WaitSent(t, 1, 5*time.Second)
	if diff := cmp.Diff([]string{"re: b"}, texts(sent, 6)); diff != "" {
		t.Errorf("chat 6 (-want +got):\n%s", diff)
	}
	srv.SendText(5, 5, "c")
	srv.SendText(6, 6, "d")
	srv.WaitSent(t, 2, 5*time.Second)
	if got := texts(srv.Sent(), 5); len(got) != 0 {
		t.Errorf("chat 5 got %q before its retry_after passed", got)
	}
	close(release)
	sent = srv.WaitSent(t, 4, 5*time.Second)
	if diff := cmp.Diff([]string{"re: a", "re: c"}, texts(sent, 5)); diff != "" {
		t.Errorf("chat 5 (-want +got):\n%s", diff)
	}
}

// TestTelegram_Reply_RetryAfterBeyondMax: a wait longer than
// MaxRetryAfter is not waited out: the reply is reported undelivered.
func TestTelegram_Reply_RetryAfterBeyondMax(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	rec := &undeliveredRecorder{}
	tg, _ := mustTelegram(t, srv, rec, withClock(clk))
	srv.FailNext("sendMessage", 429, 3600)
	id := srv.SendText(5, 5, "a")
	mustRun(t, tg)
	waitFor(t, 5*time.Second, "the undelivered reply reported", func() bool { return len(rec.Failed()) == 1 })
	if diff := cmp.Diff([]int{id}, rec.Failed()); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	clk.Advance(time.Hour)
	srv.SendText(5, 5, "b")
	sent := srv.WaitSent(t, 1, 5*time.Second)
	if diff := cmp.Diff([]string{"re: b"}, texts(sent, 5)); diff != "" {
		t.Errorf("chat 5 after the hour (-want +got):\n%s", diff)
	}
}

// TestTelegram_Reply_NotPaced: replies to a user's own actions are not
// held back by the proactive limits, however low.
func TestTelegram_Reply_NotPaced(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk), func(c *Config) { c.GlobalRate, c.ChatRate, c.GroupRate = 1, 1, 1 })
	mustRun(t, tg)
	srv.SendText(5, 5, "menu")
	msg := srv.WaitSent(t, 1, 5*time.Second)[0].MessageID
	for i := range 6 {
		srv.SendText(5, 5, fmt.Sprint(i))
		srv.WaitSent(t, 2+2*i, 5*time.Second)
		srv.Press(5, 5, msg, fmt.Sprint("p", i))
		srv.WaitSent(t, 3+2*i, 5*time.Second)
	}
	srv.SendGroupText(-100, 5, "group")
	srv.WaitSent(t, 14, 5*time.Second)
	if got := clk.Sleeps(); len(got) != 0 {
		t.Errorf("replies waited %v", got)
	}
}

// editRecorder answers a press by editing the pressed message.
func editRecorder(_ context.Context, in handlers.Input) handlers.Response {
	if in.Callback == "" {
		return handlers.Response{Messages: []handlers.Message{{Text: "pick", Buttons: testButtons}}}
	}
	return handlers.Response{CallbackText: "ok", Messages: []handlers.Message{{Text: "picked " + in.Callback, EditID: in.MessageID, Buttons: testButtons}}}
}

// TestTelegram_Callback_AnsweredBeforeEdit: the spinner stops first.
func TestTelegram_Callback_AnsweredBeforeEdit(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, handlers.HandlerFunc(editRecorder))
	mustRun(t, tg)
	srv.SendText(5, 5, "menu")
	msg := srv.WaitSent(t, 1, 5*time.Second)[0].MessageID
	for i := range 3 {
		srv.Press(5, 5, msg, fmt.Sprint(i))
		srv.WaitSent(t, 2+i, 5*time.Second)
	}
	var got []string
	for _, c := range srv.Calls() {
		if c.Method == "answerCallbackQuery" || c.Method == "editMessageText" {
			got = append(got, c.Method)
		}
	}
	want := []string{"answerCallbackQuery", "editMessageText", "answerCallbackQuery", "editMessageText", "answerCallbackQuery", "editMessageText"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// notifyFlow answers its user and notifies chat 6 five times.
func notifyFlow(_ context.Context, in handlers.Input) handlers.Response {
	resp := handlers.Response{Messages: []handlers.Message{{Text: "re: " + in.Text}}}
	for i := range 5 {
		resp.Notify = append(resp.Notify, handlers.Outgoing{ChatID: 6, Message: handlers.Message{Text: fmt.Sprint("note ", i)}})
	}
	return resp
}

// TestTelegram_Notify_Paced: notifications to other chats are bulk: paced
// per chat, 1/s after a burst of 3 (TestSender_GroupLimit has groups).
func TestTelegram_Notify_Paced(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, handlers.HandlerFunc(notifyFlow), withClock(clk),
		func(c *Config) { c.GlobalRate, c.ChatRate, c.GroupRate = 1000, 1, 20 })
	mustRun(t, tg)
	srv.SendText(5, 5, "hi")
	sent := srv.WaitSent(t, 6, 5*time.Second)
	if diff := cmp.Diff([]string{"re: hi"}, texts(sent, 5)); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if n := len(texts(sent, 6)); n != 5 {
		t.Errorf("%d notes to chat 6, want 5", n)
	}
	want := []time.Duration{time.Second, time.Second}
	if diff := cmp.Diff(want, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

// TestTelegram_Send_BulkPacedGlobally: the scheduler's sends share the
// global limit.
func TestTelegram_Send_BulkPacedGlobally(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk), func(c *Config) { c.GlobalRate = 2 })
	for id := range int64(4) {
		if err := tg.Send(t.Context(), 10+id, handlers.Message{Text: "reminder"}); err != nil {
			t.Fatal(err)
		}
	}
	// A burst of 2, then one every 500 ms.
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

// blockingTransport holds sendMessage requests to one chat until release
// is closed, and notes the order in which requests reach the server.
type blockingTransport struct {
	next    http.RoundTripper
	chat    string
	held    chan struct{} // gets a value when a request is held
	release chan struct{}
}

func (b *blockingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/sendMessage") {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, _ := url.ParseQuery(string(body)); form.Get("chat_id") == b.chat {
			b.held <- struct{}{}
			<-b.release
		}
	}
	return b.next.RoundTrip(r)
}

// TestTelegram_Bulk_YieldsToReplies: a bulk message does not go out while
// a reply is on its way.
func TestTelegram_Bulk_YieldsToReplies(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	bt := &blockingTransport{next: srv.Client().Transport, chat: "5", held: make(chan struct{}, 1), release: make(chan struct{})}
	tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.Transport = bt })
	mustRun(t, tg)
	srv.SendText(5, 5, "hi")
	<-bt.held // the reply is in flight
	bulk := make(chan error, 1)
	go func() { bulk <- tg.Send(context.Background(), 7, handlers.Message{Text: "reminder"}) }()
	select {
	case err := <-bulk:
		t.Fatalf("bulk send finished (%v) while a reply was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(bt.release)
	if err := <-bulk; err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, s := range srv.Sent() {
		got = append(got, s.ChatID)
	}
	if diff := cmp.Diff([]int64{5, 7}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
