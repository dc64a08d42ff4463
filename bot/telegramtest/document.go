package telegramtest

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	maxDownload = 20 << 20 // the largest file getFile serves
	maxUpload   = 50 << 20 // the largest document a bot may send
	maxCaption  = 1024     // UTF-16 units of a caption after entity parsing
)

// sendDocument records a multipart document upload (or the re-send of a
// known file_id) with its caption, checked as Telegram checks it, and keeps
// the file so that getFile serves it too. sendPhoto is the same with the
// file in field "photo".
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request) {
	s.sendFile(w, r, "sendDocument", "document")
}

func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, method, field string) {
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil || chatID == 0 {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	caption := r.FormValue("caption")
	if desc := checkCaption(caption, r.FormValue("parse_mode")); desc != "" {
		writeError(w, http.StatusBadRequest, desc, 0)
		return
	}
	markup := r.FormValue("reply_markup")
	buttons, desc := parseKeyboard(markup)
	if desc != "" {
		writeError(w, http.StatusBadRequest, desc, 0)
		return
	}
	name, data, code, desc := readDocument(r, field, s.knownFile)
	if desc != "" {
		writeError(w, code, desc, 0)
		return
	}
	s.mu.Lock()
	c := s.chatLocked(chatID)
	c.nextID++
	id := c.nextID
	c.messages[id] = stored{text: caption, markup: markup, document: true}
	fileID := "sent" + strconv.FormatInt(chatID, 10) + "_" + strconv.Itoa(id)
	s.files[fileID] = data
	s.recordLocked(Sent{
		Method: method, ChatID: chatID, MessageID: id, Text: caption,
		ParseMode: r.FormValue("parse_mode"), Buttons: buttons,
		Protect:  r.FormValue("protect_content") == "true",
		Document: name, DocumentData: data,
	})
	s.mu.Unlock()
	msg := botMessage(chatID, id, "")
	msg.Caption = caption
	if field == "photo" {
		msg.Photo = []tgbotapi.PhotoSize{{FileID: fileID, FileUniqueID: fileID, FileSize: len(data)}}
	} else {
		msg.Document = &tgbotapi.Document{FileID: fileID, FileUniqueID: fileID, FileName: name, FileSize: len(data)}
	}
	writeResult(w, msg)
}

func (s *Server) knownFile(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.files[id]
	return data, ok
}

// readDocument takes the field ("document", "photo") of a sendDocument or sendPhoto: an uploaded
// file, or the id of a file the server has. On failure it returns the HTTP
// code and Telegram's description.
func readDocument(r *http.Request, field string, known func(string) ([]byte, bool)) (name string, data []byte, code int, desc string) {
	f, h, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) {
		id := r.FormValue(field)
		if data, ok := known(id); ok && id != "" {
			return id, append([]byte(nil), data...), 0, ""
		}
		return "", nil, http.StatusBadRequest, "Bad Request: there is no document in the request"
	}
	if err != nil {
		return "", nil, http.StatusBadRequest, "Bad Request: " + err.Error()
	}
	defer f.Close()
	if h.Size > maxUpload {
		return "", nil, http.StatusRequestEntityTooLarge, "Request Entity Too Large"
	}
	data, err = io.ReadAll(f)
	if err != nil {
		return "", nil, http.StatusBadRequest, "Bad Request: " + err.Error()
	}
	if len(data) == 0 {
		return "", nil, http.StatusBadRequest, "Bad Request: file must be non-empty"
	}
	return h.Filename, data, 0, ""
}

// checkCaption returns Telegram's error description for a caption it would
// reject, or "": broken HTML, over 1024 UTF-16 units after entity parsing.
// A caption may be empty.
func checkCaption(caption, parseMode string) string {
	visible := caption
	if strings.EqualFold(parseMode, "HTML") {
		var desc string
		if visible, desc = parseHTML(caption); desc != "" {
			return desc
		}
	}
	if len(utf16.Encode([]rune(visible))) > maxCaption {
		return "Bad Request: message caption is too long"
	}
	return ""
}
