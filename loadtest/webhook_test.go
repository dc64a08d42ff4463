//go:build load

package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestLoadWebhook is TestLoad with the bot in webhook mode: this test
// plays Telegram and posts each update to the bot, which answers once the
// update is handled.
//
//	go test -tags load -run TestLoadWebhook -v -timeout 10m ./loadtest/
func TestLoadWebhook(t *testing.T) {
	addr := freeAddr(t)
	const secret = "load-test-secret-of-32-characters-at-least"
	rig := newRig(t, 30, 500001, 13, "TELEGRAM_WEBHOOK_URL=https://huifang.invalid/tg",
		"HUIFANG_WEBHOOK_LISTEN="+addr, "TELEGRAM_WEBHOOK_SECRET="+secret)
	measure(t, rig, &webhookClient{t: t, url: "http://" + addr + "/tg", secret: secret}, loadBudget)
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// webhookClient posts updates as Telegram would.
type webhookClient struct {
	t      *testing.T
	url    string
	secret string
	mu     sync.Mutex
	next   int
}

func (w *webhookClient) id() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.next++
	return w.next
}

func (w *webhookClient) SendText(chatID, userID int64, text string) int {
	id := w.id()
	w.post(map[string]any{"update_id": id, "message": map[string]any{
		"message_id": id, "date": time.Now().Unix(), "text": text,
		"from": map[string]any{"id": userID, "is_bot": false, "first_name": "Load"},
		"chat": map[string]any{"id": chatID, "type": "private"},
	}})
	return id
}

func (w *webhookClient) Press(chatID, userID int64, messageID int, data string) int {
	id := w.id()
	w.post(map[string]any{"update_id": id, "callback_query": map[string]any{
		"id": strconv.Itoa(id), "data": data, "chat_instance": "1",
		"from":    map[string]any{"id": userID, "is_bot": false, "first_name": "Load"},
		"message": map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": map[string]any{"id": chatID, "type": "private"}},
	}})
	return id
}

func (w *webhookClient) post(update map[string]any) {
	body, _ := json.Marshal(update)
	req, _ := http.NewRequest(http.MethodPost, w.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", w.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Errorf("post update: %v", err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		w.t.Errorf("post update: %s", fmt.Sprint(resp.Status))
	}
}
