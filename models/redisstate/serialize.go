package redisstate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// takeChatScript puts update ARGV[1] in the chat's queue (KEYS[1], a
// sorted set by update id, with enqueue times in KEYS[3]) and takes the
// chat's lock (KEYS[2]) with token ARGV[2] for ARGV[3] ms if the update is
// the queue's first and the lock is free. A first entry older than the
// hold whose lock is free belongs to a replica that died: it is dropped.
// It returns 1 when taken, 0 to wait.
var takeChatScript = redis.NewScript(`
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], now)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3] * 4)
redis.call('PEXPIRE', KEYS[3], ARGV[3] * 4)
local first = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if first ~= ARGV[1] then
  local since = tonumber(redis.call('HGET', KEYS[3], first) or '0')
  if redis.call('EXISTS', KEYS[2]) == 0 and now - since > tonumber(ARGV[3]) then
    redis.call('ZREM', KEYS[1], first)
    redis.call('HDEL', KEYS[3], first)
  end
  return 0
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0
`)

// giveChatScript gives the chat back: it drops update ARGV[1] from the
// queue and frees the lock if it still holds token ARGV[2].
var giveChatScript = redis.NewScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 0
`)

// serializePoll is how often a waiting update asks again.
const serializePoll = 3 * time.Millisecond

// Serialize implements models.StateStore across replicas: one Lua round
// trip to queue and try, then one every few milliseconds while another
// update of the chat is being handled.
func (r *Store) Serialize(ctx context.Context, chatID int64, updateID int, hold time.Duration) (func(), error) {
	chat := strconv.FormatInt(chatID, 10)
	keys := []string{r.prefix + "chatq:" + chat, r.prefix + "chatlock:" + chat, r.prefix + "chatqt:" + chat}
	token, err := lockToken()
	if err != nil {
		return nil, err
	}
	id, ms := strconv.Itoa(updateID), max(hold.Milliseconds(), 1)
	for {
		got, err := takeChatScript.Run(ctx, r.rdb, keys, id, token, ms).Int64()
		if err != nil {
			r.giveBack(keys, id, token)
			return nil, fmt.Errorf("take chat %d for update %d: %w", chatID, updateID, err)
		}
		if got == 1 {
			return func() { r.giveBack(keys, id, token) }, nil
		}
		select {
		case <-ctx.Done():
			r.giveBack(keys, id, token)
			return nil, fmt.Errorf("wait for chat %d: %w", chatID, ctx.Err())
		case <-time.After(serializePoll):
		}
	}
}

// giveBack runs even when the update's context is over.
func (r *Store) giveBack(keys []string, id, token string) {
	ctx, cancel := context.WithTimeout(context.Background(), redisPingTimeout)
	defer cancel()
	_ = giveChatScript.Run(ctx, r.rdb, keys, id, token).Err()
}
