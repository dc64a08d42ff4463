package redisstate_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/redisstate"
)

// cachedPair is one Redis state store with its cache on (the poller) and
// another over the same keys (another process), both live.
func cachedPair(t *testing.T) (poller, other *redisstate.Store) {
	t.Helper()
	prefix, keys := testPrefix(t), modelstest.StateKeyring(t, modelstest.NewStateKey(t))
	poller = modelstest.OpenRedisAt(t, prefix, keys)
	other = modelstest.OpenRedisAt(t, prefix, keys)
	poller.EnableCache()
	waitFor(t, "the cache to go live", func() bool { return redisstate.CacheLiveForTest(poller) })
	return poller, other
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCache_SkipsRoundTrip: with the cache on, loading what this process
// saved sends nothing to Redis and gives a copy of it; loading what it did
// not save, or with the cache off, reads Redis.
func TestCache_SkipsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	poller, _ := cachedPair(t)
	sent := redisstate.CommandsForTest(poller)
	data := []byte(`{"step":"work"}`)
	v, err := poller.Save(ctx, 1, 1, data, 0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	before := sent.Load()
	got, gv, _, err := poller.LoadEpoch(ctx, 1, 1)
	if err != nil || gv != v || !bytes.Equal(got, data) {
		t.Fatalf("LoadEpoch = %q, %d, %v; want %q, %d", got, gv, err, data, v)
	}
	if n := sent.Load() - before; n != 0 {
		t.Errorf("a cached load sent %d commands, want 0", n)
	}
	got[0] = 'X' // the caller's copy
	if again, _, _, _ := poller.LoadEpoch(ctx, 1, 1); !bytes.Equal(again, data) {
		t.Errorf("the cache kept the caller's change: %q", again)
	}
	before = sent.Load()
	if _, _, _, err := poller.LoadEpoch(ctx, 2, 2); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("LoadEpoch of a chat never saved = %v, want ErrNotFound", err)
	}
	if sent.Load() == before {
		t.Error("a chat the cache does not hold was not read from Redis")
	}
	poller.DisableCache()
	before = sent.Load()
	if _, gv, _, err := poller.LoadEpoch(ctx, 1, 1); err != nil || gv != v {
		t.Errorf("LoadEpoch with the cache off = %d, %v", gv, err)
	}
	if sent.Load() == before {
		t.Error("with the cache off a load was not read from Redis")
	}
}

// TestCache_OtherWriter: a state written by another process makes the
// poller's save of its cached version fail as stale, and its next load
// reads the other's state; a delete is not undone by the cache.
func TestCache_OtherWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	poller, other := cachedPair(t)
	v1, err := poller.Save(ctx, 3, 3, []byte(`{"n":1}`), 0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Save(ctx, 3, 3, []byte(`{"n":2}`), v1, time.Minute); err != nil {
		t.Fatal(err)
	}
	// The poller has not heard of it: its cache answers with its own v1
	// (the other process broke the only-writer rule) ...
	if _, cached, _, _ := poller.LoadEpoch(ctx, 3, 3); cached != v1 {
		t.Fatalf("cached load = version %d, want %d", cached, v1)
	}
	// ... and the compare-and-set in Redis refuses its save.
	if _, err := poller.Save(ctx, 3, 3, []byte(`{"n":3}`), v1, time.Minute); !errors.Is(err, models.ErrStale) {
		t.Fatalf("save over another's state = %v, want ErrStale", err)
	}
	got, v, _, err := poller.LoadEpoch(ctx, 3, 3)
	if err != nil || v != v1+1 || string(got) != `{"n":2}` {
		t.Errorf("load after the conflict = %q, %d, %v; want the other's state, version %d", got, v, err, v1+1)
	}

	if err := poller.Delete(ctx, 3, 3, v); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := poller.LoadEpoch(ctx, 3, 3); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("load after delete = %v, want ErrNotFound", err)
	}
}

// TestCache_UsersEpoch: a change of users made by another process reaches
// the poller's cached loads, so revocation stays immediate.
func TestCache_UsersEpoch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	poller, other := cachedPair(t)
	if _, err := poller.Save(ctx, 4, 4, []byte(`{}`), 0, time.Minute); err != nil {
		t.Fatal(err)
	}
	_, _, e0, err := poller.LoadEpoch(ctx, 4, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.UsersChanged(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new epoch", func() bool {
		_, _, e, err := poller.LoadEpoch(ctx, 4, 4)
		return err == nil && e > e0
	})
	if err := poller.UsersChanged(ctx); err != nil { // its own: at once
		t.Fatal(err)
	}
	_, _, e1, _ := poller.LoadEpoch(ctx, 4, 4)
	_, _, e2, _ := other.LoadEpoch(ctx, 4, 4)
	if e1 != e2 || e1 != e0+2 {
		t.Errorf("epochs %d (poller) and %d (Redis), want both %d", e1, e2, e0+2)
	}
}

// TestCache_Expires: an entry lives at most half the state's ttl, so a
// state Redis lets expire is not brought back by the cache.
func TestCache_Expires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	poller, _ := cachedPair(t)
	sent := redisstate.CommandsForTest(poller)
	if _, err := poller.Save(ctx, 5, 5, []byte(`{}`), 0, 1100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	before := sent.Load()
	if _, _, _, err := poller.LoadEpoch(ctx, 5, 5); err != nil {
		t.Fatal(err)
	}
	if sent.Load() == before {
		t.Error("an entry older than half the ttl answered a load")
	}
	time.Sleep(700 * time.Millisecond)
	if _, _, _, err := poller.LoadEpoch(ctx, 5, 5); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("load after the ttl = %v, want ErrNotFound", err)
	}
}
