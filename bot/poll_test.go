package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

func TestTelegram_Run_OrderPerChat(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{before: func(in handlers.Input) {
		// Jitter so that an unordered implementation would reorder.
		time.Sleep(time.Duration(in.UpdateID%3) * time.Millisecond)
	}}
	chats := []int64{11, 22, 33}
	want := map[int64][]string{}
	for i := range 5 {
		for _, c := range chats {
			text := fmt.Sprintf("m%d", i)
			srv.SendText(c, c, text)
			want[c] = append(want[c], "re: "+text)
		}
	}
	tg, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	sent := srv.WaitSent(t, 15, 5*time.Second)
	for _, c := range chats {
		if diff := cmp.Diff(want[c], texts(sent, c)); diff != "" {
			t.Errorf("chat %d replies (-want +got):\n%s", c, diff)
		}
	}
}

func TestTelegram_Run_ChatsInParallel(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	secondDone := make(chan struct{})
	rec := &recorder{before: func(in handlers.Input) {
		if in.ChatID == 1 {
			// Chat 1 waits for chat 2: a serial loop would deadlock here.
			select {
			case <-secondDone:
			case <-time.After(3 * time.Second):
			}
		}
	}}
	srv.SendText(1, 1, "first")
	srv.SendText(2, 2, "second")
	tg, _ := mustTelegram(t, srv, handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) handlers.Response {
		resp := rec.Handle(ctx, in)
		if in.ChatID == 2 {
			close(secondDone)
		}
		return resp
	}))
	start := time.Now()
	mustRun(t, tg)
	srv.WaitSent(t, 2, 5*time.Second)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("chats handled one after the other (took %s)", d)
	}
}

func TestTelegram_Run_ConfirmAfterHandling(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	rec := &recorder{before: func(handlers.Input) {
		once.Do(func() { close(entered); <-release })
	}}
	first := srv.SendText(7, 7, "one")
	tg, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	<-entered
	time.Sleep(50 * time.Millisecond) // a buggy loop would poll again meanwhile
	if got := srv.Confirmed(); got >= first {
		t.Fatalf("Confirmed() = %d while update %d is being handled", got, first)
	}
	close(release)
	srv.WaitSent(t, 1, 5*time.Second)
	waitFor(t, 2*time.Second, "confirmation once handled", func() bool { return srv.Confirmed() == first })
}

func TestTelegram_Run_RedeliverAfterRestart(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	entered, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	// Closed, not sent to: a send made before the test waits for it
	// was dropped, and the test then waited for ever (seen under -race).
	var once sync.Once
	stuck := &recorder{before: func(handlers.Input) {
		once.Do(func() { close(entered) })
		<-release
	}}
	id1 := srv.SendText(5, 5, "a")
	id2 := srv.SendText(5, 5, "b")
	tg1, _ := mustTelegram(t, srv, stuck, func(c *Config) { c.DrainTimeout = 50 * time.Millisecond })
	stop := mustRun(t, tg1)
	<-entered
	stop() // the crash: the batch is still in the handler
	if got := srv.Confirmed(); got >= id1 {
		t.Fatalf("Confirmed() = %d after an unfinished batch, want < %d", got, id1)
	}

	rec := &recorder{}
	tg2, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg2)
	srv.WaitSent(t, 2, 5*time.Second)
	var ids []int
	for _, in := range rec.Inputs() {
		ids = append(ids, in.UpdateID)
	}
	if diff := cmp.Diff([]int{id1, id2}, ids); diff != "" {
		t.Errorf("redelivered update ids (-want +got):\n%s", diff)
	}
}

func TestTelegram_Run_ConfirmOnShutdown(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	id := srv.SendText(5, 5, "a")
	tg, _ := mustTelegram(t, srv, &recorder{})
	stop := mustRun(t, tg)
	srv.WaitSent(t, 1, 5*time.Second)
	stop()
	if got := srv.Confirmed(); got != id {
		t.Errorf("Confirmed() = %d after a clean shutdown, want %d", got, id)
	}
}

