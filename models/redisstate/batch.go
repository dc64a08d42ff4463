package redisstate

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Saves from concurrent chats go to Redis together: a few workers take
// whatever saves are waiting and send them as one pipeline, one write and
// one read for all of them. At saturation the round trip of each save was
// a tenth of the bot's CPU, most of it the write system call; alone, a
// save still goes at once.
//
// Each save stays its own compare-and-set script, so batching changes
// nothing of what is stored or of which save wins; a save whose pipeline
// failed is reported failed ("saved or not: not known"), as before.
const (
	saveWorkers  = 2
	saveMaxBatch = 64
	// saveTimeout bounds a pipeline whose callers set no deadline.
	saveTimeout = 10 * time.Second
)

var errClosed = errors.New("redis state store closed")

type saveCall struct {
	ctx     context.Context
	key     string
	version int64
	sealed  []byte
	ms      int64
	nv      int64
	err     error
	done    chan struct{}
}

type saver struct {
	calls chan *saveCall
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
}

func (r *Store) startSaver() {
	r.sv = &saver{calls: make(chan *saveCall), stop: make(chan struct{})}
	for range saveWorkers {
		r.sv.wg.Go(r.saveLoop)
	}
}

// stopSaver ends the workers; saves after it fail with errClosed.
func (r *Store) stopSaver() {
	r.sv.once.Do(func() { close(r.sv.stop) })
	r.sv.wg.Wait()
}

// runSave hands one save to the workers and waits for its outcome. When
// ctx ends first, the save may still be made: the error says not known.
func (r *Store) runSave(ctx context.Context, key string, version int64, sealed []byte, ms int64) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	c := &saveCall{ctx: ctx, key: key, version: version, sealed: sealed, ms: ms, done: make(chan struct{})}
	select {
	case r.sv.calls <- c:
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-r.sv.stop:
		return 0, errClosed
	}
	select {
	case <-c.done:
		return c.nv, c.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (r *Store) saveLoop() {
	batch := make([]*saveCall, 0, saveMaxBatch)
	for {
		select {
		case c := <-r.sv.calls:
			batch = append(batch[:0], c)
		case <-r.sv.stop:
			return
		}
	more:
		for len(batch) < saveMaxBatch {
			select {
			case c := <-r.sv.calls:
				batch = append(batch, c)
			default:
				break more
			}
		}
		r.saveBatch(batch)
		clear(batch) // let the finished calls go
	}
}

// saveBatch runs the saves in one pipeline and tells each caller its
// outcome. The pipeline is bounded by the latest of the callers'
// deadlines; a caller whose own deadline passes first has stopped waiting.
func (r *Store) saveBatch(batch []*saveCall) {
	// A caller that has stopped waiting is not saved for: it reported
	// the save failed (or not known).
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			close(c.done)
		} else {
			live = append(live, c)
		}
	}
	if batch = live; len(batch) == 0 {
		return
	}
	ctx, cancel := batchContext(batch)
	defer cancel()
	cmds := make([]*redis.Cmd, len(batch))
	_, _ = r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range batch {
			cmds[i] = saveScript.EvalSha(ctx, p, []string{c.key}, c.version, c.sealed, c.ms)
		}
		return nil
	})
	for i, c := range batch {
		c.nv, c.err = cmds[i].Int64()
		if c.err != nil && redis.HasErrorPrefix(c.err, "NOSCRIPT") {
			// Not run (Redis restarted or flushed its scripts): Run loads
			// the script and runs this save alone.
			c.nv, c.err = saveScript.Run(ctx, r.rdb, []string{c.key}, c.version, c.sealed, c.ms).Int64()
		}
		close(c.done)
	}
}

// batchContext is a context for a pipeline of the calls: not ended by any
// one caller leaving, bounded by the latest deadline among them (or
// saveTimeout when one has none).
func batchContext(batch []*saveCall) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, c := range batch {
		d, ok := c.ctx.Deadline()
		if !ok {
			d = time.Now().Add(saveTimeout)
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.WithoutCancel(batch[0].ctx), latest)
}
