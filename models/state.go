package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// StateStore keeps each chat's conversation state between updates, with
// optimistic concurrency: every stored value has a version, and a write
// succeeds only against the version the writer read.
//
// The data a load returns may be shared with the store (a cache): the
// caller reads it and does not change it. Likewise the store may keep the
// data given to Save: the caller does not change it afterwards.
type StateStore interface {
	// Load returns the state of (chatID, userID) and its version, or
	// ErrNotFound when there is none or it has expired.
	Load(ctx context.Context, chatID, userID int64) (data []byte, version int64, err error)
	// LoadEpoch is Load with, in the same round trip, the users epoch: a
	// number that moves on whenever a user's record changes (UsersChanged),
	// so that a cache of users tagged with it is never stale. The epoch is
	// returned with ErrNotFound too.
	LoadEpoch(ctx context.Context, chatID, userID int64) (data []byte, version, epoch int64, err error)
	// UsersChanged moves the users epoch on; call it after any change of a
	// user's record (registration, revocation, role, unit, name, settings).
	UsersChanged(ctx context.Context) error
	// Save stores data if the stored version equals version (0: nothing
	// may be stored) and returns version+1; otherwise it fails with
	// ErrStale. Every save restarts the ttl.
	Save(ctx context.Context, chatID, userID int64, data []byte, version int64, ttl time.Duration) (newVersion int64, err error)
	// Delete removes the state under the same condition as Save. Deleting
	// an absent state with version 0 succeeds.
	Delete(ctx context.Context, chatID, userID int64, version int64) error
	// Serialize waits until updateID is the oldest update of chatID in
	// hand anywhere (every replica sharing the store) and takes the chat
	// for it, for at most hold; release gives it back. Updates of one chat
	// are so handled one at a time and in update-id order (of those that
	// arrived before the chat was free), across replicas.
	Serialize(ctx context.Context, chatID int64, updateID int, hold time.Duration) (release func(), err error)
	// Close releases the store's resources.
	Close() error
}

var _ StateStore = (*MemoryState)(nil)

// sweepEvery is how many saves pass between sweeps of expired states.
const sweepEvery = 1024

// MemoryState is an in-process StateStore for a single replica, the console
// and tests. Expired states vanish when touched and in a periodic sweep.
type MemoryState struct {
	mu      sync.Mutex
	entries map[stateKey]memEntry
	saves   int
	epoch   int64
	now     func() time.Time
	chats   chatTurns
}

type stateKey struct{ chat, user int64 }

type memEntry struct {
	data    []byte
	version int64
	expires time.Time
}

// NewMemoryState returns an empty in-process StateStore.
func NewMemoryState() *MemoryState {
	return &MemoryState{entries: make(map[stateKey]memEntry), now: time.Now}
}

// current returns the live entry for k, dropping it if expired. m.mu is held.
func (m *MemoryState) current(k stateKey) (memEntry, bool) {
	e, ok := m.entries[k]
	if ok && !m.now().Before(e.expires) {
		delete(m.entries, k)
		return memEntry{}, false
	}
	return e, ok
}

// Load implements StateStore.
func (m *MemoryState) Load(_ context.Context, chatID, userID int64) ([]byte, int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.current(stateKey{chatID, userID})
	if !ok {
		return nil, 0, fmt.Errorf("load state of chat %d: %w", chatID, ErrNotFound)
	}
	return append([]byte(nil), e.data...), e.version, nil
}

// LoadEpoch implements StateStore.
func (m *MemoryState) LoadEpoch(ctx context.Context, chatID, userID int64) ([]byte, int64, int64, error) {
	data, version, err := m.Load(ctx, chatID, userID)
	m.mu.Lock()
	defer m.mu.Unlock()
	return data, version, m.epoch, err
}

// UsersChanged implements StateStore.
func (m *MemoryState) UsersChanged(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch++
	return nil
}

// Save implements StateStore.
func (m *MemoryState) Save(_ context.Context, chatID, userID int64, data []byte, version int64, ttl time.Duration) (int64, error) {
	if ttl <= 0 {
		return 0, errors.New("save state: ttl must be positive")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := stateKey{chatID, userID}
	e, _ := m.current(k)
	if e.version != version {
		return 0, fmt.Errorf("save state of chat %d: version %d, stored %d: %w", chatID, version, e.version, ErrStale)
	}
	m.entries[k] = memEntry{data: append([]byte(nil), data...), version: version + 1, expires: m.now().Add(ttl)}
	if m.saves++; m.saves%sweepEvery == 0 {
		m.sweep()
	}
	return version + 1, nil
}

// sweep drops every expired entry. m.mu is held.
func (m *MemoryState) sweep() {
	now := m.now()
	for k, e := range m.entries {
		if !now.Before(e.expires) {
			delete(m.entries, k)
		}
	}
}

// Delete implements StateStore.
func (m *MemoryState) Delete(_ context.Context, chatID, userID int64, version int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := stateKey{chatID, userID}
	e, _ := m.current(k)
	if e.version != version {
		return fmt.Errorf("delete state of chat %d: version %d, stored %d: %w", chatID, version, e.version, ErrStale)
	}
	delete(m.entries, k)
	return nil
}

// Serialize implements StateStore within one process.
func (m *MemoryState) Serialize(ctx context.Context, chatID int64, updateID int, _ time.Duration) (func(), error) {
	return m.chats.take(ctx, chatID, updateID)
}

// Close implements StateStore; it drops every state.
func (m *MemoryState) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.entries)
	return nil
}

// chatTurns orders the updates of each chat in one process: a chat is
// taken by the oldest update waiting for it.
type chatTurns struct {
	mu    sync.Mutex
	chats map[int64]*chatTurn
}

type chatTurn struct {
	busy    bool
	waiting []int         // update ids, unordered
	wake    chan struct{} // closed when the chat is given back
}

func (c *chatTurns) take(ctx context.Context, chatID int64, updateID int) (func(), error) {
	c.mu.Lock()
	if c.chats == nil {
		c.chats = map[int64]*chatTurn{}
	}
	ct := c.chats[chatID]
	if ct == nil {
		ct = &chatTurn{wake: make(chan struct{})}
		c.chats[chatID] = ct
	}
	ct.waiting = append(ct.waiting, updateID)
	for ct.busy || slices.Min(ct.waiting) != updateID {
		wake := ct.wake
		c.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			c.mu.Lock()
			ct.waiting = slices.DeleteFunc(ct.waiting, func(id int) bool { return id == updateID })
			c.release(chatID, ct, false)
			c.mu.Unlock()
			return nil, fmt.Errorf("wait for chat %d: %w", chatID, ctx.Err())
		}
		c.mu.Lock()
	}
	ct.busy = true
	ct.waiting = slices.DeleteFunc(ct.waiting, func(id int) bool { return id == updateID })
	c.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.release(chatID, ct, true)
		})
	}, nil
}

// release wakes the waiters (after the holder leaves, or one gives up).
// c.mu is held.
func (c *chatTurns) release(chatID int64, ct *chatTurn, holder bool) {
	if holder {
		ct.busy = false
	}
	close(ct.wake)
	ct.wake = make(chan struct{})
	if !ct.busy && len(ct.waiting) == 0 {
		delete(c.chats, chatID)
	}
}
