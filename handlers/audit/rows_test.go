package audit_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestAudit_OneRowPerAction: every action a user takes writes one audit
// row that names the members it showed: /status with a name that finds
// one member, a search that offers several, /history.
func TestAudit_OneRowPerAction(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	ctx := context.Background()
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	rows := func() []models.AuditEvent {
		t.Helper()
		evs, err := store.ListAudit(ctx, adminViewer, models.AuditFilter{ActorID: apptest.DemoInspector, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	step := func(what string, do func(), action string, members int) models.AuditEvent {
		t.Helper()
		before := len(rows())
		do()
		evs := rows()
		if len(evs) != before+1 || evs[0].Action != action {
			t.Fatalf("%s wrote %d rows (newest %+v), want one %s", what, len(evs)-before, evs[:len(evs)-before], action)
		}
		named := len(evs[0].Members)
		if evs[0].MemberID != nil {
			named++
		}
		if named != members {
			t.Errorf("%s: row %+v names %d members, want %d", what, evs[0], named, members)
		}
		return evs[0]
	}
	li := step("/status 李四", func() { insp.Say("/status 李四"); insp.Expect("李四") }, models.AuditViewStatus, 1)
	step("/status 张三 (one in scope)", func() { insp.Say("/status 张三"); insp.Expect("张三") }, models.AuditViewStatus, 1)
	step("/visit 李四", func() { insp.Say("/visit 李四"); insp.Expect("李四") }, models.AuditOpenMember, 1)
	insp.Say("/cancel")

	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/status 张三")
	admin.Expect("张三")
	evs, err := store.ListAudit(ctx, adminViewer, models.AuditFilter{ActorID: apptest.DemoAdmin, Limit: 1})
	if err != nil || evs[0].Action != models.AuditSearch || len(evs[0].Members) != 2 {
		t.Errorf("admin's search offering two: %+v, %v", evs, err)
	}
	wang, err := store.SearchMembers(ctx, adminViewer, "王五", 1)
	if err != nil {
		t.Fatal(err)
	}
	wst, err := store.MemberStatus(ctx, adminViewer, models.CalendarRules{}, wang[0].Member.ID, li.At)
	if err != nil || wst.LastVisit == nil {
		t.Fatalf("status of 王五: %+v, %v", wst, err)
	}
	no := fmt.Sprint(wst.LastVisit.ID)
	step("/history", func() { insp.Say("/history " + no); insp.Expect(no) }, models.AuditViewHistory, 1)
}
