package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers/kit"
)

// progressSink sends and edits the progress message of long work (see
// kit.Progress) in the chat of the update being handled, as replies: in
// the chat's order of replies, never paced like bulk messages.
type progressSink struct {
	t    *Telegram
	chat int64
}

var _ kit.ProgressSink = progressSink{}

// withProgress gives the handling of an update of chat its progress sink.
func (t *Telegram) withProgress(ctx context.Context, chat int64) context.Context {
	return kit.WithProgressSink(ctx, progressSink{t: t, chat: chat}, t.cfg.Progress)
}

// Post sends text as a protected message and returns its id.
func (p progressSink) Post(ctx context.Context, text string) (int, error) {
	var id int
	j := p.t.send.submit(ctx, p.chat, reply, func(ctx context.Context, c *chatCall) error {
		params := tgbotapi.Params{"chat_id": strconv.FormatInt(c.id, 10), "text": text, "parse_mode": tgbotapi.ModeHTML}
		params.AddBool("protect_content", true)
		resp, err := c.do(ctx, "sendMessage", params)
		if err != nil {
			return err
		}
		var m struct {
			ID int `json:"message_id"`
		}
		if err := json.Unmarshal(resp.Result, &m); err != nil || m.ID == 0 {
			return fmt.Errorf("progress message in chat %d: no message id", c.id)
		}
		id = m.ID
		return nil
	})
	if err := j.wait(ctx); err != nil {
		return 0, err
	}
	return id, nil
}

// Edit replaces the progress message's text.
func (p progressSink) Edit(ctx context.Context, id int, text string) error {
	j := p.t.send.submit(ctx, p.chat, reply, func(ctx context.Context, c *chatCall) error {
		_, err := p.t.edit(ctx, c, id, text, "")
		return err
	})
	return j.wait(ctx)
}