func TestTelegram_Run_UpdateIDReset(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{}
	tg, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	srv.SendText(5, 5, "before")
	srv.WaitSent(t, 1, 5*time.Second)
	srv.ResetUpdateIDs(3) // far below the bot's offset
	low := srv.SendText(5, 5, "after")
	srv.WaitSent(t, 2, 5*time.Second)
	srv.SendText(5, 5, "later")
	sent := srv.WaitSent(t, 3, 5*time.Second)
	if diff := cmp.Diff([]string{"re: before", "re: after", "re: later"}, texts(sent, 5)); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	waitFor(t, 2*time.Second, "confirmation after the reset", func() bool { return srv.Confirmed() >= low })
}

func TestTelegram_Run_Input(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	srv.SetUser(9, "小明", "zh-hans")
	rec := &recorder{}
	tg, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	up1 := srv.SendText(9, 9, "/start@"+telegramtest.Bot.UserName+" x")
	up2 := srv.SendDocument(9, 9, "F1", "list.xlsx", make([]byte, 1234))
	up3 := srv.SendGroupText(-100, 9, "hi")
	srv.WaitSent(t, 3, 5*time.Second)
	want := []handlers.Input{
		{UpdateID: up1, ChatID: 9, ChatType: "private", UserID: 9, FirstName: "小明", LangCode: "zh-hans", Text: "/start x"},
		{UpdateID: up2, ChatID: 9, ChatType: "private", UserID: 9, FirstName: "小明", LangCode: "zh-hans",
			Document: &handlers.Document{FileID: "F1", FileName: "list.xlsx", Size: 1234}},
		{UpdateID: up3, ChatID: -100, ChatType: "group", UserID: 9, FirstName: "小明", LangCode: "zh-hans", Text: "hi"},
	}
	got := rec.Inputs()
	for i := range got { // a message's Sent is its Telegram date
		if age := time.Since(got[i].Sent); got[i].Sent.IsZero() || age < -time.Second || age > time.Minute {
			t.Errorf("update %d sent at %v", got[i].UpdateID, got[i].Sent)
		}
		got[i].Sent = time.Time{}
	}
	byID := func(a, b handlers.Input) bool { return a.UpdateID < b.UpdateID }
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(byID)); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
}

func TestTelegram_Run_Callback(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{}
	tg, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	srv.SendText(4, 4, "menu")
	sent := srv.WaitSent(t, 1, 5*time.Second)
	up := srv.Press(4, 4, sent[0].MessageID, "rem:v1:del:42")
	srv.PressInline(4, "orphan")
	srv.Press(4, 4, sent[0].MessageID, strings.Repeat("长", 300))
	srv.WaitSent(t, 3, 5*time.Second)
	waitFor(t, 2*time.Second, "three callback answers", func() bool { return len(srv.CallbackAnswers()) == 3 })
	answers := srv.CallbackAnswers()
	if !slices.Contains(answers, "cb: rem:v1:del:42") || !slices.Contains(answers, "") {
		t.Errorf("answers %q lack the handler's text", answers)
	}
	for _, a := range answers {
		if n := len([]rune(a)); n > maxCallbackText {
			t.Errorf("callback answer of %d runes, want ≤ %d", n, maxCallbackText)
		}
	}
	in := rec.Inputs()[1]
	if in.UpdateID != up || in.MessageID != sent[0].MessageID || in.CallbackID == "" || in.Text != "" {
		t.Errorf("callback input = %+v", in)
	}
	if n := len(rec.Inputs()); n != 3 {
		t.Errorf("handler saw %d inputs, want 3 (the inline callback is only answered)", n)
	}
}

