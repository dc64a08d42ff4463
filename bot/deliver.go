package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

const (
	maxCallbackText    = 200
	maxCallbackData    = 64
	undeliveredTimeout = 5 * time.Second
)

// Send sends m to chatID as a bulk message: the scheduler's way to reach a
// user outside an update. It is paced (global, per chat, per group limits)
// and gives way to replies; it returns once the message was sent or failed
// for good. Texts over Telegram's limit are split, the buttons going with
// the last part. A message with a Document is uploaded with its text as the
// caption (see sendDocument). An error wraps ErrBlocked when the user
// blocked the bot, ErrRateLimited when Telegram asks for a long pause, and
// ErrFileTooLarge for a document over MaxUploadSize.
func (t *Telegram) Send(ctx context.Context, chatID int64, m handlers.Message) error {
	j := t.send.submit(ctx, chatID, bulk, func(ctx context.Context, c *chatCall) error {
		return t.sendMessage(ctx, c, m)
	})
	return j.wait(ctx)
}

// sendMessage sends m through the job's handle on its chat.
func (t *Telegram) sendMessage(ctx context.Context, c *chatCall, m handlers.Message) error {
	if m.Document != nil {
		return t.sendDocument(ctx, c, m)
	}
	parts := splitHTML(m.Text, maxText)
	if len(parts) == 0 {
		return fmt.Errorf("send to chat %d: empty text", c.id)
	}
	markup, err := keyboard(m.Buttons)
	if err != nil {
		t.log.Error("dropping invalid keyboard", "chat_id", c.id, "err", err)
		markup = ""
	}
	if m.EditID != 0 {
		lastMarkup := ""
		if len(parts) == 1 {
			lastMarkup = markup
		}
		edited, err := t.edit(ctx, c, m.EditID, parts[0], lastMarkup)
		if err != nil {
			return err
		}
		if edited {
			parts = parts[1:]
		}
	}
	for i, part := range parts {
		partMarkup := ""
		if i == len(parts)-1 {
			partMarkup = markup
		}
		if err := t.sendText(ctx, c, part, partMarkup, m.Protect); err != nil {
			return err
		}
	}
	return nil
}

// sendText sends one part with sendMessage.
func (t *Telegram) sendText(ctx context.Context, c *chatCall, text, markup string, protect bool) error {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(c.id, 10),
		"text":       text,
		"parse_mode": tgbotapi.ModeHTML,
	}
	p.AddNonEmpty("reply_markup", markup)
	// protect_content came with Bot API 5.6, after tgbotapi v5.5.1.
	p.AddBool("protect_content", protect)
	_, err := c.do(ctx, "sendMessage", p)
	return err
}

// edit replaces the text and keyboard of message id. It reports false, with
// no error, when the message can no longer be edited (too old, deleted) so
// that the caller sends a new one instead.
func (t *Telegram) edit(ctx context.Context, c *chatCall, id int, text, markup string) (bool, error) {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(c.id, 10),
		"message_id": strconv.Itoa(id),
		"text":       text,
		"parse_mode": tgbotapi.ModeHTML,
	}
	p.AddNonEmpty("reply_markup", markup)
	_, err := c.do(ctx, "editMessageText", p)
	var tgErr *tgbotapi.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &tgErr) && strings.Contains(tgErr.Message, "message is not modified"):
		return true, nil
	case errors.As(err, &tgErr) && tgErr.Code == http.StatusBadRequest:
		t.log.Debug("edit failed, sending a new message", "chat_id", c.id, "err", t.errText(err))
		return false, nil
	default:
		return false, err
	}
}

// answerCallback stops the button's spinner, with text as a toast if any.
// It is not a message to the chat: it waits for nothing the chat's
// messages wait for.
func (t *Telegram) answerCallback(ctx context.Context, id, text string) error {
	p := tgbotapi.Params{"callback_query_id": id}
	p.AddNonEmpty("text", truncateRunes(text, maxCallbackText))
	_, err := t.send.do(ctx, "answerCallbackQuery", p)
	return err
}

// UndeliveredHandler is implemented by a handler that wants to know when
// the reply to an input could not be delivered in full: Telegram refused
// it, kept failing for a minute, asked to wait longer than
// Config.MaxRetryAfter, or the bot shut down first. The failure is already
// logged; the handler can note it in the chat's state and send the current
// step again with its answer to the chat's next update. Telegram finds the
// method on the handler given to New.
type UndeliveredHandler interface {
	Undelivered(ctx context.Context, in handlers.Input)
}

