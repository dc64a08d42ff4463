package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// class is what a message is to the chat it goes to.
type class int

const (
	// reply answers a user's own action, in the chat of the update. The
	// user waits for it: the proactive limits never hold it back, only a
	// 429 for that chat does, as Telegram asks.
	reply class = iota
	// bulk is every message the recipient did not just ask for:
	// reminders, digests, notices to other users. It is paced (global, per
	// chat, per group) and gives way to replies.
	bulk
)

const (
	chatBurst     = 3
	bulkTries     = 3               // tries of a bulk or chat-less call failing with a network error or 5xx
	replyRetryFor = time.Minute     // how long a reply is retried on network errors and 5xx
	maxFloodWaits = 5               // 429 answers waited out for one call before giving up
	idleChat      = 5 * time.Minute // a chat's state is dropped after this long unused
	sweepEvery    = 1 * time.Minute // how often idle chats are looked for
	retryBase     = 300 * time.Millisecond
	retryCap      = 10 * time.Second
)

// callFunc makes one Bot API request.
type callFunc func(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error)

// limits are the proactive pacing of bulk messages.
type limits struct {
	global float64 // messages a second overall
	chat   float64 // messages a second to one chat
	group  float64 // messages a minute to one group
}

// sender is the one outgoing path. Messages to a chat are jobs, run in
// order per chat and class in goroutines of their own, so that a caller
// need not wait while a job waits on Telegram (a 429, a backoff) or on the
// pacing: see job.settled. It waits out 429s for that chat only, retries
// transient failures, paces bulk jobs with token buckets and lets them go
// only while no reply is being sent.
type sender struct {
	call      callFunc
	clk       clock
	jitter    jitterFunc
	global    *rate.Limiter
	chatRate  rate.Limit
	groupRate rate.Limit
	maxWait   time.Duration
	retryBase time.Duration
	obs       Observer     // hears of every request and retry
	lastOK    atomic.Int64 // when a request last succeeded, Unix ns (see Ping)

	mu        sync.Mutex
	chats     map[int64]*chatState
	lastSweep time.Time
	replying  int           // reply calls under way
	quiet     chan struct{} // closed and replaced when replying drops to 0
	pool      *workers      // runs the jobs
	running   sync.WaitGroup
}

// chatState is what the sender keeps per chat; guarded by sender.mu.
type chatState struct {
	replies, bulks jobQueue
	until          time.Time     // no call before this (429 retry_after)
	lim, group     *rate.Limiter // bulk pacing; group is nil for private chats
	users          int           // jobs referring to the state
	last           time.Time
}

func newSender(call callFunc, l limits, maxWait time.Duration, clk clock, jitter jitterFunc) *sender {
	return &sender{
		call:      call,
		clk:       clk,
		jitter:    jitter,
		global:    rate.NewLimiter(rate.Limit(l.global), max(1, int(l.global))),
		chatRate:  rate.Limit(l.chat),
		groupRate: rate.Limit(l.group / 60),
		maxWait:   maxWait,
		retryBase: retryBase,
		obs:       noObserver{},
		chats:     make(map[int64]*chatState),
		quiet:     make(chan struct{}),
		pool:      newWorkers(),
	}
}

// job is one caller's work for one chat.
type job struct {
	turn    chan struct{} // closed when the job may run
	settled chan struct{} // closed when the job is done or parked
	done    chan struct{} // closed when the job is done; err is then set
	err     error
	parked  bool // guarded by sender.mu
}

// park releases the job's caller: the job waits on Telegram or on the
// pacing, and goes on in the background. s.mu must be held.
func (j *job) parkLocked() {
	if !j.parked {
		j.parked = true
		close(j.settled)
	}
}

