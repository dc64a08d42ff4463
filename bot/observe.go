package bot

// Hooks for metrics. The transport reports what it does to an Observer
// (package metrics implements one); without one it reports to nobody.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

// Observer hears what the transport does. Its methods must be quick, must
// not block and must be safe for concurrent use.
type Observer interface {
	// BeginUpdate is called when the handler starts on an update of kind
	// (see UpdateKind); end is called when it returns, panicked true when
	// it panicked. The handler runs with the context returned, so an
	// observer may learn there what the handler reports of the update.
	BeginUpdate(ctx context.Context, kind string) (context.Context, func(panicked bool))
	// Call: one Bot API request ended with outcome (see callOutcome).
	Call(method, outcome string)
	// Retry: a request is tried again, after a 429 (RetryRateLimited) or
	// a network error or 5xx (RetryTransient).
	Retry(reason string)
}

// noObserver is the Observer of a Config without one.
type noObserver struct{}

func (noObserver) BeginUpdate(ctx context.Context, _ string) (context.Context, func(bool)) {
	return ctx, func(bool) {}
}
func (noObserver) Call(string, string) {}
func (noObserver) Retry(string)        {}

// Update kinds.
const (
	KindCommand  = "command"
	KindText     = "text"
	KindCallback = "callback"
	KindDocument = "document"
	KindOther    = "other"
)

// UpdateKind is what an update is, for metrics: a command, other text, a
// button, a document, or something else.
func UpdateKind(in handlers.Input) string {
	switch {
	case in.Callback != "" || in.CallbackID != "":
		return KindCallback
	case in.Document != nil:
		return KindDocument
	case strings.HasPrefix(in.Text, "/"):
		return KindCommand
	case in.Text != "":
		return KindText
	}
	return KindOther
}

// Observed wraps h so that obs hears of every update it handles: its kind,
// its end, and whether it panicked (the panic goes on to the recoverer).
func Observed(obs Observer, h handlers.Handler) handlers.Handler {
	return handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) handlers.Response {
		ctx, end := obs.BeginUpdate(ctx, UpdateKind(in))
		returned := false
		defer func() { end(!returned) }()
		resp := h.Handle(ctx, in)
		returned = true
		return resp
	})
}

// Retry reasons.
const (
	RetryRateLimited = "rate_limited" // a 429, waited out
	RetryTransient   = "transient"    // a network error or a 5xx, after a backoff
)

// Call outcomes.
const (
	OutcomeOK          = "ok"
	OutcomeRateLimited = "rate_limited" // 429
	OutcomeBlocked     = "blocked"      // 403
	OutcomeClientError = "client_error" // another 4xx
	OutcomeServerError = "server_error" // 5xx
	OutcomeNetwork     = "network"      // no answer
)

// callOutcome classifies the result of one Bot API request.
func callOutcome(err error) string {
	if err == nil {
		return OutcomeOK
	}
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		return OutcomeNetwork
	}
	switch {
	case tgErr.RetryAfter > 0 || tgErr.Code == http.StatusTooManyRequests:
		return OutcomeRateLimited
	case tgErr.Code == http.StatusForbidden:
		return OutcomeBlocked
	case tgErr.Code >= http.StatusInternalServerError:
		return OutcomeServerError
	}
	return OutcomeClientError
}

// pingFresh is how recent a successful request must be for Ping to
// trust it instead of asking getMe.
const pingFresh = 30 * time.Second

// Ping reports whether the Bot API answers: at once when a request
// succeeded within the last 30 s, else by a getMe bounded by ctx.
func (t *Telegram) Ping(ctx context.Context) error {
	if last := t.send.lastOK.Load(); last != 0 && t.cfg.clock.Now().Sub(time.Unix(0, last)) < pingFresh {
		return nil
	}
	if _, err := t.call(ctx, "getMe", nil); err != nil {
		return err
	}
	t.send.lastOK.Store(t.cfg.clock.Now().UnixNano())
	return nil
}

// QueueDepths is how many outgoing jobs are queued or under way, by class:
// "replies" (answers to users' actions) and "bulk" (reminders, digests,
// notices).
func (t *Telegram) QueueDepths() map[string]float64 {
	s := t.send
	s.mu.Lock()
	defer s.mu.Unlock()
	var replies, bulks int
	for _, c := range s.chats {
		replies += len(c.replies.jobs)
		bulks += len(c.bulks.jobs)
	}
	return map[string]float64{"replies": float64(replies), "bulk": float64(bulks)}
}
