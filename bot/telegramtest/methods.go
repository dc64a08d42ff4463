package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, method string) {
	switch method {
	case "getMe":
		writeResult(w, Bot)
	case "getUpdates":
		if s.webhookSet() {
			writeError(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return
		}
		s.getUpdates(w, r)
	case "setWebhook", "deleteWebhook":
		s.serveWebhookMethod(w, r, method)
	case "sendMessage":
		s.sendMessage(w, r)
	case "sendDocument":
		s.sendDocument(w, r)
	case "sendPhoto":
		s.sendFile(w, r, "sendPhoto", "photo")
	case "editMessageText":
		s.editMessageText(w, r)
	case "answerCallbackQuery":
		s.mu.Lock()
		s.answers = append(s.answers, r.FormValue("text"))
		s.mu.Unlock()
		writeResult(w, true)
	case "setMyCommands":
		s.setMyCommands(w, r)
	case "getFile":
		s.getFile(w, r)
	case "deleteMessage":
		writeResult(w, true)
	default:
		writeError(w, http.StatusNotFound, "Not Found: method not found", 0)
	}
}

// getUpdates confirms the delivered updates below offset, then answers the
// pending ones, long-polling up to timeout seconds for the first to arrive.
// Updates never delivered are kept whatever their id: after an id reset
// Telegram delivers ids below the bot's offset.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.FormValue("offset"))
	limit, _ := strconv.Atoi(r.FormValue("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for {
		s.mu.Lock()
		s.confirmLocked(offset)
		batch := s.takeLocked(limit)
		arrived := s.arrived
		atOnce := s.emptyNow
		s.mu.Unlock()
		if len(batch) > 0 || timeout <= 0 || atOnce {
			writeResult(w, batch)
			return
		}
		select {
		case <-arrived:
		case <-timer.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) confirmLocked(offset int) {
	if offset <= 0 {
		return
	}
	kept := s.pending[:0]
	highest := 0
	for _, p := range s.pending {
		if p.delivered && p.id < offset {
			highest = max(highest, p.id)
			continue
		}
		kept = append(kept, p)
	}
	s.pending = kept
	if highest > 0 {
		s.confirmed = highest
	}
}

func (s *Server) takeLocked(limit int) []json.RawMessage {
	batch := []json.RawMessage{}
	for i := range s.pending {
		if len(batch) == limit {
			break
		}
		p := &s.pending[i]
		p.delivered = true
		raw := p.raw
		if raw == nil {
			var err error
			if raw, err = json.Marshal(p.update); err != nil {
				panic(fmt.Sprintf("telegramtest: encode update %d: %v", p.id, err))
			}
		}
		batch = append(batch, raw)
	}
	return batch
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	chatID, text, buttons, markup, ok := checkMessage(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	c := s.chatLocked(chatID)
	c.nextID++
	id := c.nextID
	c.messages[id] = stored{text: text, markup: markup}
	s.recordLocked(Sent{
		Method: "sendMessage", ChatID: chatID, MessageID: id, Text: text,
		ParseMode: r.FormValue("parse_mode"), Buttons: buttons,
		Protect: r.FormValue("protect_content") == "true",
	})
	s.mu.Unlock()
	writeResult(w, botMessage(chatID, id, text))
}

func (s *Server) editMessageText(w http.ResponseWriter, r *http.Request) {
	chatID, text, buttons, markup, ok := checkMessage(w, r)
	if !ok {
		return
	}
	id, _ := strconv.Atoi(r.FormValue("message_id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	old, found := c.messages[id]
	switch {
	case !found:
		writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0)
		return
	case old.document:
		writeError(w, http.StatusBadRequest, "Bad Request: there is no text in the message to edit", 0)
		return
	case old.text == text && old.markup == markup:
		writeError(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", 0)
		return
	}
	c.messages[id] = stored{text: text, markup: markup}
	s.recordLocked(Sent{
		Method: "editMessageText", ChatID: chatID, MessageID: id, Text: text,
		ParseMode: r.FormValue("parse_mode"), Buttons: buttons,
	})
	writeResult(w, botMessage(chatID, id, text))
}

func (s *Server) recordLocked(m Sent) {
	s.sent = append(s.sent, m)
	close(s.sentCh)
	s.sentCh = make(chan struct{})
}

// checkMessage validates a sendMessage or editMessageText request as
// Telegram would, answering 400 when it is not valid.
func checkMessage(w http.ResponseWriter, r *http.Request) (chatID int64, text string, buttons [][]handlers.Button, markup string, ok bool) {
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return 0, "", nil, "", false
	}
	text = r.FormValue("text")
	if desc := checkText(text, r.FormValue("parse_mode")); desc != "" {
		writeError(w, http.StatusBadRequest, desc, 0)
		return 0, "", nil, "", false
	}
	markup = r.FormValue("reply_markup")
	buttons, desc := parseKeyboard(markup)
	if desc != "" {
		writeError(w, http.StatusBadRequest, desc, 0)
		return 0, "", nil, "", false
	}
	return chatID, text, buttons, markup, true
}

// parseKeyboard decodes an inline keyboard, checking callback data.
func parseKeyboard(markup string) ([][]handlers.Button, string) {
	if markup == "" {
		return nil, ""
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(markup), &kb); err != nil {
		return nil, "Bad Request: can't parse reply keyboard markup JSON object"
	}
	var rows [][]handlers.Button
	for _, row := range kb.InlineKeyboard {
		var out []handlers.Button
		for _, b := range row {
			if b.CallbackData == nil || len(*b.CallbackData) == 0 || len(*b.CallbackData) > 64 {
				return nil, "Bad Request: BUTTON_DATA_INVALID"
			}
			if b.Text == "" || !utf8.ValidString(b.Text) {
				return nil, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
			}
			out = append(out, handlers.Button{Text: b.Text, Data: *b.CallbackData})
		}
		rows = append(rows, out)
	}
	return rows, ""
}

func botMessage(chatID int64, id int, text string) tgbotapi.Message {
	bot := Bot
	return tgbotapi.Message{
		MessageID: id,
		From:      &bot,
		Date:      int(time.Now().Unix()),
		Chat:      &tgbotapi.Chat{ID: chatID, Type: chatType(chatID)},
		Text:      text,
	}
}

func chatType(chatID int64) string {
	if chatID < 0 {
		return "group"
	}
	return "private"
}

func (s *Server) setMyCommands(w http.ResponseWriter, r *http.Request) {
	var list []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(r.FormValue("commands")), &list); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse commands JSON object", 0)
		return
	}
	cmds := make([]handlers.Command, 0, len(list))
	for _, c := range list {
		cmds = append(cmds, handlers.Command{Name: c.Command, Description: c.Description})
	}
	s.mu.Lock()
	s.commands[r.FormValue("language_code")] = cmds
	s.mu.Unlock()
	writeResult(w, true)
}

// getFile answers a File whose path serveFile knows. Like the public Bot
// API it refuses files over the 20 MB bots may download.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("file_id")
	s.mu.Lock()
	data, ok := s.files[id]
	s.mu.Unlock()
	switch {
	case !ok:
		writeError(w, http.StatusBadRequest, "Bad Request: invalid file_id", 0)
	case len(data) > maxDownload:
		writeError(w, http.StatusBadRequest, "Bad Request: file is too big", 0)
	default:
		writeResult(w, tgbotapi.File{FileID: id, FileUniqueID: id, FileSize: len(data), FilePath: "documents/" + url.PathEscape(id)})
	}
}

func (s *Server) serveFile(w http.ResponseWriter, path string) {
	s.mu.Lock()
	data, ok := s.files[strings.TrimPrefix(path, "documents/")]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	_, _ = w.Write(data)
}
