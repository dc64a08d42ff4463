package bot

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func okCall(context.Context, string, tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return &tgbotapi.APIResponse{Ok: true}, nil
}

func TestSender_EvictsIdleChats(t *testing.T) {
	s := newSender(okCall, 1e6, 1e6, time.Minute)
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	ctx := t.Context()
	for id := int64(1); id <= 1000; id++ {
		if _, err := s.do(ctx, id, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	blocked, _ := s.acquire(ctx, 5000) // stays in use
	s.chats[1].until = now.Add(time.Hour)
	now = now.Add(idleChat + sweepEvery)
	if _, err := s.do(ctx, 2000, "sendMessage", nil); err != nil {
		t.Fatal(err)
	}
	// Left: the chat in use, the one owing a 429 wait, the new one.
	if n := len(s.chats); n != 3 {
		t.Errorf("%d chats kept after idling, want 3", n)
	}
	s.release(blocked)
}

func TestSender_PacesChat(t *testing.T) {
	s := newSender(okCall, 1e6, 20, time.Minute) // 20/s per chat, burst 3
	ctx := t.Context()
	start := time.Now()
	for range chatBurst + 4 {
		if _, err := s.do(ctx, 1, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("7 messages at 20/s with burst 3 took %s, want ≥ 150ms", d)
	}
	start = time.Now()
	for id := range int64(5) {
		if _, err := s.do(ctx, 100+id, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("first messages to 5 chats took %s, want no wait", d)
	}
}

func TestSender_GroupLimit(t *testing.T) {
	s := newSender(okCall, 1e6, 1e6, time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	sent := 0
	for range 10 {
		if _, err := s.do(ctx, -100, "sendMessage", nil); err != nil {
			break
		}
		sent++
	}
	if sent != chatBurst {
		t.Errorf("%d group messages went out at once, want the burst of %d", sent, chatBurst)
	}
}