// wait waits until the job is done, or ctx is.
func (j *job) wait(ctx context.Context) error {
	select {
	case <-j.done:
		return j.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// jobQueue orders the jobs of one chat and class; jobs[0] is running.
// Guarded by sender.mu.
type jobQueue struct{ jobs []*job }

// pushLocked queues j; it runs at once when the queue was empty. Behind a
// parked job it is parked at once: its caller would wait for Telegram.
func (q *jobQueue) pushLocked(j *job) {
	q.jobs = append(q.jobs, j)
	switch {
	case len(q.jobs) == 1:
		close(j.turn)
	case q.jobs[0].parked:
		j.parkLocked()
	}
}

// popLocked removes the running job and starts the next.
func (q *jobQueue) popLocked() {
	q.jobs = q.jobs[1:]
	if len(q.jobs) > 0 {
		close(q.jobs[0].turn)
	}
}

func (q *jobQueue) parkLocked() {
	for _, j := range q.jobs {
		j.parkLocked()
	}
}

// submit runs fn for chatID as a job of class cl: after the jobs of that
// chat and class submitted before, in a goroutine of its own. fn makes its
// calls through the chatCall it is given. The job runs with ctx.
func (s *sender) submit(ctx context.Context, chatID int64, cl class, fn func(context.Context, *chatCall) error) *job {
	j := &job{turn: make(chan struct{}), settled: make(chan struct{}), done: make(chan struct{})}
	s.mu.Lock()
	chat := s.chatLocked(chatID)
	chat.users++
	q := chat.queue(cl)
	q.pushLocked(j)
	s.running.Add(1)
	s.mu.Unlock()
	s.pool.run(func() {
		defer s.running.Done()
		<-j.turn
		j.err = fn(ctx, &chatCall{s: s, chat: chat, id: chatID, cl: cl})
		s.mu.Lock()
		q.popLocked()
		chat.users--
		chat.last = s.clk.Now()
		if !j.parked {
			close(j.settled)
		}
		j.parked = true // settled is closed either way
		s.mu.Unlock()
		close(j.done)
	})
	return j
}

func (c *chatState) queue(cl class) *jobQueue {
	if cl == reply {
		return &c.replies
	}
	return &c.bulks
}

// chatLocked returns chatID's state, creating it if needed.
func (s *sender) chatLocked(chatID int64) *chatState {
	now := s.clk.Now()
	s.sweepLocked(now)
	chat := s.chats[chatID]
	if chat == nil {
		chat = &chatState{lim: rate.NewLimiter(s.chatRate, chatBurst), last: now}
		if chatID < 0 {
			chat.group = rate.NewLimiter(s.groupRate, chatBurst)
		}
		s.chats[chatID] = chat
	}
	return chat
}

// sweepLocked drops chats unused for idleChat that owe no 429 wait, so
// the map does not grow without bound; their limiters are full again.
func (s *sender) sweepLocked(now time.Time) {
	if now.Sub(s.lastSweep) < sweepEvery {
		return
	}
	s.lastSweep = now
	for id, chat := range s.chats {
		if chat.users > 0 || now.Sub(chat.last) < idleChat || chat.until.After(now) {
			continue
		}
		delete(s.chats, id)
	}
}

// idle waits until no job is left, up to timeout; it reports whether none is.
func (s *sender) idle(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}

// chatCall is a job's handle on its chat.
type chatCall struct {
	s    *sender
	chat *chatState
	id   int64
	cl   class
}

// park releases the callers waiting on this chat and class.
func (c *chatCall) park() {
	c.s.mu.Lock()
	c.chat.queue(c.cl).parkLocked()
	c.s.mu.Unlock()
}

// do makes the call method(p) to the chat.
func (c *chatCall) do(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return c.doFunc(ctx, method, func(ctx context.Context) (*tgbotapi.APIResponse, error) {
		return c.s.call(ctx, method, p)
	})
}

// doFunc is do for a request that call makes, such as a file upload: it is
// paced, retried and its errors classified like any other call.
func (c *chatCall) doFunc(ctx context.Context, method string, call func(context.Context) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	resp, err := c.s.attempts(ctx, c, method, call)
	if err != nil {
		return nil, fmt.Errorf("%s to chat %d: %w", method, c.id, err)
	}
	return resp, nil
}

// do makes a call that is not a message to a chat (callback answers,
// commands, webhook settings, files): not paced, a few tries on transient
// failures, 429s waited out.
func (s *sender) do(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	resp, err := s.attempts(ctx, nil, method, func(ctx context.Context) (*tgbotapi.APIResponse, error) {
		return s.call(ctx, method, p)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	return resp, nil
}

// attempts runs the call until it succeeds, fails for good, or ctx ends. c
// is nil for calls that are not to a chat.
func (s *sender) attempts(ctx context.Context, c *chatCall, method string, call func(context.Context) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	first := s.clk.Now()
	failures, floods := 0, 0
	for {
		if err := s.ready(ctx, c); err != nil {
			return nil, err
		}
		resp, err := s.timedCall(ctx, c, call)
		s.obs.Call(method, callOutcome(err))
		if err == nil {
			s.lastOK.Store(s.clk.Now().UnixNano())
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
			if c != nil {
				s.mu.Lock()
				c.chat.until = s.clk.Now().Add(wait)
				s.mu.Unlock()
			}
			if wait > s.maxWait || floods > maxFloodWaits {
				return nil, fmt.Errorf("%w: retry after %s: %w", ErrRateLimited, wait, err)
			}
			s.obs.Retry(RetryRateLimited)
			if c == nil && !s.clk.Sleep(ctx, wait) {
				return nil, err
			} // a chat's wait is taken by ready
		case isTG && tgErr.Code == http.StatusForbidden:
			return nil, fmt.Errorf("%w: %w", ErrBlocked, err)
		case !isTG || tgErr.Code >= http.StatusInternalServerError:
			failures++
			wait := backoff(failures, s.retryBase, retryCap, s.jitter)
			if !s.retryable(c, failures, s.clk.Now().Add(wait).Sub(first)) {
				return nil, err
			}
			s.obs.Retry(RetryTransient)
			if c != nil {
				c.park()
			}
			if !s.clk.Sleep(ctx, wait) {
				return nil, err
			}
		default:
			return nil, err
		}
	}
}

// retryable reports whether a call that failed failures times may be tried
// again after elapsed in all: a reply for a minute, anything else a few
// times.
func (s *sender) retryable(c *chatCall, failures int, elapsed time.Duration) bool {
	if c != nil && c.cl == reply {
		return elapsed <= replyRetryFor
	}
	return failures < bulkTries
}

// timedCall makes the call, counting replies under way so that bulk
// messages wait for them.
func (s *sender) timedCall(ctx context.Context, c *chatCall, call func(context.Context) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	if c == nil || c.cl != reply {
		return call(ctx)
	}
	s.mu.Lock()
	s.replying++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.replying--
		if s.replying == 0 {
			close(s.quiet)
			s.quiet = make(chan struct{})
		}
		s.mu.Unlock()
	}()
	return call(ctx)
}

// ready waits until the chat may get the call: past its 429 deadline and,
// for bulk, within the limits and with no reply under way. A reply takes
// from the limits what they have to spare without waiting, so that bulk
// messages get the rest of the budget.
func (s *sender) ready(ctx context.Context, c *chatCall) error {
	if c == nil {
		return nil
	}
	if err := s.waitUntil(ctx, c); err != nil {
		return err
	}
	now := s.clk.Now()
	lims := []*rate.Limiter{c.chat.lim, c.chat.group, s.global}
	if c.cl == reply {
		for _, lim := range lims {
			if lim != nil {
				lim.AllowN(now, 1)
			}
		}
		return nil
	}
	// Reservations at the clock's time rather than Limiter.Wait, so that
	// the wait goes through the clock.
	var wait time.Duration
	for _, lim := range lims {
		if lim != nil {
			wait = max(wait, lim.ReserveN(now, 1).DelayFrom(now))
		}
	}
	if wait > 0 {
		c.park()
		if !s.clk.Sleep(ctx, wait) {
			return fmt.Errorf("wait for rate limits: %w", ctx.Err())
		}
	}
	return s.yield(ctx, c)
}

// waitUntil waits for the chat's 429 deadline, for as long as Telegram
// asked if that is not over maxWait.
func (s *sender) waitUntil(ctx context.Context, c *chatCall) error {
	s.mu.Lock()
	wait := c.chat.until.Sub(s.clk.Now())
	s.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if wait > s.maxWait {
		return fmt.Errorf("%w for another %s", ErrRateLimited, wait.Round(time.Second))
	}
	c.park()
	if !s.clk.Sleep(ctx, wait) {
		return ctx.Err()
	}
	return nil
}

// yield waits while replies are being sent.
func (s *sender) yield(ctx context.Context, c *chatCall) error {
	for {
		s.mu.Lock()
		busy, quiet := s.replying > 0, s.quiet
		s.mu.Unlock()
		if !busy {
			return nil
		}
		c.park()
		select {
		case <-quiet:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
