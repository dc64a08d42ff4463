package bot

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"
)

func okCall(context.Context, string, tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return &tgbotapi.APIResponse{Ok: true}, nil
}

func TestSender_EvictsIdleChats(t *testing.T) {
	clk := newFakeClock()
	s := newSender(okCall, 1e6, 1e6, time.Minute, clk, exactJitter)
	ctx := t.Context()
	for id := int64(1); id <= 1000; id++ {
		if _, err := s.do(ctx, id, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	blocked, _ := s.acquire(ctx, 5000) // stays in use
	s.chats[1].until = clk.Now().Add(time.Hour)
	clk.Advance(idleChat + sweepEvery)
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
	clk := newFakeClock()
	s := newSender(okCall, 1e6, 20, time.Minute, clk, exactJitter) // 20/s per chat, burst 3
	ctx := t.Context()
	for range chatBurst + 4 {
		if _, err := s.do(ctx, 1, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	// The burst goes at once, then one message every 50 ms.
	want := []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	if diff := cmp.Diff(want, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	for id := range int64(5) {
		if _, err := s.do(ctx, 100+id, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(clk.Sleeps()); n != len(want) {
		t.Errorf("first messages to 5 other chats waited: %v", clk.Sleeps()[len(want):])
	}
}

func TestSender_GroupLimit(t *testing.T) {
	clk := newFakeClock()
	s := newSender(okCall, 1e6, 1e6, time.Minute, clk, exactJitter)
	for range chatBurst + 2 {
		if _, err := s.do(t.Context(), -100, "sendMessage", nil); err != nil {
			t.Fatal(err)
		}
	}
	// 20 a minute: the burst, then one every 3 s.
	if diff := cmp.Diff([]time.Duration{3 * time.Second, 3 * time.Second}, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}
