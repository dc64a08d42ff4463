// Package telegramtest is a fake Telegram Bot API server for tests. It
// speaks the HTTP protocol that tgbotapi uses (form-encoded or multipart
// POSTs to /bot<token>/<method>, JSON answers, file downloads from
// /file/bot<token>/<path>), queues updates for getUpdates with Telegram's
// offset semantics, and records what the bot sends, documents included.
package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

// Bot is the user that getMe answers.
var Bot = tgbotapi.User{ID: 1000001, IsBot: true, FirstName: "Huifang", UserName: "huifang_test_bot"}

// Sent is one message the bot sent or edited.
type Sent struct {
	Method    string // "sendMessage", "editMessageText", "sendDocument" or "sendPhoto"
	ChatID    int64
	MessageID int
	Text      string // the caption of a document
	ParseMode string
	Buttons   [][]handlers.Button
	Protect   bool
	// Document and DocumentData are the file name and content of a
	// sendDocument.
	Document     string
	DocumentData []byte
}

// Server is a fake Bot API. Its methods are safe for concurrent use.
type Server struct {
	token string
	srv   *httptest.Server

	mu         sync.Mutex
	nextUpdate int
	pending    []pending
	confirmed  int
	arrived    chan struct{} // closed and replaced when an update is queued
	sentCh     chan struct{} // closed and replaced when a message is sent
	sent       []Sent
	answers    []string
	commands   map[string][]handlers.Command
	failures   map[string][]failure
	chats      map[int64]*chat
	users      map[int64]profile
	files      map[string][]byte
	blocked    map[int64]bool
	nextQuery  int
	hooks      webhooks // see webhook.go
	calls      []Call
	callCh     chan struct{} // closed and replaced on every call
	emptyNow   bool          // getUpdates answers at once, even with nothing
}

// Call is one Bot API request the server received, in arrival order.
type Call struct {
	Method string
	ChatID int64 // the chat_id parameter, 0 when there is none
}

type pending struct {
	id        int
	update    tgbotapi.Update
	raw       json.RawMessage // when set, delivered verbatim instead of update
	delivered bool
}

type failure struct{ code, retryAfter int }

type profile struct{ firstName, lang string }

// chat is the fake's record of the messages in one chat.
type chat struct {
	nextID   int
	messages map[int]stored
}

type stored struct {
	text, markup string
	document     bool // a document, whose text is its caption
}

// NewServer starts a fake Bot API for token, closed when the test ends.
func NewServer(tb testing.TB, token string) *Server {
	tb.Helper()
	s := &Server{
		token:      token,
		nextUpdate: 100,
		arrived:    make(chan struct{}),
		sentCh:     make(chan struct{}),
		callCh:     make(chan struct{}),
		commands:   make(map[string][]handlers.Command),
		failures:   make(map[string][]failure),
		chats:      make(map[int64]*chat),
		users:      make(map[int64]profile),
		files:      make(map[string][]byte),
		blocked:    make(map[int64]bool),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(s.srv.Close)
	return s
}

// Endpoint is the API endpoint format for bot.Config.Endpoint.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Client is an HTTP client for the server; its Transport can go into
// bot.Config.Transport.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// SetUser sets the first name and language_code of userID's later updates
// (default "Tester" and none).
func (s *Server) SetUser(userID int64, firstName, lang string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[userID] = profile{firstName: firstName, lang: lang}
}

// ResetUpdateIDs makes the next update id next, as Telegram does after a
// week without updates (often lower than the bot's offset).
func (s *Server) ResetUpdateIDs(next int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdate = next
}

// SendText queues a text message from userID in private chat chatID and
// returns its update id.
func (s *Server) SendText(chatID, userID int64, text string) int {
	return s.enqueueMessage(chatID, "private", userID, text, nil)
}

// SendGroupText queues a text message from userID in group chatID
// (negative, as Telegram's group ids are) and returns its update id.
func (s *Server) SendGroupText(chatID, userID int64, text string) int {
	return s.enqueueMessage(chatID, "group", userID, text, nil)
}

// SendDocument queues a private message carrying a document whose content
// getFile and the file download (at the path getFile answers, under
// Endpoint's host) then serve; it returns the update id. As on Telegram,
// getFile refuses a file over 20 MB with 400 "file is too big".
func (s *Server) SendDocument(chatID, userID int64, fileID, fileName string, data []byte) int {
	s.mu.Lock()
	s.files[fileID] = append([]byte(nil), data...)
	s.mu.Unlock()
	doc := &tgbotapi.Document{FileID: fileID, FileUniqueID: fileID, FileName: fileName, FileSize: len(data)}
	return s.enqueueMessage(chatID, "private", userID, "", doc)
}

func (s *Server) enqueueMessage(chatID int64, chatType string, userID int64, text string, doc *tgbotapi.Document) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.nextID++
	msg := &tgbotapi.Message{
		MessageID: c.nextID,
		From:      s.userLocked(userID),
		Date:      int(time.Now().Unix()),
		Chat:      &tgbotapi.Chat{ID: chatID, Type: chatType},
		Text:      text,
		Document:  doc,
	}
	return s.enqueueLocked(tgbotapi.Update{Message: msg})
}

