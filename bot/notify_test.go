package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

// inviteFlow answers its user and tells two inviters, 6 and 7, that their
// invitation was used; the note to 7 carries a file.
func inviteFlow(_ context.Context, in handlers.Input) handlers.Response {
	return handlers.Response{
		Messages: []handlers.Message{{Text: "欢迎 " + in.Text}, {Text: "已加入"}},
		Notify: []handlers.Outgoing{
			{ChatID: 6, Message: handlers.Message{Text: "<b>邀请已使用</b>", Buttons: testButtons}},
			{ChatID: 7, Message: handlers.Message{Text: "名单", Protect: true, Document: &handlers.File{Name: "a.csv", Data: testCSV}}},
		},
	}
}

func TestTelegram_Run_Notify(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, handlers.HandlerFunc(inviteFlow))
	mustRun(t, tg)
	srv.SendText(5, 5, "小明")
	var got []string
	for _, s := range srv.WaitSent(t, 4, 5*time.Second) {
		got = append(got, fmt.Sprintf("%d %s %s %s %d %t", s.ChatID, s.Method, s.Text, s.Document, len(s.Buttons), s.Protect))
	}
	// The reply first, in order, then the notifications.
	want := []string{
		"5 sendMessage 欢迎 小明  0 false",
		"5 sendMessage 已加入  0 false",
		"6 sendMessage <b>邀请已使用</b>  2 false",
		"7 sendDocument 名单 a.csv 0 true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

func TestTelegram_Run_NotifyBlocked(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, logs := mustTelegram(t, srv, handlers.HandlerFunc(inviteFlow))
	srv.Block(6)
	mustRun(t, tg)
	srv.SendText(5, 5, "小明")
	var got []string
	for _, s := range srv.WaitSent(t, 3, 5*time.Second) {
		got = append(got, fmt.Sprintf("%d %s", s.ChatID, s.Method))
	}
	want := []string{"5 sendMessage", "5 sendMessage", "7 sendDocument"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	waitFor(t, time.Second, "the logged failure", func() bool { return strings.Contains(logs.String(), "send notification") })
	var line string
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "send notification") {
			line = l
		}
	}
	if !strings.Contains(line, "level=INFO") || !strings.Contains(line, "to_chat_id=6") || !strings.Contains(line, "chat_id=5") {
		t.Errorf("notification failure logged as %q, want Info with the ids", line)
	}
	if strings.Contains(logs.String(), "邀请已使用") || strings.Contains(logs.String(), "小明") {
		t.Errorf("log holds message text:\n%s", logs.String())
	}
}

// TestTelegram_Run_NotifyAfterBlockedReply: the user who wrote blocked the
// bot meanwhile; the inviters are still told.
func TestTelegram_Run_NotifyAfterBlockedReply(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, handlers.HandlerFunc(inviteFlow))
	srv.Block(5)
	mustRun(t, tg)
	srv.SendText(5, 5, "小明")
	var got []string
	for _, s := range srv.WaitSent(t, 2, 5*time.Second) {
		got = append(got, fmt.Sprintf("%d %s", s.ChatID, s.Method))
	}
	if diff := cmp.Diff([]string{"6 sendMessage", "7 sendDocument"}, got); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

func TestTelegram_Notify_NoChat(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, logs := mustTelegram(t, srv, &recorder{})
	tg.deliver(t.Context(), handlers.Input{UpdateID: 1, ChatID: 5}, handlers.Response{
		Notify: []handlers.Outgoing{{Message: handlers.Message{Text: "nobody"}}, {ChatID: 6, Message: handlers.Message{Text: "hi"}}},
	})
	if got := texts(srv.Sent(), 6); len(got) != 1 {
		t.Errorf("chat 6 got %q, want the one notification", got)
	}
	if !strings.Contains(logs.String(), "notification without chat id") {
		t.Errorf("dropped notification not logged:\n%s", logs.String())
	}
}
