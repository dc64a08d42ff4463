package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
)

func TestRedact(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Raw", "Post \"https://api.telegram.org/bot" + testToken + "/getUpdates\": EOF", "Post \"https://api.telegram.org/bot<redacted>/getUpdates\": EOF"},
		{"PathEscaped", "bot" + url.PathEscape(testToken) + "/x", "bot<redacted>/x"},
		{"QueryEscaped", "t=" + url.QueryEscape(testToken), "t=<redacted>"},
		{"NoToken", "dial tcp: connection refused", "dial tcp: connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact(tt.in, testToken); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactError(t *testing.T) {
	orig := &url.Error{Op: "Post", URL: "https://h/bot" + testToken + "/getMe", Err: context.Canceled}
	err := redactError(orig, testToken)
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("redacted error still has the token: %v", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Error("redaction lost the error chain")
	}
	if redactError(nil, testToken) != nil {
		t.Error("redactError(nil) != nil")
	}
}

// failingTransport fails every request once armed, as a dead network does,
// with an error quoting the request URL as net/http's Client and some
// proxies' errors do.
type failingTransport struct {
	armed atomic.Bool
	next  http.RoundTripper
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.armed.Load() {
		return nil, fmt.Errorf("Post %q: connection reset by peer", r.URL)
	}
	return f.next.RoundTrip(r)
}

// TestTelegram_Run_LogsNoToken checks the log of a failing poll loop whose
// errors quote the request URL, which holds the token.
func TestTelegram_Run_LogsNoToken(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	ft := &failingTransport{next: srv.Client().Transport}
	tg, logs := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.Transport = ft })
	ft.armed.Store(true)
	mustRun(t, tg)
	waitFor(t, 3*time.Second, "a logged poll failure", func() bool {
		return strings.Contains(logs.String(), "get updates failed")
	})
	l := logs.String()
	if strings.Contains(l, testToken) || !strings.Contains(l, "bot<redacted>/getUpdates") {
		t.Errorf("log does not redact the token:\n%s", l)
	}
}