// deliver sends the response to the input that produced it: the callback
// answer first, then the reply's messages in order, then the notifications
// to other chats, which go out whatever became of the reply. It returns
// once everything was sent, or is waiting on Telegram or on the pacing and
// goes on in the background (in order, per chat), so that the chat's next
// update and other chats are not held up.
func (t *Telegram) deliver(ctx context.Context, in handlers.Input, resp handlers.Response) {
	if in.CallbackID != "" {
		if err := t.answerCallback(ctx, in.CallbackID, resp.CallbackText); err != nil {
			t.log.Warn("answer callback query", "update_id", in.UpdateID, "chat_id", in.ChatID, "err", t.errText(err))
		}
	}
	chatID := resp.ChatID
	if chatID == 0 {
		chatID = in.ChatID
	}
	if len(resp.Messages) > 0 {
		cl := reply
		if chatID != in.ChatID {
			cl = bulk // not the chat that asked
		}
		j := t.send.submit(ctx, chatID, cl, func(ctx context.Context, c *chatCall) error {
			return t.sendReply(ctx, c, in, resp.Messages)
		})
		<-j.settled
	}
	t.notify(ctx, in, resp.Notify)
}

// sendReply sends the reply's messages in order; when one fails, it logs
// the failure by ids and tells the handler (UndeliveredHandler).
func (t *Telegram) sendReply(ctx context.Context, c *chatCall, in handlers.Input, msgs []handlers.Message) error {
	var failed error
	for _, m := range msgs {
		err := t.sendMessage(ctx, c, m)
		if err == nil {
			continue
		}
		failed = err
		if errors.Is(err, ErrBlocked) || errors.Is(err, ErrRateLimited) || ctx.Err() != nil {
			break // the rest would fail the same way
		}
	}
	if failed == nil {
		return nil
	}
	t.log.Log(ctx, slogLevelFor(failed), "reply not delivered", "update_id", in.UpdateID, "chat_id", c.id, "err", t.errText(failed))
	if t.onUndelivered != nil {
		// The job's ctx may be cancelled (shutdown): the handler still
		// gets a moment to note the failure.
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undeliveredTimeout)
		defer cancel()
		t.onUndelivered.Undelivered(hctx, in)
	}
	return failed
}

// notify sends messages to other chats than the one answered, as bulk
// messages. A failure is logged with ids only (Info for a recipient who
// blocked the bot) and does not stop the other notifications.
func (t *Telegram) notify(ctx context.Context, in handlers.Input, out []handlers.Outgoing) {
	for i, o := range out {
		if ctx.Err() != nil {
			t.log.Warn("notifications not sent: shutting down", "update_id", in.UpdateID, "chat_id", in.ChatID, "count", len(out)-i)
			return
		}
		if o.ChatID == 0 {
			t.log.Error("notification without chat id dropped", "update_id", in.UpdateID, "chat_id", in.ChatID)
			continue
		}
		j := t.send.submit(ctx, o.ChatID, bulk, func(ctx context.Context, c *chatCall) error {
			err := t.sendMessage(ctx, c, o.Message)
			if err != nil {
				t.log.Log(ctx, slogLevelFor(err), "send notification", "update_id", in.UpdateID, "chat_id", in.ChatID, "to_chat_id", o.ChatID, "err", t.errText(err))
			}
			return err
		})
		<-j.settled
	}
}

// keyboard encodes an inline keyboard, or "" when there are no buttons. It
// fails on data Telegram would reject: empty or over 64 bytes. It writes
// the JSON itself: json.Marshal's reflection over the rows was 2–3% of the
// bot's CPU at saturation (TestKeyboard_MatchesJSON checks the output).
func keyboard(rows [][]handlers.Button) (string, error) {
	buf := make([]byte, 0, 256)
	buf = append(buf, `{"inline_keyboard":[`...)
	nrows := 0
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		if nrows > 0 {
			buf = append(buf, ',')
		}
		nrows++
		buf = append(buf, '[')
		for i, b := range row {
			if n := len(b.Data); n == 0 || n > maxCallbackData {
				return "", fmt.Errorf("button callback data of %d bytes, want 1-%d", n, maxCallbackData)
			}
			if b.Text == "" {
				return "", errors.New("button without text")
			}
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"text":`...)
			buf = appendJSONString(buf, b.Text)
			buf = append(buf, `,"callback_data":`...)
			buf = appendJSONString(buf, b.Data)
			buf = append(buf, '}')
		}
		buf = append(buf, ']')
	}
	if nrows == 0 {
		return "", nil
	}
	buf = append(buf, "]}"...)
	return string(buf), nil
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD (as
// encoding/json does), everything else as is.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
			i++
		case c < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			i++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:]) // RuneError for a bad byte
			buf = utf8.AppendRune(buf, r)
			i += size
		}
	}
	return append(buf, '"')
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
