package audit_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestAudit_Readable: /audit shows each action and its detail in the
// reader's language, /due is logged as itself (one row naming the members
// shown), and a bare number filters by user, #n by member.
func TestAudit_Readable(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	ctx := context.Background()
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	rows := func(actor int64) []models.AuditEvent {
		t.Helper()
		// Listed by another admin, whose listing writes a row of its own.
		auditor := models.Viewer{TelegramID: apptest.BootAdmin, Role: models.RoleAdmin}
		evs, err := store.ListAudit(ctx, auditor, models.AuditFilter{ActorID: actor, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	before := len(rows(apptest.DemoInspector))
	insp.Say("/due")
	evs := rows(apptest.DemoInspector)
	if len(evs) != before+1 || evs[0].Action != models.AuditViewDue || len(evs[0].Members) == 0 {
		t.Fatalf("/due wrote %+v, want one %s row naming the members shown", evs[:len(evs)-before], models.AuditViewDue)
	}
	before = len(rows(apptest.DemoAdmin))
	admin.Say("/due")
	if evs := rows(apptest.DemoAdmin); len(evs) != before+1 || evs[0].Action != models.AuditViewDue {
		t.Fatalf("an admin's /due wrote %+v, want one %s row", evs[:len(evs)-before], models.AuditViewDue)
	}
	admin.Say("/member 李四")
	admin.Press("指定回访责任人（互动式")
	admin.Press("演示回访人员")
	admin.Press("3 个月")
	admin.Expect("已指定回访责任人（互动式）")

	admin.Say("/audit")
	admin.Expect("查看需要安排的回访（/due）", "显示人数：", "修改项：互动式回访人员、回访间隔", "打开人员")
	for _, code := range []string{"view_due", "view_digest", "list_members", "member_update", "fields=", "n=", "assignee_id", "interval_months"} {
		admin.Refute(code)
	}
	admin.Say("/audit 10002")
	admin.Expect("（最新在前） · 用户 10002", "用户 10002 · 查看需要安排的回访（/due）")
	admin.Refute("用户 10001 ·")
	li := findDemoMember(t, store, "李四")
	admin.Say("/audit #" + no(li))
	admin.Expect("· 人员 #"+no(li), "修改项：互动式回访人员")
	admin.Say("/audit member " + no(li) + " 10001")
	admin.Expect("· 用户 10001 · 人员 #" + no(li))
	admin.Say("/lang en")
	admin.Say("/audit 10002")
	admin.Expect("(newest first) · user 10002", "viewed the visits due (/due)", "members shown: ")
}
