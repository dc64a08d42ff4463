package redisstate

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The local cache saves the round trip of LoadEpoch while this process is
// the only one that writes chat states: the poller holding the polling
// lease (EnableCache). Every update of a chat is then handled here, so
// the state this process saved last is the state in Redis, and the users
// epoch is learned from UsersChanged's message instead of read each time.
//
// What keeps it right when that assumption breaks:
//   - Save stays a compare-and-set in Redis: a state written by anyone
//     else makes the save fail (models.ErrStale), the entry is dropped and
//     the handler starts again from Redis;
//   - the cache is emptied and used only once the epoch subscription is
//     confirmed, and is off as soon as the lease is in doubt or the
//     subscription fails (DisableCache, subscriber); it is emptied too
//     whenever the users epoch moves, since a change of a user (a
//     revocation) may delete their state from another process;
//   - an entry lives at most cacheMaxAge (and half the state's ttl), so a
//     state Redis let expire is not brought back, and the cache holds at
//     most cacheMaxEntries chats.
const (
	cacheMaxAge     = 10 * time.Minute
	cacheMaxEntries = 2048
)

// usersChannel carries the new users epoch (UsersChanged) to every process.
func (r *Store) usersChannel() string { return r.prefix + "users:changed" }

type cacheEntry struct {
	data    []byte
	version int64
	until   time.Time
}

type stateCache struct {
	mu      sync.Mutex
	wanted  bool // EnableCache was called and DisableCache not since
	live    bool // the epoch subscription is confirmed: entries may be used
	epoch   int64
	entries map[string]cacheEntry
	now     func() time.Time
	stop    context.CancelFunc
	done    chan struct{}
}

// EnableCache makes LoadEpoch answer from memory what this process saved
// last (see cacheMaxAge). Call it when this process becomes the only
// writer of chat states (it took the polling lease); entries are used once
// the subscription to the users epoch is confirmed.
func (r *Store) EnableCache() {
	c := &r.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wanted {
		return
	}
	c.wanted, c.live = true, false
	c.entries = map[string]cacheEntry{}
	ctx, cancel := context.WithCancel(context.Background())
	// A Receive blocked on the connection does not see ctx end: closing
	// the subscription ends it.
	ps := r.rdb.Subscribe(ctx, r.usersChannel())
	c.stop = func() { cancel(); _ = ps.Close() }
	c.done = make(chan struct{})
	go r.subscribe(ctx, ps, c.done)
}

// DisableCache stops and empties the cache: another process may write
// chat states now (the polling lease is lost or in doubt).
func (r *Store) DisableCache() {
	c := &r.cache
	c.mu.Lock()
	if !c.wanted {
		c.mu.Unlock()
		return
	}
	c.wanted, c.live, c.entries = false, false, nil
	stop, done := c.stop, c.done
	c.mu.Unlock()
	stop()
	<-done
}

// subscribe follows the users channel until ctx ends. Each confirmed
// (re)subscription reads the epoch afresh and lets the cache be used; a
// failure stops its use until the next confirmation, since a message may
// have been missed meanwhile.
func (r *Store) subscribe(ctx context.Context, ps *redis.PubSub, done chan struct{}) {
	defer close(done)
	c := &r.cache
	for {
		msg, err := ps.Receive(ctx)
		if ctx.Err() != nil {
			return
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			epoch, gerr := r.rdb.Get(ctx, r.epochKey()).Int64()
			if gerr != nil && !errors.Is(gerr, redis.Nil) {
				c.setLive(false, 0)
				continue
			}
			c.setLive(true, epoch)
		case *redis.Message:
			if e, perr := strconv.ParseInt(m.Payload, 10, 64); perr == nil {
				c.raiseEpoch(e)
			} else {
				c.setLive(false, 0)
			}
		default:
			if err != nil {
				c.setLive(false, 0)
				// go-redis reconnects and subscribes again on the next
				// Receive; pause so that a Redis that is down is not
				// hammered.
				select {
				case <-ctx.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
	}
}

// setLive starts (with the epoch just read) or stops the use of entries;
// stopping empties the cache.
func (c *stateCache) setLive(live bool, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.wanted {
		return
	}
	c.live = live
	if live {
		c.epoch = max(c.epoch, epoch)
	} else {
		clear(c.entries)
	}
}

// raiseEpoch takes a newer users epoch and empties the cache: whoever
// changed a user may have deleted their state too (a revocation by
// another process), and such changes are rare.
func (c *stateCache) raiseEpoch(e int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e > c.epoch {
		c.epoch = e
		clear(c.entries)
	}
}

// get returns key's entry and the epoch, if the cache is live and holds a
// fresh one. The data is the entry's own, not a copy (see
// models.StateStore: loaded data is read only).
func (c *stateCache) get(key string) (data []byte, version, epoch int64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		return nil, 0, 0, false
	}
	e, ok := c.entries[key]
	if !ok {
		return nil, 0, 0, false
	}
	if !c.clock().Before(e.until) {
		delete(c.entries, key)
		return nil, 0, 0, false
	}
	return e.data, e.version, c.epoch, true
}

// put keeps what was saved under key (version), for at most ttl/2. It
// keeps data itself: the saver does not change it afterwards.
func (c *stateCache) put(key string, data []byte, version int64, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		return
	}
	now := c.clock()
	if len(c.entries) >= cacheMaxEntries {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= cacheMaxEntries {
			delete(c.entries, key)
			return // full of recent chats: this one is read from Redis
		}
	}
	c.entries[key] = cacheEntry{data: data, version: version, until: now.Add(min(cacheMaxAge, ttl/2))}
}

// drop forgets key: it was written elsewhere, deleted, or a save failed.
func (c *stateCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

func (c *stateCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
