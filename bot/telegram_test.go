package bot

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
)

// TestNew_APIUnreachable: start-up with the Bot API unreachable, failing
// or asking to wait retries getMe with backoff (as long as Telegram asks,
// on a 429) and says so clearly, instead of giving up.
func TestNew_APIUnreachable(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	var refused atomic.Int32
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/getMe") && refused.Add(1) <= 2 {
			return nil, errors.New("dial tcp: connect: connection refused")
		}
		return srv.Client().Transport.RoundTrip(r)
	})
	srv.FailNext("getMe", 502, 0)
	srv.FailNext("getMe", 429, 5)
	clk := newFakeClock()
	tg, logs := mustTelegram(t, srv, &recorder{}, withClock(clk), func(c *Config) { c.Transport = rt })
	if tg.Username() != telegramtest.Bot.UserName {
		t.Errorf("Username() = %q", tg.Username())
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second}
	if diff := cmp.Diff(want, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := strings.Count(logs.String(), "telegram Bot API unreachable at start-up, retrying"); n != 4 {
		t.Errorf("%d start-up retries logged, want 4:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "retry_in=5s") {
		t.Errorf("the wait is not logged:\n%s", logs.String())
	}
}
