package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

const (
	pollLimit    = 100
	confirmAfter = 2 * time.Second
	// minPollGap is the least time between the starts of two polls when
	// the first came back empty.
	minPollGap    = time.Second
	pollRetryBase = 500 * time.Millisecond
	// settleWait is how long the poll loop waits for the updates in hand
	// before it polls again; repollGap how long at least, once one of
	// them has finished (see dispatcher.waitSettle).
	settleWait = 200 * time.Millisecond
	repollGap  = 15 * time.Millisecond
	// repollPerUpdate: with n updates in hand the loop polls again after
	// at most n × this, finished or not (see dispatcher.waitSettle).
	repollPerUpdate = 2 * time.Millisecond
	pollRetryCap    = 30 * time.Second
)

// allowedUpdates are the only update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// Run long-polls for updates and handles them until ctx is cancelled, then
// waits up to Config.DrainTimeout for the updates in hand and returns nil.
// It polls only while it holds the polling lease (Config.Locker), so that
// of several processes with one token one polls and the others wait.
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
	t.log.Info("telegram polling started", "bot", t.username)
	defer t.log.Info("telegram polling stopped", "bot", t.username)
	var err error
	for {
		lease := t.acquireLease(ctx)
		if lease == nil {
			break
		}
		held, stop := t.keepLease(ctx, lease)
		err = t.pollLoop(ctx, held, work, cancelWork)
		stop()
		// Finish the updates in hand before another process may poll.
		t.drainUpdates(cancelWork)
		if ctx.Err() != nil || err != nil {
			t.confirm() // before the next holder polls
			t.releaseLease(lease)
			break
		}
		// Lost: what was handled is confirmed by the next holder's poll.
		t.releaseLease(lease)
	}
	t.drainSends(cancelWork)
	return err
}

// drainUpdates waits up to the drain timeout for the updates in hand, then
// cancels them; those left unfinished stay unconfirmed and come again.
func (t *Telegram) drainUpdates(cancelWork context.CancelFunc) {
	if !t.disp.idle(t.cfg.DrainTimeout) {
		t.log.Warn("updates still in progress after the drain timeout, left unconfirmed")
		cancelWork()
		t.disp.idle(confirmAfter)
	}
	t.advance(t.disp.offset())
}

// drainSends waits up to the drain timeout for messages still on their way
// (waiting out a 429, retrying), then cancels them: each is logged and
// reported like any reply that could not be delivered.
func (t *Telegram) drainSends(cancelWork context.CancelFunc) {
	if t.send.idle(t.cfg.DrainTimeout) {
		return
	}
	t.log.Warn("shutdown: messages still waiting on Telegram after the drain timeout, given up")
	cancelWork()
	t.send.idle(confirmAfter)
}

// pollState is what the poll loop remembers between calls.
type pollState struct {
	failures int             // failed polls in a row
	warned   map[string]bool // 409 meanings already logged
}

// pollLoop polls and handles until ctx is done or the lease is lost
// (held is done), then returns nil; or until the token is revoked (an
// error). A batch in hand is handled to the end either way, up to the
// drain timeout on shutdown.
func (t *Telegram) pollLoop(ctx, held, work context.Context, cancelWork context.CancelFunc) error {
	st := pollState{warned: map[string]bool{}}
	for {
		start := t.cfg.clock.Now()
		b, err := t.poll(held)
		if held.Err() != nil {
			return nil
		}
		if err != nil {
			if err := t.pollFailed(held, err, &st); err != nil {
				return err
			}
			continue
		}
		st.failures = 0
		t.disp.dispatch(work, b.updates, chatOf)
		if b.highest > 0 {
			t.disp.seen(b.highest) // undecodable ones are confirmed as handled
		}
		t.advance(t.disp.offset())
		switch {
		case len(b.updates) > 0:
			// Wait for what is in hand, but not for long: the next poll
			// gets Telegram's unconfirmed updates again with the new ones,
			// so polling at every finished update would decode the same
			// backlog over and over (decodeBatch skips those in hand
			// cheaply, but not for free), while waiting for the whole
			// batch keeps a user whose chat is free waiting for the
			// slowest chat of it (a stalled database: up to settleWait).
			t.disp.waitSettle(held, repollGap, settleWait, repollPerUpdate)
		case b.highest > 0:
		default:
			// An empty answer before the long-poll timeout (a proxy that
			// ignores it, a server in trouble) would make the loop spin.
			if gap := minPollGap - t.cfg.clock.Now().Sub(start); gap > 0 && !t.cfg.clock.Sleep(held, gap) {
				return nil
			}
		}
	}
}

