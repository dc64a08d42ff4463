package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Webhook defaults and limits. The rules for the URL, the listen address
// and the secret's format are config's (config.Validate), which checks
// them where they are read; only main passes them here.
const (
	DefaultWebhookMaxConns = 40
	MaxWebhookMaxConns     = 100
	// WebhookSecretHeader carries WebhookConfig.Secret in Telegram's POSTs.
	WebhookSecretHeader = "X-Telegram-Bot-Api-Secret-Token"

	maxWebhookBody = 1 << 20 // an update is a few KB; 1 MB is generous
)

// WebhookConfig configures RunWebhook.
// URL, Listen and Secret come from config, which validated them.
type WebhookConfig struct {
	URL      string // public HTTPS URL Telegram posts to, e.g. https://bot.example.org/tg
	Listen   string // address to listen on, e.g. ":8443" or "127.0.0.1:8080" (TLS is terminated by a reverse proxy); required
	Path     string // URL path to serve; default the path of URL
	Secret   string // secret_token (config checks Telegram's format); required
	MaxConns int    // max_connections 1–100, default 40

	// listener, when set (tests), is served instead of listening on Listen.
	listener net.Listener
}

// withDefaults fills the defaults in. It refuses only what would leave
// the server unsafe or unusable: no secret (anyone could post updates), no
// address, a URL it cannot take the path from. Telegram's own rules for
// the URL and the secret are config's.
func (c WebhookConfig) withDefaults() (WebhookConfig, error) {
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return c, errors.New("webhook URL must be an absolute URL such as https://bot.example.org/tg")
	}
	if c.Listen == "" && c.listener == nil {
		return c, errors.New("webhook listen address is empty")
	}
	if c.Secret == "" {
		return c, errors.New("webhook secret is empty: every request would be accepted")
	}
	if c.Path == "" {
		c.Path = u.EscapedPath()
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " {}?#") {
		return c, fmt.Errorf("webhook path %q must start with / and hold no spaces, braces, ? or #", c.Path)
	}
	if c.MaxConns == 0 {
		c.MaxConns = DefaultWebhookMaxConns
	}
	if c.MaxConns < 1 || c.MaxConns > MaxWebhookMaxConns {
		return c, fmt.Errorf("webhook max connections %d is not from 1 to %d", c.MaxConns, MaxWebhookMaxConns)
	}
	return c, nil
}

// RunWebhook registers cfg.URL with setWebhook and serves Telegram's POSTs
// on its own HTTP server until ctx is cancelled. Each update goes through
// the same pipeline as with Run (convert, recover and log, handler, deliver
// the replies and answer the callback); updates of one chat are handled one
// at a time in arrival order, chats in parallel. Telegram gets its 200 only
// once the update was handled, so an update lost to a crash is sent again;
// an update whose handler panicked is still answered 200 after the apology.
//
// On cancel it stops accepting requests and waits up to Config.DrainTimeout
// for the updates in hand, then returns nil. It does not delete the webhook
// (another replica may still serve it): DeleteWebhook does, before going
// back to Run. It fails on an invalid cfg, when the address cannot be
// listened on or Telegram refuses the webhook, or when called while Run or
// RunWebhook is running.
func (t *Telegram) RunWebhook(ctx context.Context, cfg WebhookConfig) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return fmt.Errorf("run telegram webhook: %w", err)
	}
	if !t.running.CompareAndSwap(false, true) {
		return errors.New("run telegram webhook: already running")
	}
	defer t.running.Store(false)

	ln := cfg.listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
			return fmt.Errorf("run telegram webhook: %w", err)
		}
	}
	// Handlers and their replies outlive ctx by the drain timeout at most.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	wh := t.newWebhook(work, cfg)
	mux := http.NewServeMux()
	mux.Handle(cfg.Path, wh)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Handling (with its replies, paced at about one a second per
		// chat) happens before the answer is written.
		WriteTimeout:   2 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(t.log.Handler(), slog.LevelWarn),
		BaseContext:    func(net.Listener) context.Context { return work },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// Listen first, so that the first POSTs after setWebhook find us.
	if err := t.setWebhook(ctx, cfg); err != nil {
		_ = srv.Close()
		<-served
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("run telegram webhook: %w", err)
	}
	t.log.Info("telegram webhook started", "bot", t.username, "listen", ln.Addr().String(), "path", cfg.Path)
	defer t.log.Info("telegram webhook stopped", "bot", t.username)

	select {
	case err := <-served:
		return fmt.Errorf("run telegram webhook: serve: %w", err)
	case <-ctx.Done():
	}
	t.shutdownWebhook(srv, wh, cancelWork)
	<-served
	t.drainSends(cancelWork)
	return nil
}

