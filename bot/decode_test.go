package bot

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
)

// undecodable are updates tgbotapi's types cannot hold; each once stopped
// getUpdates for every chat because the whole batch failed to decode.
var undecodable = map[string]string{
	"MessageIsString": `{"update_id":%d,"message":"hello secret text"}`,
	"FromIDIsString":  `{"update_id":%d,"message":{"message_id":1,"date":1,"from":{"id":"77","is_bot":false,"first_name":"x"},"chat":{"id":77,"type":"private"},"text":"hello secret text"}}`,
	"ChatIDTooLarge":  `{"update_id":%d,"message":{"message_id":1,"date":1,"chat":{"id":99999999999999999999,"type":"private"},"text":"hello secret text"}}`,
}

func TestTelegram_Run_UndecodableUpdate(t *testing.T) {
	for name, raw := range undecodable {
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, testToken)
			rec := &recorder{}
			tg, logs := mustTelegram(t, srv, rec)
			srv.SendText(5, 5, "before")
			bad := srv.SendRaw(raw)
			last := srv.SendText(6, 6, "after")
			mustRun(t, tg)
			sent := srv.WaitSent(t, 2, 5*time.Second)
			if diff := cmp.Diff([]string{"re: before"}, texts(sent, 5)); diff != "" {
				t.Errorf("chat 5 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"re: after"}, texts(sent, 6)); diff != "" {
				t.Errorf("chat 6 (-want +got):\n%s", diff)
			}
			// The bad update is confirmed with the rest, not delivered again.
			waitFor(t, 5*time.Second, "the batch confirmed", func() bool { return srv.Confirmed() == last })
			if n := len(rec.Inputs()); n != 2 {
				t.Errorf("handler saw %d inputs, want 2", n)
			}
			l := logs.String()
			if !strings.Contains(l, "update_id="+strconv.Itoa(bad)) || !strings.Contains(l, "undecodable update") {
				t.Errorf("skipped update not logged with its id:\n%s", l)
			}
			if strings.Contains(l, "secret text") || strings.Contains(l, "99999999999999999999") {
				t.Errorf("log holds the update's content:\n%s", l)
			}
		})
	}
}

func TestRunWebhook_UndecodableUpdate(t *testing.T) {
	for name, raw := range undecodable {
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, testToken)
			rec := &recorder{}
			tg, logs := mustTelegram(t, srv, rec)
			run := startWebhook(t, srv, tg, WebhookConfig{})
			id := srv.SendRaw(raw)
			body, _ := srv.TakeRaw(id)
			resp, err := postBody(run.url, testHookSecret, body)
			if err != nil {
				t.Fatal(err)
			}
			// 200: Telegram must not send it again; there is nothing to
			// handle in it.
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d, want 200", resp.StatusCode)
			}
			if n := len(rec.Inputs()); n != 0 {
				t.Errorf("handler saw %d inputs", n)
			}
			l := logs.String()
			if !strings.Contains(l, "update_id="+strconv.Itoa(id)) || strings.Contains(l, "secret text") {
				t.Errorf("want the update id and no content in the log:\n%s", l)
			}
		})
	}
}