// pollFailed logs a failed getUpdates and waits before the next: as long
// as Telegram asks (429 retry_after), else a growing backoff. It returns an
// error only when polling cannot go on (the token was revoked).
func (t *Telegram) pollFailed(ctx context.Context, err error, st *pollState) error {
	var tgErr *tgbotapi.Error
	isTG := errors.As(err, &tgErr)
	if isTG && tgErr.Code == http.StatusUnauthorized {
		return fmt.Errorf("run telegram: %w", err)
	}
	st.failures++
	wait := backoff(st.failures, pollRetryBase, pollRetryCap, t.cfg.jitter)
	switch {
	case isTG && tgErr.RetryAfter > 0:
		wait = time.Duration(tgErr.RetryAfter) * time.Second
		t.log.Warn("telegram asked to wait before polling again (429)", "retry_after", wait)
	case isTG && tgErr.Code == http.StatusConflict:
		meaning := conflictMeaning(tgErr)
		if !st.warned[meaning] {
			st.warned[meaning] = true
			t.log.Warn(meaning, "retry_in", wait)
		}
	default:
		t.log.Warn("get updates failed, retrying", "attempt", st.failures, "retry_in", wait, "err", t.errText(err))
	}
	t.cfg.clock.Sleep(ctx, wait)
	return nil
}

// poll makes one getUpdates call from the current offset (getUpdates) and
// decodes the answer update by update (see decodeBatch).
func (t *Telegram) poll(ctx context.Context) (batch, error) {
	offset := t.disp.offset()
	t.advance(offset)
	p := tgbotapi.Params{}
	p.AddNonZero("offset", offset)
	p.AddNonZero("limit", pollLimit)
	p.AddNonZero("timeout", max(1, int(t.cfg.PollTimeout/time.Second)))
	if err := p.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return batch{}, fmt.Errorf("getUpdates: %w", err)
	}
	raws, err := t.getUpdates(ctx, p)
	if err != nil {
		return batch{}, fmt.Errorf("getUpdates: %w", err)
	}
	t.mu.Lock()
	t.confirmed = offset
	t.mu.Unlock()
	t.disp.acked(offset)
	return decodeBatch(raws, t.disp.known, t.log), nil
}

// advance sets the offset the next getUpdates confirms with.
func (t *Telegram) advance(offset int) {
	t.mu.Lock()
	t.offset = offset
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
	p := tgbotapi.Params{}
	p.AddNonZero("offset", offset)
	p.AddNonZero("limit", 1)
	if err := p.AddInterface("allowed_updates", allowedUpdates); err != nil {
		t.log.Error("encode allowed updates", "err", err)
		return
	}
	// The answer is not read: what it holds is delivered again next time.
	if _, err := t.call(ctx, "getUpdates", p); err != nil {
		t.log.Warn("confirm handled updates", "err", t.errText(err))
		return
	}
	t.mu.Lock()
	t.confirmed = offset
	t.mu.Unlock()
}

// handleUpdate runs the handler on one update and delivers its response.
func (t *Telegram) handleUpdate(ctx context.Context, u tgbotapi.Update) {
	if chatOf(u) == 0 {
		t.skip(ctx, u)
		return
	}
	in, ok := t.input(u)
	if !ok {
		return
	}
	if forged(in) {
		t.log.Warn("callback from another user than the private chat's refused", "update_id", in.UpdateID, "chat_id", in.ChatID, "user_id", in.UserID)
		if err := t.answerCallback(ctx, in.CallbackID, ""); err != nil {
			t.log.Warn("answer callback query", "update_id", in.UpdateID, "err", t.errText(err))
		}
		return
	}
	resp := t.handler.Handle(t.withProgress(ctx, in.ChatID), in)
	t.deliver(ctx, in, resp)
}

// forged reports a callback query in a private chat whose sender is not
// that chat's user. In a private chat the chat id is the user's id, and
// only that user sees its buttons; a query from anyone else would act with
// the sender's rights on another user's conversation (a forged or replayed
// query), so it is refused before any handler sees it.
func forged(in handlers.Input) bool {
	return in.CallbackID != "" && in.ChatType == handlers.ChatPrivate && in.UserID != in.ChatID
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
