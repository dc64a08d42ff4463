package bot

import (
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

// input turns an update into the handler's Input. It reports false for
// updates the bot does not handle: edits, channel posts, anything but a
// message or a callback query, and callback queries without a message
// (those are still answered, see handleUpdate).
func (t *Telegram) input(u tgbotapi.Update) (handlers.Input, bool) {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return t.messageInput(u.UpdateID, u.Message), true
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return callbackInput(u.UpdateID, u.CallbackQuery), true
	default:
		return handlers.Input{}, false
	}
}

func (t *Telegram) messageInput(updateID int, m *tgbotapi.Message) handlers.Input {
	in := handlers.Input{
		UpdateID: updateID,
		ChatID:   m.Chat.ID,
		ChatType: m.Chat.Type,
		Text:     t.stripMention(m.Text),
		Sent:     m.Time(),
	}
	if in.Text == "" {
		in.Text = m.Caption
	}
	setUser(&in, m.From)
	if d := m.Document; d != nil {
		in.Document = &handlers.Document{FileID: d.FileID, FileName: d.FileName, Size: int64(d.FileSize)}
	}
	return in
}

func callbackInput(updateID int, cq *tgbotapi.CallbackQuery) handlers.Input {
	in := handlers.Input{
		UpdateID:   updateID,
		ChatID:     cq.Message.Chat.ID,
		ChatType:   cq.Message.Chat.Type,
		Callback:   cq.Data,
		CallbackID: cq.ID,
		MessageID:  cq.Message.MessageID,
	}
	setUser(&in, cq.From)
	return in
}

func setUser(in *handlers.Input, u *tgbotapi.User) {
	if u == nil {
		return
	}
	in.UserID = u.ID
	in.FirstName = u.FirstName
	in.LangCode = u.LanguageCode
}

// stripMention turns "/start@thisbot args" into "/start args", as groups
// address commands; commands for other bots are left as they are.
func (t *Telegram) stripMention(text string) string {
	if !strings.HasPrefix(text, "/") || t.username == "" {
		return text
	}
	cmd, rest, _ := strings.Cut(text, " ")
	name, bot, ok := strings.Cut(cmd, "@")
	if !ok || !strings.EqualFold(bot, t.username) {
		return text
	}
	if rest == "" {
		return name
	}
	return name + " " + rest
}

// chatOf is the chat an update belongs to, 0 for updates not handled.
func chatOf(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	default:
		return 0
	}
}
