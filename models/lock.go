package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// A lock that is no longer ours (it expired, and perhaps another holder
// took it) cannot be refreshed or unlocked: Refresh and Unlock then return
// an error wrapping ErrNotFound and leave the other holder's lock alone.

// NewMemoryLocker returns an in-process Locker (one replica). It is safe
// for concurrent use.
func NewMemoryLocker() Locker {
	return &memoryLocker{locks: map[string]memoryEntry{}}
}

type memoryLocker struct {
	mu    sync.Mutex
	locks map[string]memoryEntry
}

type memoryEntry struct {
	token   string
	expires time.Time
}

// TryLock implements Locker.
func (m *memoryLocker) TryLock(_ context.Context, name string, ttl time.Duration) (Lock, error) {
	if ttl <= 0 {
		return nil, fmt.Errorf("lock %s: ttl must be positive", name)
	}
	token, err := lockToken()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.locks[name]; ok && now.Before(e.expires) {
		return nil, fmt.Errorf("lock %s: %w", name, ErrLocked)
	}
	m.locks[name] = memoryEntry{token: token, expires: now.Add(ttl)}
	return &memoryLock{m: m, name: name, token: token}, nil
}

type memoryLock struct {
	m     *memoryLocker
	name  string
	token string
}

// held reports whether the lock is still ours; m.mu must be held.
func (l *memoryLock) held(now time.Time) bool {
	e, ok := l.m.locks[l.name]
	return ok && e.token == l.token && now.Before(e.expires)
}

// Refresh implements Lock.
func (l *memoryLock) Refresh(_ context.Context, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("refresh lock %s: ttl must be positive", l.name)
	}
	now := time.Now()
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if !l.held(now) {
		return fmt.Errorf("refresh lock %s: not held: %w", l.name, ErrNotFound)
	}
	l.m.locks[l.name] = memoryEntry{token: l.token, expires: now.Add(ttl)}
	return nil
}

// Unlock implements Lock.
func (l *memoryLock) Unlock(context.Context) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if !l.held(time.Now()) {
		return fmt.Errorf("unlock %s: not held: %w", l.name, ErrNotFound)
	}
	delete(l.m.locks, l.name)
	return nil
}

// lockToken returns a random token that identifies one holder.
func lockToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("lock token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
