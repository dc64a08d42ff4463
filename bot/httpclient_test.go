package bot

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/bot/telegramtest"
)

// answerTransport answers sendMessage itself with answer (counting the
// calls) and passes every other request on.
type answerTransport struct {
	next   http.RoundTripper
	calls  atomic.Int32
	answer func(*http.Request) *http.Response
}

func (a *answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(r.URL.Path, "/sendMessage") {
		return a.next.RoundTrip(r)
	}
	a.calls.Add(1)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return a.answer(r), nil
}

// stalledBody is an answer whose headers came and whose body never does:
// a read waits until the request is given up.
type stalledBody struct{ ctx context.Context }

func (b stalledBody) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}
func (stalledBody) Close() error { return nil }

// TestCall_TimeoutCoversAnswer: the send timeout bounds reading the answer,
// not only its headers, so a connection that stalls mid-answer fails the
// attempt (to be retried) instead of holding the reply forever.
func TestCall_TimeoutCoversAnswer(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	at := &answerTransport{next: srv.Client().Transport, answer: func(r *http.Request) *http.Response {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: stalledBody{r.Context()}, Request: r}
	}}
	tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) {
		c.Transport, c.SendTimeout = at, 50*time.Millisecond
	})
	done := make(chan error, 1)
	go func() {
		_, err := tg.call(context.Background(), "sendMessage", tgbotapi.Params{"chat_id": "5", "text": "x"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("call with a stalled answer = %v, want a deadline error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("call with a stalled answer did not end at the send timeout")
	}
}

// TestCall_NoRedirect: the Bot API never redirects, so a 3xx (a captive
// portal, a misconfigured proxy) is a failed attempt, not a second POST
// of the message somewhere else.
func TestCall_NoRedirect(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	at := &answerTransport{next: srv.Client().Transport, answer: func(r *http.Request) *http.Response {
		h := http.Header{"Location": {srv.Endpoint()[:strings.Index(srv.Endpoint(), "/bot")] + "/elsewhere"}}
		return &http.Response{StatusCode: http.StatusTemporaryRedirect, Header: h, Body: io.NopCloser(strings.NewReader("<html>moved</html>")), Request: r}
	}}
	tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.Transport = at })
	_, err := tg.call(context.Background(), "sendMessage", tgbotapi.Params{"chat_id": "5", "text": "x"})
	if err == nil || !strings.Contains(err.Error(), "HTTP 307") {
		t.Errorf("call answered with a redirect = %v, want a decode error naming HTTP 307", err)
	}
	if n := at.calls.Load(); n != 1 {
		t.Errorf("sendMessage requests = %d, want 1 (the redirect not followed)", n)
	}
}
