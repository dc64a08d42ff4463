package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers/remind"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// testClock is the scheduler's clock in end-to-end tests; it counts how
// often it is read, which tells that the loop has ticked.
type testClock struct {
	mu    sync.Mutex
	now   time.Time
	reads int
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads++
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// ticks waits until the clock has been read n more times.
func (c *testClock) ticks(tb testing.TB, n int) {
	tb.Helper()
	c.mu.Lock()
	target := c.reads + n
	c.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		done := c.reads >= target
		c.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the scheduler loop did not tick %d times within 10s", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitChat waits until the bot sent at least n messages to chatID and
// returns them.
func waitChat(tb testing.TB, srv *telegramtest.Server, chatID int64, n int) []telegramtest.Sent {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []telegramtest.Sent
		for _, s := range srv.Sent() {
			if s.ChatID == chatID {
				got = append(got, s)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%d messages to chat %d within 10s, want %d", len(got), chatID, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestE2E_ReminderAtNine runs serve's scheduler loop with an injected
// clock against MariaDB, Redis and the fake Bot API: nothing at 08:59 in
// Asia/Shanghai, one reminder at 09:00 to the demo inspector and no
// second one, and the reminder's first button opens the visit flow.
func TestE2E_ReminderAtNine(t *testing.T) {
	e := startE2E(t)
	cfg := mustConfig(t, "-admins=777")
	nine := workdayAt9(t, e.store, cfg.Timezone)
	clock := &testClock{now: nine.Add(-time.Minute)}
	// A second transport on the same fake API sends, as tg.Send does in serve.
	tg, err := bot.New(t.Context(), bot.Config{Token: e2eToken, Endpoint: e.srv.Endpoint(), ChatRate: 1e6, GlobalRate: 1e6,
		Logger: modelstest.Logger()}, e.app)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	log := modelstest.Logger()
	wait, err := startSchedulerWith(t.Context(), cfg, log, e.store, e.state, e.app, tg.Send,
		schedOptions{now: clock.Now, tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer wait()

	clock.ticks(t, 5)
	if sent := e.srv.Sent(); len(sent) != 0 {
		t.Fatalf("sent before 09:00: %+v", sent)
	}
	clock.set(nine)
	reminder := waitChat(t, e.srv, demoInspectorID, 1)[0]
	clock.ticks(t, 10)
	// Another process's pass at 09:01 records and sends nothing either.
	other := newScheduler(cfg, log, e.store, e.state, notifier{render: e.app.RenderDelivery, send: tg.Send},
		schedOptions{now: func() time.Time { return nine.Add(time.Minute) }})
	if n, err := other.Plan(t.Context(), nine.Add(time.Minute)); err != nil || n != 0 {
		t.Errorf("second pass recorded %d, %v", n, err)
	}
	if n, err := other.Send(t.Context(), nine.Add(time.Minute)); err != nil || n != 0 {
		t.Errorf("second pass sent %d, %v", n, err)
	}
	if got := waitChat(t, e.srv, demoInspectorID, 1); len(got) != 1 {
		t.Fatalf("the demo inspector got %d messages, want 1", len(got))
	}
	if !reminder.Protect || len(reminder.Buttons) == 0 || len(reminder.Buttons[0]) == 0 {
		t.Fatalf("reminder without protection or buttons: %+v", reminder)
	}
	pressFirstButton(t, e, reminder)
}

// pressFirstButton presses the reminder's first button as the inspector
// and expects the visit flow for the member the button names.
func pressFirstButton(t *testing.T, e *e2e, reminder telegramtest.Sent) {
	t.Helper()
	data := reminder.Buttons[0][0].Data
	cb, err := remind.ParseReminderCallback(data)
	if err != nil {
		t.Fatalf("first button %q is not a reminder callback: %v", data, err)
	}
	m, _, _, err := e.store.MemberSanctions(context.Background(), models.Viewer{TelegramID: 1, Role: models.RoleAdmin}, cb.Member)
	if err != nil {
		t.Fatalf("member %d of the button: %v", cb.Member, err)
	}
	u := e.user(demoInspectorID)
	u.seen = len(e.srv.Sent())
	u.pressData(reminder.MessageID, data)
	if answers := e.srv.CallbackAnswers(); len(answers) > 0 && answers[len(answers)-1] == "此按钮已失效" {
		t.Fatalf("the reminder button %q was answered as expired: are the r1: buttons routed (handlers/remind Feature.Prefix)?", data)
	}
	u.expect("开始为 <b>"+m.Name+"</b>", "回访日期")
}
