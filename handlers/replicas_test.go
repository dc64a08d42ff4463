package handlers_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// replicas are two Apps over one MariaDB and one Redis, as two webhook
// replicas behind a load balancer.
func replicas(t *testing.T) (*sqlstore.Store, [2]*handlers.App) {
	t.Helper()
	store := modelstest.OpenMySQL(t)
	if err := store.LoadDemo(context.Background(), apptest.DemoAdmin, apptest.DemoInspector); err != nil {
		t.Fatal(err)
	}
	state := modelstest.OpenRedis(t)
	serial := func(o *handlers.Options) { o.SerializeChats = true }
	return store, [2]*handlers.App{apptest.MustApp(t, store, state, serial), apptest.MustApp(t, store, state, serial)}
}

// TestApp_ReplicasDuplicateUpdates: an update delivered to both replicas at
// once is applied once: one answer, one audit row.
func TestApp_ReplicasDuplicateUpdates(t *testing.T) {
	store, apps := replicas(t)
	const n = 20
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		cards int
	)
	for i := range n {
		in := kit.Input{UpdateID: 5000 + i, ChatID: apptest.DemoAdmin, UserID: apptest.DemoAdmin, ChatType: kit.ChatPrivate, Text: "/status 李四"}
		for _, app := range apps {
			wg.Go(func() {
				r := app.Handle(context.Background(), in)
				mu.Lock()
				defer mu.Unlock()
				for _, m := range r.Messages {
					if strings.Contains(m.Text, "村委会委员") {
						cards++
					}
				}
			})
		}
		wg.Wait()
	}
	// Each delivery is answered once: the second of a pair, seeing the
	// update applied, renders its answer again (a new, audited view).
	if cards != 2*n {
		t.Fatalf("%d status cards for %d updates delivered twice", cards, n)
	}
	events, err := store.ListAudit(context.Background(), models.Viewer{Role: models.RoleAdmin}, models.AuditFilter{ActorID: apptest.DemoAdmin, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	views := 0
	for _, e := range events {
		if e.Action == models.AuditViewStatus {
			views++
		}
	}
	if views != 2*n {
		t.Fatalf("%d status views audited for %d deliveries", views, 2*n)
	}
}

// TestApp_ReplicasKeepOrder: two answers typed one after the other reach
// two replicas at the same instant; they are applied in update-id order.
func TestApp_ReplicasKeepOrder(t *testing.T) {
	_, apps := replicas(t)
	c := kittest.NewChat(t, apps[0], apptest.DemoInspector)
	c.Say("/visit 李四")
	for _, label := range []string{"今天", "谈心谈话", "完成", "交谈式", "只有我", "跳过"} {
		c.Press(label)
	}
	c.Expect("思想")
	var wg sync.WaitGroup
	for i, text := range []string{"思想很端正", "工作很积极"} {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 5 * time.Millisecond) // the first arrives a little first
			apps[1-i].Handle(context.Background(), kit.Input{UpdateID: c.Upd + 1 + i, ChatID: c.ChatID, UserID: c.UserID,
				ChatType: kit.ChatPrivate, Text: text})
		})
	}
	wg.Wait()
	c.Upd += 2
	c.Say("/visit")
	c.Press("继续填写")
	c.Expect("生活困难") // both answers applied
	c.Press("返回")
	c.Expect("工作表现", "当前内容：工作很积极")
	c.Press("返回")
	c.Expect("思想", "当前内容：思想很端正")
}

// TestApp_CachedPollerRevocation: the polling process answers loads from
// its state cache (redisstate.Store.EnableCache); a user revoked by
// another process (an admin's replica, the command line) is still refused
// at their next update there, with their draft gone, once the change is
// published: the cache gives the new users epoch, not the old one.
func TestApp_CachedPollerRevocation(t *testing.T) {
	ctx := context.Background()
	store := modelstest.OpenMySQL(t)
	if err := store.LoadDemo(ctx, apptest.DemoAdmin, apptest.DemoInspector); err != nil {
		t.Fatal(err)
	}
	prefix := "huifang_test:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"
	keys := modelstest.StateKeyring(t, modelstest.NewStateKey(t))
	pollerState, otherState := modelstest.OpenRedisAt(t, prefix, keys), modelstest.OpenRedisAt(t, prefix, keys)
	pollerState.EnableCache()
	poller, other := apptest.MustApp(t, store, pollerState), apptest.MustApp(t, store, otherState)

	insp := kittest.NewChat(t, poller, apptest.DemoInspector)
	insp.Say("/visit 李四")
	insp.Expect("开始为 <b>李四</b>")
	_, _, before, err := pollerState.LoadEpoch(ctx, apptest.DemoInspector, apptest.DemoInspector)
	if err != nil {
		t.Fatal(err)
	}
	admin := kittest.NewChat(t, other, apptest.DemoAdmin)
	admin.Upd = 900_000
	admin.Say("/revoke 10002")
	admin.Expect("已撤销 演示回访人员")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, _, e, _ := pollerState.LoadEpoch(ctx, apptest.DemoInspector, apptest.DemoInspector); e > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the poller never heard of the revocation")
		}
	}
	if _, _, _, err := pollerState.LoadEpoch(ctx, apptest.DemoInspector, apptest.DemoInspector); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the poller still holds the revoked user's draft: %v", err)
	}
	insp.Say("/visit")
	insp.Expect("没有使用本机器人的权限")
	insp.Refute("李四")
}
