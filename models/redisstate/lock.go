package redisstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/huifang/huifang/models"
)

// A lock that is no longer ours (it expired, and perhaps another holder
// took it) cannot be refreshed or unlocked: Refresh and Unlock then return
// an error wrapping ErrNotFound and leave the other holder's lock alone.

// refreshScript extends the key's expiry (ARGV[2] ms) if it holds our
// token ARGV[1]; it returns 1, or 0 when the lock is not ours.
var refreshScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// unlockScript deletes the key if it holds our token; it returns 1, or 0
// when the lock is not ours.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Locker returns a models.Locker on the same Redis as the state store: a lock is
// the key "<prefix>lock:<name>" set with NX and an expiry to a random
// token; Refresh and Unlock are compare-token scripts.
func (r *Store) Locker() models.Locker { return redisLocker{r: r} }

type redisLocker struct{ r *Store }

// TryLock implements models.Locker.
func (l redisLocker) TryLock(ctx context.Context, name string, ttl time.Duration) (models.Lock, error) {
	if ttl <= 0 {
		return nil, fmt.Errorf("lock %s: ttl must be positive", name)
	}
	token, err := lockToken()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	key := l.r.prefix + "lock:" + name
	err = l.r.rdb.SetArgs(ctx, key, token, redis.SetArgs{Mode: "NX", TTL: ttl}).Err()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("lock %s: %w", name, models.ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return &redisLock{rdb: l.r.rdb, key: key, name: name, token: token}, nil
}

type redisLock struct {
	rdb              *redis.Client
	key, name, token string
}

// Refresh implements models.Lock.
func (l *redisLock) Refresh(ctx context.Context, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("refresh lock %s: ttl must be positive", l.name)
	}
	ok, err := refreshScript.Run(ctx, l.rdb, []string{l.key}, l.token, max(ttl.Milliseconds(), 1)).Int64()
	if err != nil {
		return fmt.Errorf("refresh lock %s: %w", l.name, err)
	}
	if ok != 1 {
		return fmt.Errorf("refresh lock %s: not held: %w", l.name, models.ErrNotFound)
	}
	return nil
}

// Unlock implements models.Lock.
func (l *redisLock) Unlock(ctx context.Context) error {
	ok, err := unlockScript.Run(ctx, l.rdb, []string{l.key}, l.token).Int64()
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.name, err)
	}
	if ok != 1 {
		return fmt.Errorf("unlock %s: not held: %w", l.name, models.ErrNotFound)
	}
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
