package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	pollLimit    = 100
	maxParallel  = 16 // chats handled at once within a batch
	confirmAfter = 2 * time.Second
)

// allowedUpdates are the only update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// Run long-polls for updates and handles them until ctx is cancelled, then
// waits up to Config.DrainTimeout for the updates in hand and returns nil.
// Updates of one chat are handled in order, chats in parallel. An update is
// confirmed to Telegram only after its whole batch was handled, so updates
// lost to a crash are delivered again. Run fails only on a revoked token or
// when called while already running.
func (t *Telegram) Run(ctx context.Context) error {
	if !t.running.CompareAndSwap(false, true) {
		return errors.New("run telegram: already running")
	}
	defer t.running.Store(false)
	// Handlers and their replies outlive ctx by the drain timeout at most.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	defer t.confirm()
	t.log.Info("telegram polling started", "bot", t.username)
	defer t.log.Info("telegram polling stopped", "bot", t.username)
	warned := false // the webhook hint is logged once per run
	for failures := 0; ; {
		updates, err := t.poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			var tgErr *tgbotapi.Error
			if errors.As(err, &tgErr) && tgErr.Code == http.StatusUnauthorized {
				return fmt.Errorf("run telegram: %w", err)
			}
			if hint, ok := webhookConflict(err); ok && !warned {
				warned = true
				t.log.Warn(hint)
			}
			failures++
			t.log.Warn("get updates failed, retrying", "attempt", failures, "err", t.errText(err))
			if !t.cfg.clock.Sleep(ctx, backoff(failures, 500*time.Millisecond, 30*time.Second, t.cfg.jitter)) {
				return nil
			}
			continue
		}
		failures = 0
		if len(updates) > 0 && !t.runBatch(ctx, work, cancelWork, updates) {
			return nil
		}
	}
}

// poll makes one getUpdates call from the current offset.
func (t *Telegram) poll(ctx context.Context) ([]tgbotapi.Update, error) {
	t.mu.Lock()
	offset := t.offset
	t.mu.Unlock()
	cfg := tgbotapi.UpdateConfig{
		Offset:         offset,
		Limit:          pollLimit,
		Timeout:        max(1, int(t.cfg.PollTimeout/time.Second)),
		AllowedUpdates: allowedUpdates,
	}
	updates, err := t.api.with(ctx, t.pollClient).GetUpdates(cfg)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", redactError(err, t.cfg.Token))
	}
	t.mu.Lock()
	t.confirmed = offset
	t.mu.Unlock()
	return updates, nil
}

// runBatch handles a batch and advances the offset past it. On shutdown it
// waits for the batch up to the drain timeout and reports false.
func (t *Telegram) runBatch(ctx, work context.Context, cancelWork context.CancelFunc, updates []tgbotapi.Update) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.handleBatch(work, updates)
	}()
	select {
	case <-done:
		t.advance(updates)
		return true
	case <-ctx.Done():
	}
	timer := time.NewTimer(t.cfg.DrainTimeout)
	defer timer.Stop()
	select {
	case <-done:
		t.advance(updates)
	case <-timer.C:
		cancelWork()
		t.log.Warn("shutdown: updates still in progress after drain timeout, left unconfirmed", "updates", len(updates))
	}
	return false
}

// advance moves the offset past every update of a handled batch, whatever
// their ids: after a week of silence Telegram may restart ids lower.
func (t *Telegram) advance(updates []tgbotapi.Update) {
	highest := updates[0].UpdateID
	for _, u := range updates[1:] {
		highest = max(highest, u.UpdateID)
	}
	t.mu.Lock()
	t.offset = highest + 1
	t.mu.Unlock()
}

// confirm tells Telegram, on the way out, about updates handled since the
// last getUpdates, so a restart does not handle them twice.
func (t *Telegram) confirm() {
	t.mu.Lock()
	offset, confirmed := t.offset, t.confirmed
	t.mu.Unlock()
	if offset == confirmed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), confirmAfter)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: 1, AllowedUpdates: allowedUpdates}
	if _, err := t.api.with(ctx, t.sendClient).GetUpdates(cfg); err != nil {
		t.log.Warn("confirm handled updates", "err", t.errText(redactError(err, t.cfg.Token)))
		return
	}
	t.mu.Lock()
	t.confirmed = offset
	t.mu.Unlock()
}

// handleBatch handles one chat's updates in order, in one goroutine per chat,
// at most maxParallel chats at once.
func (t *Telegram) handleBatch(ctx context.Context, updates []tgbotapi.Update) {
	var order []int64
	byChat := make(map[int64][]tgbotapi.Update)
	for _, u := range updates {
		chat := chatOf(u)
		if chat == 0 {
			t.skip(ctx, u)
			continue
		}
		if _, ok := byChat[chat]; !ok {
			order = append(order, chat)
		}
		byChat[chat] = append(byChat[chat], u)
	}
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for _, chat := range order {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			for _, u := range byChat[chat] {
				t.handleUpdate(ctx, u)
			}
		})
	}
	wg.Wait()
}

// handleUpdate runs the handler on one update and delivers its response.
func (t *Telegram) handleUpdate(ctx context.Context, u tgbotapi.Update) {
	in, ok := t.input(u)
	if !ok {
		return
	}
	resp := t.handler.Handle(ctx, in)
	t.deliver(ctx, in, resp)
}

// skip drops an update the bot does not handle; a callback query without a
// message (from an inline message) is answered so its spinner stops.
func (t *Telegram) skip(ctx context.Context, u tgbotapi.Update) {
	if cq := u.CallbackQuery; cq != nil {
		if err := t.answerCallback(ctx, cq.ID, ""); err != nil {
			t.log.Warn("answer callback query", "update_id", u.UpdateID, "err", t.errText(err))
		}
	}
}
