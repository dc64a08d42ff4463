package remind_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestRemind_UnitMovedOutOfScope: after the unit of a member assigned to
// an inspector moves to another township, the inspector's /due and a
// reminder planned before the move no longer mention the member, not even
// by number, and the assignment is gone.
func TestRemind_UnitMovedOutOfScope(t *testing.T) {
	ctx := context.Background()
	_, store, state := apptest.NewApp(t)
	sun := demoMember(t, store, "孙八", "")
	inspector, interval := int64(apptest.DemoInspector), 1
	if _, err := store.UpdateMember(ctx, adminViewer, sun.Member.ID, models.MemberPatch{AssigneeID: &inspector, IntervalMonths: &interval}); err != nil {
		t.Fatal(err)
	}
	later := time.Now().AddDate(0, 2, 0) // the monthly visit is a month overdue
	app := apptest.MustApp(t, store, state, func(o *handlers.Options) { o.Now = func() time.Time { return later } })
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/due")
	c.Expect("孙八", "互动式定期回访")
	planned := item(sun, models.DueInteractive, models.DateOf(later).AddDate(0, 0, -29))

	branch, err := store.FindUnitByName(ctx, rmDonghuBranch)
	if err != nil {
		t.Fatal(err)
	}
	xishan, err := store.FindUnitByName(ctx, unitXishan)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.MoveUnit(ctx, adminViewer, branch.ID, xishan.ID); err != nil {
		t.Fatalf("MoveUnit: %v", err)
	}
	c.Say("/due")
	c.Refute("孙八")
	c.Refute("编号")
	m := mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, planned))
	if strings.Contains(m.Text, "编号") || strings.Contains(m.Text, "孙八") {
		t.Errorf("reminder planned before the move shows the member:\n%s", m.Text)
	}
	moved, _, _, err := store.MemberSanctions(ctx, adminViewer, sun.Member.ID)
	if err != nil || moved.AssigneeID != nil {
		t.Errorf("assignment after the move: %v, %v; want none", moved.AssigneeID, err)
	}
	items, err := store.DueItems(ctx, models.DefaultCalendarRules(), later)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		for _, id := range it.Inspectors {
			if it.MemberID == sun.Member.ID && id == apptest.DemoInspector {
				t.Errorf("item %s still goes to the inspector of 东湖镇", it.Key())
			}
		}
	}
}