// Press queues a callback query: userID pressed the button with data under
// message messageID of chatID. It returns the update id.
func (s *Server) Press(chatID, userID int64, messageID int, data string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextQuery++
	bot := Bot
	q := &tgbotapi.CallbackQuery{
		ID:           "cq" + strconv.Itoa(s.nextQuery),
		From:         s.userLocked(userID),
		ChatInstance: strconv.FormatInt(chatID, 10),
		Data:         data,
		Message: &tgbotapi.Message{
			MessageID: messageID,
			From:      &bot,
			Date:      int(time.Now().Unix()),
			Chat:      &tgbotapi.Chat{ID: chatID, Type: chatType(chatID)},
		},
	}
	if m := s.chatLocked(chatID).messages[messageID]; m.document {
		q.Message.Caption = m.text
	} else {
		q.Message.Text = m.text
	}
	return s.enqueueLocked(tgbotapi.Update{CallbackQuery: q})
}

// PressInline queues a callback query from a button of an inline message,
// which carries no message, and returns its update id.
func (s *Server) PressInline(userID int64, data string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextQuery++
	q := &tgbotapi.CallbackQuery{
		ID:              "cq" + strconv.Itoa(s.nextQuery),
		From:            s.userLocked(userID),
		InlineMessageID: "inline" + strconv.Itoa(s.nextQuery),
		Data:            data,
	}
	return s.enqueueLocked(tgbotapi.Update{CallbackQuery: q})
}

// SendRaw queues an update given as JSON, verbatim: format holds one %d
// for the update id. It is how a test makes updates that tgbotapi cannot
// decode, such as {"update_id":%d,"message":"hello"}. It returns the id.
func (s *Server) SendRaw(format string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextUpdate
	s.nextUpdate++
	s.pending = append(s.pending, pending{id: id, raw: json.RawMessage(fmt.Sprintf(format, id))})
	close(s.arrived)
	s.arrived = make(chan struct{})
	return id
}

// AnswerAtOnce makes getUpdates answer at once even when nothing is
// pending, ignoring its timeout, as a misbehaving proxy in front of the
// Bot API might.
func (s *Server) AnswerAtOnce() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emptyNow = true
}

// Calls returns every request received so far (bad tokens excepted),
// failed ones included, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CountCalls returns how many requests of method arrived so far.
func (s *Server) CountCalls(method string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

// WaitCalls waits until at least n requests of method arrived; it fails
// the test after timeout.
func (s *Server) WaitCalls(tb testing.TB, method string, n int, timeout time.Duration) {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got := 0
		for _, c := range s.calls {
			if c.Method == method {
				got++
			}
		}
		wait := s.callCh
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-wait:
		case <-timer.C:
			tb.Fatalf("telegramtest: %d %s calls after %s, want %d", got, method, timeout, n)
			return
		}
	}
}

func (s *Server) recordCall(method string, r *http.Request) {
	chatID, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: method, ChatID: chatID})
	close(s.callCh)
	s.callCh = make(chan struct{})
}

