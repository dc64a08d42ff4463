package redisstate_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// TestStateStore_Serialize: updates of one chat are handled one at a time,
// the oldest waiting first; a waiter that gives up does not block the
// others; other chats are not held.
func TestStateStore_Serialize(t *testing.T) {
	forEachState(t, func(t *testing.T, st models.StateStore, _ time.Duration) {
		ctx := context.Background()
		const chat = 8_000_000_001
		first, err := st.Serialize(ctx, chat, 100, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		other, err := st.Serialize(ctx, chat+1, 7, time.Minute) // another chat is free
		if err != nil {
			t.Fatal(err)
		}
		other()
		var (
			mu      sync.Mutex
			order   []int
			holding atomic.Int32
			wg      sync.WaitGroup
		)
		for _, id := range []int{105, 103, 104, 101} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := st.Serialize(ctx, chat, id, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if holding.Add(1) != 1 {
					t.Error("two updates of one chat held it at once")
				}
				mu.Lock()
				order = append(order, id)
				mu.Unlock()
				holding.Add(-1)
				release()
			}()
		}
		impatient, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := st.Serialize(impatient, chat, 102, time.Minute); err == nil {
			t.Fatal("took a chat that was held")
		}
		time.Sleep(100 * time.Millisecond) // let every waiter queue up
		first()
		wg.Wait()
		if want := []int{101, 103, 104, 105}; !equal(order, want) {
			t.Fatalf("order = %v, want %v", order, want)
		}
	})
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRedisSerialize_DeadReplica: a replica that died holding a chat (its
// lock lapses) and one that died queued do not block the chat for good.
func TestRedisSerialize_DeadReplica(t *testing.T) {
	st := modelstest.OpenRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	const chat = 8_000_000_002
	if _, err := st.Serialize(ctx, chat, 1, 200*time.Millisecond); err != nil { // never released
		t.Fatal(err)
	}
	release, err := st.Serialize(ctx, chat, 2, 200*time.Millisecond)
	if err != nil {
		t.Fatalf("chat still blocked by a dead holder: %v", err)
	}
	release()
}
