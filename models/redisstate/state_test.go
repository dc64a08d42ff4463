package redisstate_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/internal/cputime"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/redisstate"
)

// stateImpls are the StateStore implementations, each with the shortest ttl
// it expires reliably at.
var stateImpls = []struct {
	name string
	open func(testing.TB) models.StateStore
	ttl  time.Duration
}{
	{"redis", func(tb testing.TB) models.StateStore { return modelstest.OpenRedis(tb) }, 1100 * time.Millisecond},
	{"memory", func(testing.TB) models.StateStore { return models.NewMemoryState() }, 100 * time.Millisecond},
}

func forEachState(t *testing.T, fn func(t *testing.T, st models.StateStore, ttl time.Duration)) {
	t.Helper()
	for _, impl := range stateImpls {
		t.Run(impl.name, func(t *testing.T) {
			t.Parallel()
			fn(t, impl.open(t), impl.ttl)
		})
	}
}

func TestStateStore_SaveLoadDelete(t *testing.T) {
	forEachState(t, func(t *testing.T, st models.StateStore, _ time.Duration) {
		ctx := context.Background()
		const chat, user = -1001234567890, 9_000_000_001
		_, _, err := st.Load(ctx, chat, user)
		wantErr(t, "Load absent", err, models.ErrNotFound)

		data := []byte("{\"flow\":\"visit\",\"name\":\"张三\"}\x00\xff")
		v1, err := st.Save(ctx, chat, user, data, 0, time.Minute)
		if err != nil || v1 != 1 {
			t.Fatalf("Save v0 = %d, %v; want 1", v1, err)
		}
		data[0] = 'X' // the store must have copied it
		got, ver, err := st.Load(ctx, chat, user)
		if err != nil || ver != 1 || !bytes.Equal(got, []byte("{\"flow\":\"visit\",\"name\":\"张三\"}\x00\xff")) {
			t.Fatalf("Load = %q, %d, %v", got, ver, err)
		}
		for _, stale := range []int64{0, 2, 7} {
			_, err := st.Save(ctx, chat, user, []byte("x"), stale, time.Minute)
			wantErr(t, "Save stale version", err, models.ErrStale)
		}
		v2, err := st.Save(ctx, chat, user, nil, 1, time.Minute)
		if err != nil || v2 != 2 {
			t.Fatalf("Save v1 = %d, %v; want 2", v2, err)
		}
		if got, ver, err := st.Load(ctx, chat, user); err != nil || ver != 2 || len(got) != 0 {
			t.Errorf("Load empty = %q, %d, %v", got, ver, err)
		}
		if _, _, err := st.Load(ctx, chat, user+1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another user's state: err = %v", err)
		}
		if _, _, err := st.Load(ctx, chat+1, user); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another chat's state: err = %v", err)
		}

		wantErr(t, "Delete stale", st.Delete(ctx, chat, user, 1), models.ErrStale)
		wantErr(t, "Delete as absent", st.Delete(ctx, chat, user, 0), models.ErrStale)
		if err := st.Delete(ctx, chat, user, 2); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		_, _, err = st.Load(ctx, chat, user)
		wantErr(t, "Load deleted", err, models.ErrNotFound)
		if err := st.Delete(ctx, chat, user, 0); err != nil {
			t.Errorf("Delete absent v0: %v", err)
		}
		wantErr(t, "Delete absent v3", st.Delete(ctx, chat, user, 3), models.ErrStale)
		if _, err := st.Save(ctx, chat, user, nil, 0, 0); err == nil {
			t.Error("Save with ttl 0 succeeded")
		}
	})
}

