package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

const (
	chatBurst      = 3
	groupPerMinute = 20
	sendTries      = 3               // tries of a call failing with a network error or 5xx
	maxFloodWaits  = 5               // 429 answers waited out for one call before giving up
	idleChat       = 5 * time.Minute // a chat's limiter is dropped after this long unused
	sweepEvery     = 1 * time.Minute // how often idle chats are looked for
	retryBase      = 300 * time.Millisecond
	retryCap       = 10 * time.Second
)

// callFunc makes one Bot API request.
type callFunc func(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error)

// sender is the one outgoing path: it paces calls with a global limiter, a
// per-chat limiter and a per-group limiter, serialises the calls to one
// chat, waits out 429s for that chat only, and retries transient failures.
type sender struct {
	call      callFunc
	global    *rate.Limiter
	chatRate  rate.Limit
	maxWait   time.Duration
	retryBase time.Duration
	clk       clock
	jitter    jitterFunc

	mu        sync.Mutex
	chats     map[int64]*chatSlot
	lastSweep time.Time
}

// chatSlot is the state of one chat: lock is held while a call to the chat
// is under way (a 1-slot channel so that waiting for it honours ctx).
type chatSlot struct {
	lock  chan struct{}
	lim   *rate.Limiter
	group *rate.Limiter // nil for private chats
	until time.Time     // no call before this (429 retry_after); guarded by lock

	users int       // guarded by sender.mu
	last  time.Time // guarded by sender.mu
}

func newSender(call callFunc, global, chat float64, maxWait time.Duration, clk clock, jitter jitterFunc) *sender {
	return &sender{
		call:      call,
		global:    rate.NewLimiter(rate.Limit(global), max(1, int(global))),
		chatRate:  rate.Limit(chat),
		maxWait:   maxWait,
		retryBase: retryBase,
		clk:       clk,
		jitter:    jitter,
		chats:     make(map[int64]*chatSlot),
	}
}

// do makes the call method(p) for chatID. chatID 0 marks calls that are not
// messages to a chat (callback answers, commands): they are not paced.
func (s *sender) do(ctx context.Context, chatID int64, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return s.doFunc(ctx, chatID, method, func(ctx context.Context) (*tgbotapi.APIResponse, error) {
		return s.call(ctx, method, p)
	})
}

// doFunc is do for a request that call makes, such as a file upload: it is
// paced, retried and its errors classified like any other call.
func (s *sender) doFunc(ctx context.Context, chatID int64, method string, call func(context.Context) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	if chatID == 0 {
		resp, err := s.attempts(ctx, nil, call)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		return resp, nil
	}
	slot, err := s.acquire(ctx, chatID)
	if err != nil {
		return nil, fmt.Errorf("%s to chat %d: %w", method, chatID, err)
	}
	defer s.release(slot)
	resp, err := s.attempts(ctx, slot, call)
	if err != nil {
		return nil, fmt.Errorf("%s to chat %d: %w", method, chatID, err)
	}
	return resp, nil
}

// attempts runs the call until it succeeds, fails for good, or ctx ends.
func (s *sender) attempts(ctx context.Context, slot *chatSlot, call func(context.Context) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	failures, floods := 0, 0
	for {
		if err := s.pace(ctx, slot); err != nil {
			return nil, err
		}
		resp, err := call(ctx)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		var tgErr *tgbotapi.Error
		isTG := errors.As(err, &tgErr)
		switch {
		case isTG && tgErr.RetryAfter > 0:
			floods++
			wait := time.Duration(tgErr.RetryAfter) * time.Second
			if slot != nil {
				slot.until = s.clk.Now().Add(wait)
			}
			if wait > s.maxWait || floods > maxFloodWaits {
				return nil, fmt.Errorf("%w: retry after %s: %w", ErrRateLimited, wait, err)
			}
			if slot == nil && !s.clk.Sleep(ctx, wait) {
				return nil, err
			}
		case isTG && tgErr.Code == http.StatusForbidden:
			return nil, fmt.Errorf("%w: %w", ErrBlocked, err)
		case !isTG || tgErr.Code >= http.StatusInternalServerError:
			failures++
			if failures >= sendTries || !s.clk.Sleep(ctx, backoff(failures, s.retryBase, retryCap, s.jitter)) {
				return nil, err
			}
		default:
			return nil, err
		}
	}
}

// pace waits for the chat's 429 deadline and for every limiter that applies.
func (s *sender) pace(ctx context.Context, slot *chatSlot) error {
	if slot == nil {
		return nil
	}
	now := s.clk.Now()
	if wait := slot.until.Sub(now); wait > 0 {
		if wait > s.maxWait {
			return fmt.Errorf("%w for another %s", ErrRateLimited, wait.Round(time.Second))
		}
		if !s.clk.Sleep(ctx, wait) {
			return ctx.Err()
		}
		now = s.clk.Now()
	}
	// Reservations at the clock's time rather than Limiter.Wait, so that
	// the wait goes through the clock.
	lims := []*rate.Limiter{slot.lim, slot.group, s.global}
	var wait time.Duration
	for _, lim := range lims {
		if lim != nil {
			wait = max(wait, lim.ReserveN(now, 1).DelayFrom(now))
		}
	}
	if !s.clk.Sleep(ctx, wait) {
		return fmt.Errorf("wait for rate limits: %w", ctx.Err())
	}
	return nil
}

// acquire takes the chat's slot, creating it if needed.
func (s *sender) acquire(ctx context.Context, chatID int64) (*chatSlot, error) {
	s.mu.Lock()
	now := s.clk.Now()
	s.sweepLocked(now)
	slot := s.chats[chatID]
	if slot == nil {
		slot = &chatSlot{lock: make(chan struct{}, 1), lim: rate.NewLimiter(s.chatRate, chatBurst)}
		if chatID < 0 {
			slot.group = rate.NewLimiter(rate.Every(time.Minute/groupPerMinute), chatBurst)
		}
		s.chats[chatID] = slot
	}
	slot.users++
	s.mu.Unlock()
	select {
	case slot.lock <- struct{}{}:
		return slot, nil
	case <-ctx.Done():
		s.unuse(slot)
		return nil, ctx.Err()
	}
}

func (s *sender) release(slot *chatSlot) {
	<-slot.lock
	s.unuse(slot)
}

func (s *sender) unuse(slot *chatSlot) {
	s.mu.Lock()
	slot.users--
	slot.last = s.clk.Now()
	s.mu.Unlock()
}

// sweepLocked drops chats unused for idleChat whose limiters are full again
// and who owe no 429 wait, so the map does not grow without bound.
func (s *sender) sweepLocked(now time.Time) {
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	for id, slot := range s.chats {
		if slot.users > 0 || now.Sub(slot.last) < idleChat {
			continue
		}
		// users == 0 means nobody holds lock, so reading until is safe.
		if slot.until.After(now) {
			continue
		}
		delete(s.chats, id)
	}
}