// shutdownWebhook stops accepting requests and waits for the updates in
// hand up to the drain timeout; past it, their handling is cancelled and
// they are answered 503, so Telegram sends them again.
func (t *Telegram) shutdownWebhook(srv *http.Server, wh *webhook, cancelWork context.CancelFunc) {
	sctx, cancel := context.WithTimeout(context.Background(), t.cfg.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(sctx) // waits for the handlers, which answer after handling
	wh.close()
	if err == nil {
		return
	}
	t.log.Warn("shutdown: updates still in progress after drain timeout, cancelled and left unacknowledged", "updates", wh.active())
	cancelWork()
	select {
	case <-wh.idle:
	case <-time.After(confirmAfter):
		t.log.Warn("shutdown: handlers did not stop after cancel", "updates", wh.active())
	}
	_ = srv.Close()
}

// setWebhook registers the webhook; tgbotapi's WebhookConfig has no
// secret_token, hence the raw request.
func (t *Telegram) setWebhook(ctx context.Context, cfg WebhookConfig) error {
	p := tgbotapi.Params{
		"url":                  cfg.URL,
		"secret_token":         cfg.Secret,
		"max_connections":      strconv.Itoa(cfg.MaxConns),
		"drop_pending_updates": "false",
	}
	if err := p.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return fmt.Errorf("encode allowed updates: %w", err)
	}
	if _, err := t.send.do(ctx, "setWebhook", p); err != nil {
		return errors.New(t.errText(err))
	}
	return nil
}

// DeleteWebhook removes the webhook, keeping the pending updates, so that
// Run's getUpdates works again (Telegram answers it 409 while a webhook is
// set). Call it only when no replica serves the webhook any more.
func (t *Telegram) DeleteWebhook(ctx context.Context) error {
	p := tgbotapi.Params{"drop_pending_updates": "false"}
	if _, err := t.send.do(ctx, "deleteWebhook", p); err != nil {
		return fmt.Errorf("delete webhook: %s", t.errText(err))
	}
	return nil
}

// conflictMeaning explains Telegram's 409 to getUpdates for the log: a
// webhook is set, or another process polls with the same token.
func conflictMeaning(err *tgbotapi.Error) string {
	if strings.Contains(strings.ToLower(err.Message), "webhook") {
		return "telegram answered 409 Conflict: a webhook is set for this bot, so long polling gets no updates: serve with TELEGRAM_WEBHOOK_URL, " +
			"or delete the webhook (deleteWebhook, Telegram.DeleteWebhook) before running with polling"
	}
	return "telegram answered 409 Conflict: another process is polling with this bot token (only one poller gets updates): " +
		"stop it, or give every replica the same REDIS_URL so that they take turns"
}

// webhook is the HTTP handler of RunWebhook.
type webhook struct {
	t    *Telegram
	cfg  WebhookConfig
	work context.Context // handlers' context, cancelled past the drain timeout

	mu      sync.Mutex
	chats   map[int64]*chatQueue // chats with an update in hand; evicted when idle
	running int                  // requests being handled
	closed  bool
	idle    chan struct{} // closed once closed and running == 0
}

// chatQueue orders one chat's updates: the first holds the turn, the others
// wait in arrival order.
type chatQueue struct {
	waiting []chan struct{}
}

func (t *Telegram) newWebhook(work context.Context, cfg WebhookConfig) *webhook {
	return &webhook{t: t, cfg: cfg, work: work, chats: make(map[int64]*chatQueue), idle: make(chan struct{})}
}

// begin counts a request in, or reports false once shutting down.
func (w *webhook) begin() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return false
	}
	w.running++
	return true
}

