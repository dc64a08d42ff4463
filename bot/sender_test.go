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

// sendBulk sends one bulk message to chatID and waits for it.
func sendBulk(tb testing.TB, s *sender, chatID int64) {
	tb.Helper()
	j := s.submit(tb.Context(), chatID, bulk, func(ctx context.Context, c *chatCall) error {
		_, err := c.do(ctx, "sendMessage", nil)
		return err
	})
	if err := j.wait(tb.Context()); err != nil {
		tb.Fatal(err)
	}
}

func TestSender_EvictsIdleChats(t *testing.T) {
	clk := newFakeClock()
	s := newSender(okCall, limits{1e6, 1e6, 1e6}, time.Minute, clk, exactJitter)
	for id := int64(1); id <= 1000; id++ {
		sendBulk(t, s, id)
	}
	release := make(chan struct{})
	busy := s.submit(t.Context(), 5000, reply, func(context.Context, *chatCall) error { <-release; return nil })
	s.mu.Lock()
	s.chats[1].until = clk.Now().Add(time.Hour)
	s.mu.Unlock()
	clk.Advance(idleChat + sweepEvery)
	sendBulk(t, s, 2000)
	// Left: the chat in use, the one owing a 429 wait, the new one.
	s.mu.Lock()
	n := len(s.chats)
	s.mu.Unlock()
	if n != 3 {
		t.Errorf("%d chats kept after idling, want 3", n)
	}
	close(release)
	_ = busy.wait(t.Context())
}

func TestSender_PacesChat(t *testing.T) {
	clk := newFakeClock()
	s := newSender(okCall, limits{1e6, 20, 1e6}, time.Minute, clk, exactJitter) // 20/s per chat, burst 3
	for range chatBurst + 4 {
		sendBulk(t, s, 1)
	}
	// The burst goes at once, then one message every 50 ms.
	want := []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	if diff := cmp.Diff(want, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	for id := range int64(5) {
		sendBulk(t, s, 100+id)
	}
	if n := len(clk.Sleeps()); n != len(want) {
		t.Errorf("first messages to 5 other chats waited: %v", clk.Sleeps()[len(want):])
	}
}

func TestSender_GroupLimit(t *testing.T) {
	clk := newFakeClock()
	s := newSender(okCall, limits{1e6, 1e6, 20}, time.Minute, clk, exactJitter)
	for range chatBurst + 2 {
		sendBulk(t, s, -100)
	}
	// 20 a minute: the burst, then one every 3 s.
	if diff := cmp.Diff([]time.Duration{3 * time.Second, 3 * time.Second}, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}
