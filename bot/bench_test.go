package bot

import (
	"context"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

// BenchmarkTelegram_Step measures one round trip through the fake server:
// a text update is polled, handled by a trivial handler, and its reply sent.
func BenchmarkTelegram_Step(b *testing.B) {
	srv := telegramtest.NewServer(b, testToken)
	reply := handlers.Response{Messages: []handlers.Message{{Text: "<b>ok</b>", Buttons: testButtons}}}
	h := handlers.HandlerFunc(func(context.Context, handlers.Input) handlers.Response { return reply })
	tg, _ := mustTelegram(b, srv, h, func(c *Config) { c.GlobalRate, c.ChatRate = 1e9, 1e9 })
	mustRun(b, tg)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		srv.ClearSent()
		srv.SendText(1, 1, "hi")
		srv.WaitSent(b, 1, 5*time.Second)
	}
}
