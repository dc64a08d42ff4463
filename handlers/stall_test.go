package handlers_test

import (
	"context"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// TestApp_StalledDatabase: with MariaDB accepting connections but answering
// nothing, a Confirm is answered within the update's deadline with "could
// not save, draft kept" (not an apology), other users' steps that need no
// database go on, and once the database answers again the same Confirm
// saves the visit exactly once.
func TestApp_StalledDatabase(t *testing.T) {
	var proxy *modelstest.Proxy
	store := modelstest.OpenMySQLVia(t, func(addr string) string {
		proxy = modelstest.NewProxy(t, addr)
		return proxy.Addr()
	})
	if err := store.LoadDemo(context.Background(), apptest.DemoAdmin, apptest.DemoInspector); err != nil {
		t.Fatal(err)
	}
	app := apptest.MustApp(t, store, models.NewMemoryState(), func(o *handlers.Options) { o.HandleTimeout = time.Second })
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/visit 李四")
	apptest.WalkVisit(insp, apptest.ShortVisit)
	other := kittest.NewChat(t, app, apptest.DemoAdmin)
	other.Say("/visit 王五")
	other.Press("今天")

	proxy.Stall()
	data, msgID := insp.Button("确认保存")
	insp.PressData(data, msgID)
	insp.Expect("暂时无法保存，草稿已保留")
	insp.Refute("抱歉")
	other.Press("谈心谈话") // no database needed: answered while it is stalled
	other.Expect("✅ 谈心谈话")

	proxy.Resume()
	insp.PressData(data, msgID) // the same Confirm, still valid
	insp.Expect("已保存，回访记录编号")
	m, err := store.SearchMembers(context.Background(), models.Viewer{Role: models.RoleAdmin}, "李四", 2)
	if err != nil || len(m) != 1 {
		t.Fatalf("search: %v %v", m, err)
	}
	st, err := store.MemberStatus(context.Background(), models.Viewer{Role: models.RoleAdmin}, models.CalendarRules{}, m[0].Member.ID, time.Now())
	if err != nil || st.VisitCount != 1 {
		t.Fatalf("visits saved = %d, %v; want 1", st.VisitCount, err)
	}
}