func (w *webhook) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running--
	if w.closed && w.running == 0 {
		close(w.idle)
	}
}

// close refuses new requests; idle is closed once the running ones end.
func (w *webhook) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.closed = true
	if w.running == 0 {
		close(w.idle)
	}
}

func (w *webhook) active() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.running
}

// lock takes chat's turn, waiting for the updates of that chat that arrived
// before. It reports false when ctx ends first (Telegram hung up).
func (w *webhook) lock(ctx context.Context, chat int64) bool {
	w.mu.Lock()
	q, busy := w.chats[chat]
	if !busy {
		w.chats[chat] = &chatQueue{}
		w.mu.Unlock()
		return true
	}
	turn := make(chan struct{})
	q.waiting = append(q.waiting, turn)
	w.mu.Unlock()
	select {
	case <-turn:
		return true
	case <-ctx.Done():
	}
	w.mu.Lock()
	select {
	case <-turn: // handed the turn meanwhile: pass it on
		w.mu.Unlock()
		w.unlock(chat)
		return false
	default:
	}
	for i, c := range q.waiting {
		if c == turn {
			q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
			break
		}
	}
	w.mu.Unlock()
	return false
}

// unlock hands chat's turn to the next update, or forgets the chat.
func (w *webhook) unlock(chat int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.chats[chat]
	if len(q.waiting) == 0 {
		delete(w.chats, chat)
		return
	}
	next := q.waiting[0]
	q.waiting = q.waiting[1:]
	close(next)
}

// ServeHTTP takes one update from Telegram: a POST to the path with the
// secret header and an Update as JSON. It answers only once the update was
// handled and its replies sent.
func (w *webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != w.cfg.Path {
		http.NotFound(rw, r)
		return
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get(WebhookSecretHeader)
	if subtle.ConstantTimeCompare([]byte(got), []byte(w.cfg.Secret)) != 1 {
		// Neither the header nor the body: only that it happened.
		w.t.log.Warn("webhook request with a wrong or missing secret token refused")
		http.Error(rw, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, status := readBody(rw, r)
	if status == http.StatusOK && !json.Valid(body) {
		status = http.StatusBadRequest // not JSON at all: not an update
	}
	if status != http.StatusOK {
		w.t.log.Warn("webhook request with an unreadable body refused", "status", status)
		http.Error(rw, http.StatusText(status), status)
		return
	}
	u, id, err := decodeUpdate(body)
	if err != nil {
		// Sending it again would not make it decodable: acknowledge it,
		// as the poll loop confirms it, so Telegram moves on.
		logUndecodable(w.t.log, id, err)
		rw.WriteHeader(http.StatusOK)
		return
	}
	if !w.begin() {
		http.Error(rw, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer w.end()
	if !w.handle(r.Context(), u) {
		http.Error(rw, "not handled", http.StatusServiceUnavailable)
		return
	}
	rw.WriteHeader(http.StatusOK)
}

// readBody reads the body, at most maxWebhookBody bytes.
func readBody(rw http.ResponseWriter, r *http.Request) ([]byte, int) {
	if r.ContentLength > maxWebhookBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxWebhookBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge
	case err != nil:
		return nil, http.StatusBadRequest
	}
	return body, http.StatusOK
}

// handle runs one update through the pipeline in its chat's turn. It
// reports false when the update was not (fully) handled and should be sent
// again: Telegram hung up before its turn came, or shutdown cut it short.
func (w *webhook) handle(ctx context.Context, u tgbotapi.Update) (ok bool) {
	chat := chatOf(u)
	if chat == 0 {
		w.t.skip(w.work, u)
		return true
	}
	if !w.lock(ctx, chat) {
		return false
	}
	defer w.unlock(chat)
	defer func() {
		// The handler's panics are recovered (with the apology) by the
		// middleware; this is for the rest of the pipeline. Re-sending a
		// poison update forever helps no one: acknowledge it.
		if recover() != nil {
			w.t.log.Error("webhook update panic", "update_id", u.UpdateID, "chat_id", chat)
			ok = true
		}
	}()
	w.t.handleUpdate(w.work, u)
	return w.work.Err() == nil
}
