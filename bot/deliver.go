package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

const (
	maxCallbackText = 200
	maxCallbackData = 64
)

// Send sends m to chatID through the paced sender: the scheduler's way to
// reach a user outside an update. Texts over Telegram's limit are split, the
// buttons going with the last part. A message with a Document is uploaded
// with its text as the caption (see sendDocument). An error wraps ErrBlocked
// when the user blocked the bot, ErrRateLimited when Telegram asks for a
// long pause, and ErrFileTooLarge for a document over MaxUploadSize.
func (t *Telegram) Send(ctx context.Context, chatID int64, m handlers.Message) error {
	if m.Document != nil {
		return t.sendDocument(ctx, chatID, m)
	}
	parts := splitHTML(m.Text, maxText)
	if len(parts) == 0 {
		return fmt.Errorf("send to chat %d: empty text", chatID)
	}
	markup, err := keyboard(m.Buttons)
	if err != nil {
		t.log.Error("dropping invalid keyboard", "chat_id", chatID, "err", err)
		markup = ""
	}
	if m.EditID != 0 {
		lastMarkup := ""
		if len(parts) == 1 {
			lastMarkup = markup
		}
		edited, err := t.edit(ctx, chatID, m.EditID, parts[0], lastMarkup)
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
		if err := t.sendText(ctx, chatID, part, partMarkup, m.Protect); err != nil {
			return err
		}
	}
	return nil
}

// sendText sends one part with sendMessage.
func (t *Telegram) sendText(ctx context.Context, chatID int64, text, markup string, protect bool) error {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"text":       text,
		"parse_mode": tgbotapi.ModeHTML,
	}
	p.AddNonEmpty("reply_markup", markup)
	// protect_content came with Bot API 5.6, after tgbotapi v5.5.1.
	p.AddBool("protect_content", protect)
	_, err := t.send.do(ctx, chatID, "sendMessage", p)
	return err
}

// edit replaces the text and keyboard of message id. It reports false, with
// no error, when the message can no longer be edited (too old, deleted) so
// that the caller sends a new one instead.
func (t *Telegram) edit(ctx context.Context, chatID int64, id int, text, markup string) (bool, error) {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"message_id": strconv.Itoa(id),
		"text":       text,
		"parse_mode": tgbotapi.ModeHTML,
	}
	p.AddNonEmpty("reply_markup", markup)
	_, err := t.send.do(ctx, chatID, "editMessageText", p)
	var tgErr *tgbotapi.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &tgErr) && strings.Contains(tgErr.Message, "message is not modified"):
		return true, nil
	case errors.As(err, &tgErr) && tgErr.Code == http.StatusBadRequest:
		t.log.Debug("edit failed, sending a new message", "chat_id", chatID, "err", t.errText(err))
		return false, nil
	default:
		return false, err
	}
}

// answerCallback stops the button's spinner, with text as a toast if any.
func (t *Telegram) answerCallback(ctx context.Context, id, text string) error {
	p := tgbotapi.Params{"callback_query_id": id}
	p.AddNonEmpty("text", truncateRunes(text, maxCallbackText))
	_, err := t.send.do(ctx, 0, "answerCallbackQuery", p)
	return err
}

// deliver sends the response to the input that produced it: the callback
// answer first, then each message in order, then the notifications to
// other chats, which go out whatever became of the reply.
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
	for _, m := range resp.Messages {
		err := t.Send(ctx, chatID, m)
		if err == nil {
			continue
		}
		t.log.Log(ctx, slogLevelFor(err), "send reply", "update_id", in.UpdateID, "chat_id", chatID, "err", t.errText(err))
		if errors.Is(err, ErrBlocked) || errors.Is(err, ErrRateLimited) || ctx.Err() != nil {
			break
		}
	}
	t.notify(ctx, in, resp.Notify)
}

// notify sends messages to other chats than the one answered. A failure is
// logged with ids only (Info for a recipient who blocked the bot) and does
// not stop the other notifications.
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
		if err := t.Send(ctx, o.ChatID, o.Message); err != nil {
			t.log.Log(ctx, slogLevelFor(err), "send notification", "update_id", in.UpdateID, "chat_id", in.ChatID, "to_chat_id", o.ChatID, "err", t.errText(err))
		}
	}
}

// button is the JSON of an inline keyboard button with callback data.
type button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// keyboard encodes an inline keyboard, or "" when there are no buttons. It
// fails on data Telegram would reject: empty or over 64 bytes.
func keyboard(rows [][]handlers.Button) (string, error) {
	var kb struct {
		Rows [][]button `json:"inline_keyboard"`
	}
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		out := make([]button, 0, len(row))
		for _, b := range row {
			if n := len(b.Data); n == 0 || n > maxCallbackData {
				return "", fmt.Errorf("button callback data of %d bytes, want 1-%d", n, maxCallbackData)
			}
			if b.Text == "" {
				return "", errors.New("button without text")
			}
			out = append(out, button(b))
		}
		kb.Rows = append(kb.Rows, out)
	}
	if len(kb.Rows) == 0 {
		return "", nil
	}
	data, err := json.Marshal(kb)
	if err != nil {
		return "", fmt.Errorf("encode keyboard: %w", err)
	}
	return string(data), nil
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
