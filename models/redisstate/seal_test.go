package redisstate_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/redisstate"
)

// rawRedis is a plain client of the tests' Redis, to look at what the
// store wrote.
func rawRedis(t *testing.T) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(modelstest.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func testPrefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "huifang_test:" + hex.EncodeToString(b) + ":"
}

// TestStore_Sealed: what Redis holds of a state is sealed (no plain text,
// not the same twice), bound to its chat and user, and readable after a
// key rotation while the old key is given; a state no key opens, or one
// written in plain text before sealing, loads as empty data with its
// version, so the handlers discard it and the chat starts over.
func TestStore_Sealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prefix := testPrefix(t)
	oldKey, newKey := modelstest.NewStateKey(t), modelstest.NewStateKey(t)
	st := modelstest.OpenRedisAt(t, prefix, modelstest.StateKeyring(t, oldKey))
	rdb := rawRedis(t)
	data := []byte(`{"finding":"张三 工资仍按原级别发放","code":"AB12CD34"}`)
	if _, err := st.Save(ctx, 7, 7, data, 0, time.Minute); err != nil {
		t.Fatal(err)
	}
	key := prefix + "state:7:7"
	raw, err := rdb.HGet(ctx, key, "d").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"张三", "工资", "AB12CD34", "finding"} {
		if bytes.Contains(raw, []byte(plain)) {
			t.Fatalf("Redis holds %q in plain text: %q", plain, raw)
		}
	}
	if _, err := st.Save(ctx, 7, 7, data, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if again, _ := rdb.HGet(ctx, key, "d").Bytes(); bytes.Equal(again, raw) {
		t.Fatal("the same state sealed twice alike: nonce reused")
	}

	// Another replica after a rotation: the new key, the old one for reading.
	rotated := modelstest.OpenRedisAt(t, prefix, modelstest.StateKeyring(t, newKey, oldKey))
	if got, v, err := rotated.Load(ctx, 7, 7); err != nil || v != 2 || !bytes.Equal(got, data) {
		t.Fatalf("after rotation: %q, %d, %v", got, v, err)
	}
	if _, err := rotated.Save(ctx, 7, 7, data, 2, time.Minute); err != nil {
		t.Fatal(err)
	}
	newOnly := modelstest.OpenRedisAt(t, prefix, modelstest.StateKeyring(t, newKey))
	if got, v, err := newOnly.Load(ctx, 7, 7); err != nil || v != 3 || !bytes.Equal(got, data) {
		t.Fatalf("sealed again under the new key: %q, %d, %v", got, v, err)
	}

	// Unreadable: the old key alone, a state moved to another chat, plain text.
	if got, v, err := st.Load(ctx, 7, 7); err != nil || v != 3 || len(got) != 0 {
		t.Errorf("under a dropped key: %q, %d, %v", got, v, err)
	}
	sealed, _ := rdb.HGet(ctx, key, "d").Bytes()
	rdb.HSet(ctx, prefix+"state:8:8", "v", 1, "d", sealed)
	rdb.HSet(ctx, prefix+"state:9:9", "v", 4, "d", `{"v":2,"q":1}`)
	for _, c := range []struct {
		chat int64
		v    int64
	}{{8, 1}, {9, 4}} {
		got, v, err := newOnly.Load(ctx, c.chat, c.chat)
		if err != nil || v != c.v || len(got) != 0 {
			t.Errorf("chat %d: %q, %d, %v", c.chat, got, v, err)
		}
		if _, err := newOnly.Save(ctx, c.chat, c.chat, []byte("fresh"), v, time.Minute); err != nil {
			t.Errorf("chat %d: replace the unreadable state: %v", c.chat, err)
		}
	}
}

// TestOpen_RequiresKey: without a state key nothing is kept in Redis.
func TestOpen_RequiresKey(t *testing.T) {
	t.Parallel()
	_, err := redisstate.Open(context.Background(), modelstest.RedisURL(), "x:", nil)
	if err == nil || !strings.Contains(err.Error(), "no state key") {
		t.Fatalf("Open without a key: %v", err)
	}
}