// TestStateStore_UsersEpoch: the epoch comes with the state (and with its
// absence) and moves on at every change of a user.
func TestStateStore_UsersEpoch(t *testing.T) {
	forEachState(t, func(t *testing.T, st models.StateStore, _ time.Duration) {
		ctx := context.Background()
		const chat, user = 7_000_000_001, 7_000_000_001
		_, _, e0, err := st.LoadEpoch(ctx, chat, user)
		wantErr(t, "LoadEpoch absent", err, models.ErrNotFound)
		if err := st.UsersChanged(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Save(ctx, chat, user, []byte("s"), 0, time.Minute); err != nil {
			t.Fatal(err)
		}
		data, ver, e1, err := st.LoadEpoch(ctx, chat, user)
		if err != nil || string(data) != "s" || ver != 1 || e1 == e0 {
			t.Fatalf("LoadEpoch = %q, %d, epoch %d (was %d), %v", data, ver, e1, e0, err)
		}
		_, _, e2, _ := st.LoadEpoch(ctx, chat, user)
		if e2 != e1 {
			t.Fatalf("the epoch moved without a change: %d → %d", e1, e2)
		}
	})
}

func TestStateStore_TTL(t *testing.T) {
	forEachState(t, func(t *testing.T, st models.StateStore, ttl time.Duration) {
		ctx := context.Background()
		v, err := st.Save(ctx, 1, 1, []byte("a"), 0, ttl)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(ttl * 6 / 10)
		if _, err := st.Save(ctx, 1, 1, []byte("b"), v, ttl); err != nil { // refreshes the ttl
			t.Fatal(err)
		}
		time.Sleep(ttl * 6 / 10) // past the first ttl, within the second
		if got, _, err := st.Load(ctx, 1, 1); err != nil || string(got) != "b" {
			t.Fatalf("Load after refresh = %q, %v", got, err)
		}
		time.Sleep(ttl * 6 / 10)
		_, _, err = st.Load(ctx, 1, 1)
		wantErr(t, "Load expired", err, models.ErrNotFound)
		if v, err := st.Save(ctx, 1, 1, []byte("c"), 0, ttl); err != nil || v != 1 {
			t.Errorf("Save over expired = %d, %v; want 1", v, err)
		}
	})
}

func TestStateStore_ConcurrentCAS(t *testing.T) {
	const workers, rounds = 16, 5
	forEachState(t, func(t *testing.T, st models.StateStore, _ time.Duration) {
		ctx := context.Background()
		var version int64
		for round := 0; round < rounds; round++ {
			var (
				wg              sync.WaitGroup
				mu              sync.Mutex
				wins, conflicts int
				next            int64
			)
			start := make(chan struct{})
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					nv, err := st.Save(ctx, 42, 42, []byte{byte(w)}, version, time.Minute)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						wins++
						next = nv
					case errors.Is(err, models.ErrStale):
						conflicts++
					default:
						t.Errorf("Save: %v", err)
					}
				}()
			}
			close(start)
			wg.Wait()
			if wins != 1 || conflicts != workers-1 || next != version+1 {
				t.Fatalf("round %d: %d wins, %d conflicts, version %d; want 1, %d, %d",
					round, wins, conflicts, next, workers-1, version+1)
			}
			version = next
		}
	})
}

func BenchmarkStore_SaveLoad(b *testing.B) {
	st := modelstest.OpenRedis(b)
	ctx := context.Background()
	data := bytes.Repeat([]byte("{\"flow\":\"visit\",\"step\":\"thinking\"}"), 8)
	var version int64
	b.ReportAllocs()
	for b.Loop() {
		nv, err := st.Save(ctx, 1, 1, data, version, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if _, version, err = st.Load(ctx, 1, 1); err != nil || version != nv {
			b.Fatalf("Load = %d, %v", version, err)
		}
	}
}

// BenchmarkStore_Save_ClientCPU is the CPU one state save costs the bot
// (sealing, the compare-and-set script, the batched round trip), 50 chats
// saving at once as at the bench's saturation; Redis's own CPU is not in
// cpu-µs/op. Every handled update saves its chat's state once.
//
//	go test -run '^$' -bench Save_ClientCPU -benchtime 50000x ./models/redisstate
func BenchmarkStore_Save_ClientCPU(b *testing.B) {
	st := modelstest.OpenRedis(b)
	data := bytes.Repeat([]byte("{\"flow\":\"visit\",\"step\":\"thinking\"}"), 16)
	var chats atomic.Int64
	cputime.RunParallel(b, 50, func() func() error {
		chat := 7_000_000_000 + chats.Add(1)
		var version int64
		return func() error {
			nv, err := st.Save(context.Background(), chat, chat, data, version, time.Minute)
			version = nv
			return err
		}
	})
}

func TestOpen_ErrorHidesPassword(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	for _, url := range []string{
		"redis://:s3cr3t-pw@127.0.0.1:notaport",
		"redis://user:s3cr3t-pw@127.0.0.1:1/0",
		"http://user:s3cr3t-pw@127.0.0.1/",
	} {
		_, err := redisstate.Open(ctx, url, "x:", modelstest.StateKeyring(t, modelstest.NewStateKey(t)))
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Open error = %v", err)
		}
		t.Log(err)
	}
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}
