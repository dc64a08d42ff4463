package bot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
)

// TestTelegram_Run_PollRetryAfter: a 429 to getUpdates is waited out for
// as long as Telegram asks, not retried after the backoff.
func TestTelegram_Run_PollRetryAfter(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
	srv.FailNext("getUpdates", 429, 7)
	srv.SendText(5, 5, "hi")
	mustRun(t, tg)
	srv.WaitSent(t, 1, 5*time.Second)
	if got := clk.Sleeps(); len(got) == 0 || got[0] != 7*time.Second {
		t.Errorf("waits %v, want first the 7 s retry_after", got)
	}
}

// TestTelegram_Run_EmptyPollsSpaced: a server that answers getUpdates with
// [] at once does not make the loop spin: polls that come back empty at
// once are a second apart.
func TestTelegram_Run_EmptyPollsSpaced(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.AnswerAtOnce()
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
	stop := mustRun(t, tg)
	srv.WaitCalls(t, "getUpdates", 5, 5*time.Second)
	stop()
	polls, sleeps := srv.CountCalls("getUpdates"), clk.Sleeps()
	if len(sleeps) < polls-1 {
		t.Fatalf("%d empty polls with %d pauses between them", polls, len(sleeps))
	}
	for _, d := range sleeps {
		if d != minPollGap {
			t.Errorf("pause %s between empty polls, want %s", d, minPollGap)
		}
	}
}

// TestTelegram_Run_Conflict409: a second poller's 409 is logged once with
// its meaning, not once per retry.
func TestTelegram_Run_Conflict409(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, logs := mustTelegram(t, srv, &recorder{}, withClock(clk))
	for range 3 {
		srv.FailNext("getUpdates", 409, 0)
	}
	srv.SendText(5, 5, "hi")
	mustRun(t, tg)
	srv.WaitSent(t, 1, 5*time.Second)
	n := strings.Count(logs.String(), "another process is polling with this bot token")
	if n != 1 {
		t.Errorf("409 meaning logged %d times, want once:\n%s", n, logs.String())
	}
	if slices.Contains(clk.Sleeps(), 0) {
		t.Errorf("retried a 409 without waiting: %v", clk.Sleeps())
	}
}
