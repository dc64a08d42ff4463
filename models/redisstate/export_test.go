package redisstate

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// CommandsForTest counts, from now on, the commands r sends (a pipeline
// counts its commands).
func CommandsForTest(r *Store) *atomic.Int64 {
	n := new(atomic.Int64)
	r.rdb.AddHook(countHook{n})
	return n
}

type countHook struct{ n *atomic.Int64 }

func (countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// CacheLiveForTest reports whether r's cache answers loads (EnableCache
// was called and its subscription is confirmed).
func CacheLiveForTest(r *Store) bool {
	r.cache.mu.Lock()
	defer r.cache.mu.Unlock()
	return r.cache.live
}