func (s *Server) enqueueLocked(u tgbotapi.Update) int {
	id := s.nextUpdate
	s.nextUpdate++
	u.UpdateID = id
	s.pending = append(s.pending, pending{id: id, update: u})
	close(s.arrived)
	s.arrived = make(chan struct{})
	return id
}

func (s *Server) userLocked(userID int64) *tgbotapi.User {
	p, ok := s.users[userID]
	if !ok {
		p.firstName = "Tester"
	}
	return &tgbotapi.User{ID: userID, FirstName: p.firstName, LanguageCode: p.lang}
}

func (s *Server) chatLocked(chatID int64) *chat {
	c := s.chats[chatID]
	if c == nil {
		c = &chat{messages: make(map[int]stored)}
		s.chats[chatID] = c
	}
	return c
}

// Sent returns every message sent or edited so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// ClearSent forgets the messages recorded so far: Sent and WaitSent count
// from here on. Handy between the steps of a conversation.
func (s *Server) ClearSent() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = nil
}

// WaitSent waits until at least n messages were sent in all and returns
// them; it fails the test after timeout. Call it from the test goroutine.
func (s *Server) WaitSent(tb testing.TB, n int, timeout time.Duration) []Sent {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.sent) >= n {
			out := append([]Sent(nil), s.sent...)
			s.mu.Unlock()
			return out
		}
		wait := s.sentCh
		s.mu.Unlock()
		select {
		case <-wait:
		case <-timer.C:
			got := s.Sent()
			tb.Fatalf("telegramtest: %d messages sent after %s, want %d: %+v", len(got), timeout, n, got)
			return got
		}
	}
}

// CallbackAnswers returns the texts of every answerCallbackQuery so far,
// "" for answers without text.
func (s *Server) CallbackAnswers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.answers...)
}

// Commands returns the last setMyCommands menu per language code.
func (s *Server) Commands() map[string][]handlers.Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]handlers.Command, len(s.commands))
	for k, v := range s.commands {
		out[k] = append([]handlers.Command(nil), v...)
	}
	return out
}

// FailNext makes the next call of method fail with code: 429 answers carry
// parameters.retry_after = retryAfter. Calls queue up, one failure each.
func (s *Server) FailNext(method string, code int, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], failure{code: code, retryAfter: retryAfter})
}

// Block makes every later message to chatID (sendMessage, editMessageText,
// sendDocument) fail with 403, as when that user blocked the bot.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

func (s *Server) isBlocked(method string, r *http.Request) bool {
	switch method {
	case "sendMessage", "editMessageText", "sendDocument", "sendPhoto":
	default:
		return false
	}
	chatID, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[chatID]
}

// Confirmed returns the highest update id confirmed by the latest
// getUpdates offset that confirmed any (0 if none yet).
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// Pending returns the number of updates queued and not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// serveHTTP routes /bot<token>/<method> and /file/bot<token>/<path>.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+s.token+"/"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, http.StatusNotFound, "Not Found", 0)
		return
	}
	if token != s.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	// Larger parts of a multipart upload go to temporary files, which
	// net/http removes when the handler returns.
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	s.recordCall(method, r)
	if f, ok := s.takeFailure(method); ok {
		writeError(w, f.code, describe(f.code, f.retryAfter), f.retryAfter)
		return
	}
	if s.isBlocked(method, r) {
		writeError(w, http.StatusForbidden, describe(http.StatusForbidden, 0), 0)
		return
	}
	s.dispatch(w, r, method)
}

func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failures[method]
	if len(q) == 0 {
		return failure{}, false
	}
	s.failures[method] = q[1:]
	return q[0], true
}

func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeError(w http.ResponseWriter, code int, description string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if retryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// describe is Telegram's description for an injected failure.
func describe(code, retryAfter int) string {
	switch code {
	case http.StatusTooManyRequests:
		return "Too Many Requests: retry after " + strconv.Itoa(retryAfter)
	case http.StatusForbidden:
		return "Forbidden: bot was blocked by the user"
	case http.StatusBadRequest:
		return "Bad Request: message to edit not found"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusConflict:
		return "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	default:
		if code >= 500 {
			return "Internal Server Error"
		}
		return http.StatusText(code)
	}
}
