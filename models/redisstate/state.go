// Package redisstate keeps Huifang's conversation state, and the
// scheduler's locks, in Redis, shared by every replica. The in-process
// implementations of the same interfaces are in package models.
package redisstate

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/huifang/huifang/models"
)

// Purpose is what the keyring of chat states is for (models.NewKeyring):
// its AES key is derived from the state key and this text.
const Purpose = "huifang chat state v1"

// redisPingTimeout bounds the ping Open makes.
const redisPingTimeout = 5 * time.Second

var _ models.StateStore = (*Store)(nil)

// saveScript sets {v, d} and the ttl if the stored version v (absent: "0")
// equals ARGV[1]; it returns the new version, or -1 on a mismatch.
var saveScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v') or '0'
if cur ~= ARGV[1] then return -1 end
local nv = tonumber(ARGV[1]) + 1
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return nv
`)

// deleteScript deletes the key if its version (absent: "0") equals
// ARGV[1]; it returns 0, or -1 on a mismatch.
var deleteScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v') or '0'
if cur ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
return 0
`)

// Store is a models.StateStore in Redis, shared by every replica. Each state
// is a hash {v: version, d: data} at "<prefix>state:<chat>:<user>" with a
// ttl; writes are compare-and-set Lua scripts, one round trip each.
//
// Data is sealed (AES-256-GCM, models.Keyring) bound to its key, so that
// the drafts in Redis, which hold findings about people, are unreadable
// without the state key and cannot be moved to another chat. A state no
// key opens (written before sealing, under a key since dropped, or
// altered) loads as empty data with its version: the handlers discard it
// and the chat starts over, as with any state they cannot read.
type Store struct {
	rdb    *redis.Client
	prefix string
	keys   *models.Keyring
	cache  stateCache // see cache.go; off until EnableCache
	sv     *saver     // see batch.go
}

// Open connects to the Redis at redisURL
// (redis://[user:password@]host:port[/db], or rediss:// for TLS) and pings
// it. keyPrefix starts every key, e.g. "huifang:"; keys seals the states
// and is required. Errors never contain the password.
func Open(ctx context.Context, redisURL, keyPrefix string, keys *models.Keyring) (*Store, error) {
	if keys == nil {
		return nil, errors.New("open redis: no state key: chat state is kept in Redis only encrypted")
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error prints the whole URL, password included
		}
		return nil, fmt.Errorf("open redis: parse url: %w", err)
	}
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		return nil, errors.Join(fmt.Errorf("ping redis at %s: %w", opt.Addr, err), rdb.Close())
	}
	r := &Store{rdb: rdb, prefix: keyPrefix, keys: keys}
	r.startSaver()
	return r, nil
}

func (r *Store) key(chatID, userID int64) string {
	return r.prefix + "state:" + strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(userID, 10)
}

// epochKey holds the users epoch (absent: 0).
func (r *Store) epochKey() string { return r.prefix + "users:epoch" }

// Load implements models.StateStore.
func (r *Store) Load(ctx context.Context, chatID, userID int64) ([]byte, int64, error) {
	vals, err := r.rdb.HMGet(ctx, r.key(chatID, userID), "v", "d").Result()
	if err != nil {
		return nil, 0, fmt.Errorf("load state of chat %d: %w", chatID, err)
	}
	return r.decodeState(chatID, userID, vals)
}

// LoadEpoch implements models.StateStore: the state and the epoch in one
// pipelined round trip, or none when the cache holds them (cache.go).
func (r *Store) LoadEpoch(ctx context.Context, chatID, userID int64) ([]byte, int64, int64, error) {
	if data, version, epoch, ok := r.cache.get(r.key(chatID, userID)); ok {
		return data, version, epoch, nil
	}
	var (
		hm *redis.SliceCmd
		ep *redis.StringCmd
	)
	_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		hm = p.HMGet(ctx, r.key(chatID, userID), "v", "d")
		ep = p.Get(ctx, r.epochKey())
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, 0, fmt.Errorf("load state of chat %d: %w", chatID, err)
	}
	epoch, err := ep.Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, 0, fmt.Errorf("load users epoch: %w", err)
	}
	data, version, err := r.decodeState(chatID, userID, hm.Val())
	return data, version, epoch, err
}

// usersChangedScript moves the users epoch on and tells every process the
// new value (their caches, cache.go), in one step.
var usersChangedScript = redis.NewScript(`
local e = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], e)
return e
`)

// UsersChanged implements models.StateStore.
func (r *Store) UsersChanged(ctx context.Context) error {
	e, err := usersChangedScript.Run(ctx, r.rdb, []string{r.epochKey()}, r.usersChannel()).Int64()
	if err != nil {
		return fmt.Errorf("move users epoch: %w", err)
	}
	r.cache.raiseEpoch(e)
	return nil
}

// decodeState reads and opens the {v, d} of a state hash.
func (r *Store) decodeState(chatID, userID int64, vals []any) ([]byte, int64, error) {
	if len(vals) < 2 {
		return nil, 0, fmt.Errorf("load state of chat %d: %w", chatID, models.ErrNotFound)
	}
	vs, ok := vals[0].(string)
	if !ok {
		return nil, 0, fmt.Errorf("load state of chat %d: %w", chatID, models.ErrNotFound)
	}
	version, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return nil, 0, fmt.Errorf("load state of chat %d: bad version: %w", chatID, err)
	}
	sealed, _ := vals[1].(string)
	data, _, err := r.keys.Open([]byte(sealed), []byte(r.key(chatID, userID)))
	if err != nil {
		return []byte{}, version, nil // unreadable: discarded by the handlers (see Store)
	}
	return data, version, nil
}

// Save implements models.StateStore.
func (r *Store) Save(ctx context.Context, chatID, userID int64, data []byte, version int64, ttl time.Duration) (int64, error) {
	if ttl <= 0 {
		return 0, errors.New("save state: ttl must be positive")
	}
	ms := max(ttl.Milliseconds(), 1)
	key := r.key(chatID, userID)
	sealed := r.keys.Seal(data, []byte(key))
	nv, err := r.runSave(ctx, key, version, sealed, ms)
	if err != nil {
		r.cache.drop(key) // saved or not: not known
		return 0, fmt.Errorf("save state of chat %d: %w", chatID, err)
	}
	if nv < 0 {
		r.cache.drop(key)
		return 0, fmt.Errorf("save state of chat %d: version %d: %w", chatID, version, models.ErrStale)
	}
	r.cache.put(key, data, nv, ttl)
	return nv, nil
}

// Delete implements models.StateStore.
func (r *Store) Delete(ctx context.Context, chatID, userID int64, version int64) error {
	r.cache.drop(r.key(chatID, userID))
	res, err := deleteScript.Run(ctx, r.rdb, []string{r.key(chatID, userID)}, version).Int64()
	if err != nil {
		return fmt.Errorf("delete state of chat %d: %w", chatID, err)
	}
	if res < 0 {
		return fmt.Errorf("delete state of chat %d: version %d: %w", chatID, version, models.ErrStale)
	}
	return nil
}

// Close closes the connection pool.
func (r *Store) Close() error {
	r.DisableCache()
	r.stopSaver()
	if err := r.rdb.Close(); err != nil {
		return fmt.Errorf("close redis: %w", err)
	}
	return nil
}

// Ping checks that Redis answers.
func (r *Store) Ping(ctx context.Context) error {
	if err := r.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}