func TestTelegram_Run_Panic(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{before: func(in handlers.Input) {
		if in.Text == "boom" {
			panic("secret user text")
		}
	}}
	tg, logs := mustTelegram(t, srv, rec, func(c *Config) {
		c.Apology = func(in handlers.Input) handlers.Response {
			return handlers.Response{Messages: []handlers.Message{{Text: "sorry"}}}
		}
	})
	mustRun(t, tg)
	srv.SendText(3, 3, "boom")
	srv.SendText(3, 3, "next")
	sent := srv.WaitSent(t, 2, 5*time.Second)
	if diff := cmp.Diff([]string{"sorry", "re: next"}, texts(sent, 3)); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	if l := logs.String(); !strings.Contains(l, "handler panic") || strings.Contains(l, "secret user text") || strings.Contains(l, "boom") {
		t.Errorf("panic log wrong or leaks text:\n%s", l)
	}
}

func TestTelegram_Run_CancelPromptly(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{}) // default 50 s long poll
	stop := mustRun(t, tg)
	time.Sleep(100 * time.Millisecond) // the long poll is under way
	start := time.Now()
	stop()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %s to stop", d)
	}
}

func TestTelegram_Run_Twice(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	mustRun(t, tg)
	waitFor(t, time.Second, "Run to start", tg.running.Load)
	if err := tg.Run(t.Context()); err == nil {
		t.Error("second concurrent Run succeeded")
	}
}

// TestTelegram_Run_ForgedCallback: a callback query whose sender is not
// the user of the private chat its message is in (an admin's id on a
// button in an inspector's chat) is answered and goes no further.
func TestTelegram_Run_ForgedCallback(t *testing.T) {
	const inspector, admin = 20, 10
	srv := telegramtest.NewServer(t, testToken)
	rec := &recorder{}
	tg, logs := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	srv.SendText(inspector, inspector, "menu")
	msg := srv.WaitSent(t, 1, 5*time.Second)[0].MessageID
	forged := srv.Press(inspector, admin, msg, "rem:v1:del:42")
	srv.Press(inspector, inspector, msg, "rem:v1:del:43") // the real user
	sent := srv.WaitSent(t, 2, 5*time.Second)
	waitFor(t, 2*time.Second, "both callbacks answered", func() bool { return len(srv.CallbackAnswers()) == 2 })
	if diff := cmp.Diff([]string{"re: menu", "cb: rem:v1:del:43"}, texts(sent, inspector)); diff != "" {
		t.Errorf("replies (-want +got):\n%s", diff)
	}
	for _, in := range rec.Inputs() {
		if in.UpdateID == forged || in.UserID == admin {
			t.Errorf("handler called with the forged callback: %+v", in)
		}
	}
	if answers := srv.CallbackAnswers(); answers[0] != "" {
		t.Errorf("forged callback answered %q, want no text", answers[0])
	}
	if l := logs.String(); !strings.Contains(l, "callback from another user") || !strings.Contains(l, fmt.Sprintf("update_id=%d", forged)) {
		t.Errorf("forged callback not logged with its ids:\n%s", l)
	}
}

// TestTelegram_Run_SlowChatHoldsNoOne: while one chat's update is stuck (a
// stalled database), updates of other chats that arrive later are handled
// and answered; the stuck one stays unconfirmed until it is done, and is
// handled once.
func TestTelegram_Run_SlowChatHoldsNoOne(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	entered, release := make(chan struct{}), make(chan struct{})
	rec := &recorder{before: func(in handlers.Input) {
		if in.ChatID == 1 {
			close(entered)
			<-release
		}
	}}
	stuck := srv.SendText(1, 1, "slow")
	tg, _ := mustTelegram(t, srv, rec)
	mustRun(t, tg)
	<-entered
	for i := range 3 {
		srv.SendText(2, 2, fmt.Sprintf("fast %d", i))
		srv.WaitSent(t, i+1, 5*time.Second) // answered while chat 1 is stuck
	}
	if got := srv.Confirmed(); got >= stuck {
		t.Fatalf("Confirmed() = %d while update %d is in hand", got, stuck)
	}
	close(release)
	sent := srv.WaitSent(t, 4, 5*time.Second)
	if got := texts(sent, 1); !slices.Equal(got, []string{"re: slow"}) {
		t.Fatalf("chat 1 answered %q", got)
	}
	waitFor(t, 2*time.Second, "everything confirmed", func() bool { return srv.Confirmed() > stuck })
}
