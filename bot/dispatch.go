package bot

import (
	"context"
	"slices"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// maxHandling bounds the updates handled at once, across chats.
const maxHandling = 64

// dispatcher hands polled updates to one queue per chat, handled in order
// by a goroutine while the queue is not empty, so that a slow chat (a
// stalled database) never holds the others: the poll loop does not wait
// for a batch. It also knows how far updates may be confirmed to Telegram:
// up to the oldest one still in hand.
type dispatcher struct {
	handle func(context.Context, tgbotapi.Update)

	mu       sync.Mutex
	queues   map[int64][]tgbotapi.Update
	inHand   map[int]bool // dispatched and not finished
	finished map[int]bool // finished, at or above the oldest in hand
	next     int          // highest id seen + 1
	progress chan struct{}
	slots    chan struct{}
	wg       sync.WaitGroup
	pool     *workers
}

func newDispatcher(handle func(context.Context, tgbotapi.Update)) *dispatcher {
	return &dispatcher{handle: handle, queues: map[int64][]tgbotapi.Update{}, inHand: map[int]bool{},
		finished: map[int]bool{}, progress: make(chan struct{}, 1), slots: make(chan struct{}, maxHandling), pool: newWorkers()}
}

// dispatch queues the updates not seen before (Telegram returns those in
// hand again until they are confirmed).
// Updates without a chat go to chat 0, handled like any other.
func (d *dispatcher) dispatch(ctx context.Context, updates []tgbotapi.Update, chatOf func(tgbotapi.Update) int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	highest := 0
	for _, u := range updates {
		highest = max(highest, u.UpdateID)
		if d.inHand[u.UpdateID] || d.finished[u.UpdateID] {
			continue
		}
		d.inHand[u.UpdateID] = true
		chat := chatOf(u)
		d.queues[chat] = append(d.queues[chat], u)
		if len(d.queues[chat]) == 1 {
			d.wg.Add(1)
			d.pool.run(func() { d.work(ctx, chat) })
		}
	}
	if len(updates) > 0 {
		// Not a maximum over time: after a week of silence Telegram may
		// restart ids lower, and the offset must follow.
		d.next = highest + 1
	}
}

// known reports whether update id is in hand or was handled.
func (d *dispatcher) known(id int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inHand[id] || d.finished[id]
}

// seen records an update that needs no handling (undecodable).
func (d *dispatcher) seen(id int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.next = max(d.next, id+1)
}

// work handles chat's queue in order until it is empty.
func (d *dispatcher) work(ctx context.Context, chat int64) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		u := d.queues[chat][0]
		d.mu.Unlock()
		d.slots <- struct{}{}
		d.handle(ctx, u)
		<-d.slots
		d.mu.Lock()
		d.queues[chat] = d.queues[chat][1:]
		delete(d.inHand, u.UpdateID)
		d.finished[u.UpdateID] = true
		empty := len(d.queues[chat]) == 0
		if empty {
			delete(d.queues, chat)
		}
		d.mu.Unlock()
		select {
		case d.progress <- struct{}{}:
		default:
		}
		if empty {
			return
		}
	}
}

// floor is the offset to confirm: the oldest update in hand, or past
// everything seen. d.mu is held.
func (d *dispatcher) floor() int {
	if len(d.inHand) == 0 {
		return d.next
	}
	ids := make([]int, 0, len(d.inHand))
	for id := range d.inHand {
		ids = append(ids, id)
	}
	return slices.Min(ids)
}

// acked records that Telegram was asked for updates from offset: it has
// forgotten those below, so they need not be remembered as finished.
func (d *dispatcher) acked(offset int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id := range d.finished {
		if id < offset {
			delete(d.finished, id)
		}
	}
}

// offset is the getUpdates offset that confirms every finished update
// below the oldest one still in hand (0 before any update).
func (d *dispatcher) offset() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.floor()
}

// waitSettle waits until no update is in hand, or an update has finished
// once min has passed since the call, or ctx ends, or max passes: the poll
// loop polls again soon after a chat is free for its next update, but not
// more often than every min, since every poll brings back (and decodes)
// the updates still in hand. With few in hand such a poll costs little,
// while waiting for them would keep the user of another chat waiting
// behind a slow step (saving a visit): it returns after perUpdate for
// each update in hand if that is sooner than min.
func (d *dispatcher) waitSettle(ctx context.Context, min, max, perUpdate time.Duration) {
	start := time.Now()
	d.mu.Lock()
	n := len(d.inHand)
	d.mu.Unlock()
	if n == 0 {
		return
	}
	if soon := time.Duration(n) * perUpdate; soon < max {
		max = soon
	}
	timer := time.NewTimer(max)
	defer timer.Stop()
	var floor <-chan time.Time // set once an update finished before min
	for {
		d.mu.Lock()
		idle := len(d.inHand) == 0
		d.mu.Unlock()
		if idle {
			return
		}
		select {
		case <-d.progress:
			left := min - time.Since(start)
			if left <= 0 {
				return
			}
			if floor == nil {
				f := time.NewTimer(left)
				defer f.Stop()
				floor = f.C
			}
		case <-floor:
			return
		case <-ctx.Done():
			return
		case <-timer.C:
			return
		}
	}
}

// idle waits up to timeout for every update in hand to finish.
func (d *dispatcher) idle(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}
