package audit_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/audit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

var adminViewer = models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}

// The store is what the feature needs.
var _ audit.Store = (*sqlstore.Store)(nil)

func no(id uint64) string { return strconv.FormatUint(id, 10) }

func TestAudit_NonAdminRefused(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	for _, in := range []string{"/audit", "/audit user 10001", "/audit nonsense"} {
		insp.Say(in)
		insp.Expect("只有管理员")
		insp.Refute("审计日志")
	}
	// Each refusal is itself in the log.
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/audit user 10002")
	admin.Expect("用户 10002 · 被拒绝：查看审计日志")
	events, err := store.ListAudit(context.Background(), adminViewer, models.AuditFilter{ActorID: apptest.DemoInspector})
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, ev := range events {
		if ev.Action == models.AuditDenied {
			denied++
		}
	}
	if denied != 3 {
		t.Fatalf("denied rows = %d, want 3: %+v", denied, events)
	}
}

var auditLineRE = regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · 用户 \d+ · .+$`)

func TestAudit_FiltersAndPages(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	ctx := context.Background()
	insp := models.Viewer{TelegramID: apptest.DemoInspector, Role: models.RoleInspector}
	u, err := store.FindUser(ctx, apptest.DemoInspector)
	if err != nil {
		t.Fatal(err)
	}
	insp.UnitID = u.UnitID
	lisi := findDemoMember(t, store, "李四")
	for i := 0; i < 25; i++ {
		if _, err := store.MemberStatus(ctx, insp, models.CalendarRules{}, lisi, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/audit user 10002")
	admin.Expect("审计日志", "用户 10002 · 查看状态 · 人员 #"+no(lisi), "更早")
	first := auditLineRE.FindAllString(admin.Text(), -1)
	if len(first) != audit.PageSize {
		t.Fatalf("first page has %d lines:\n%s", len(first), admin.Text())
	}
	admin.Press("更早")
	second := auditLineRE.FindAllString(admin.Text(), -1)
	if len(second) != 5 || len(admin.Last.Messages[0].Buttons) != 0 {
		t.Fatalf("second page:\n%s", admin.Text())
	}
	for _, line := range append(first, second...) {
		if !strings.Contains(line, "用户 10002 · 查看状态 · 人员 #"+no(lisi)) {
			t.Fatalf("line of another event: %q", line)
		}
	}

	admin.Say("/audit member " + no(lisi))
	for _, line := range auditLineRE.FindAllString(admin.Text(), -1) {
		if !strings.Contains(line, "人员 #"+no(lisi)) {
			t.Fatalf("line of another member: %q", line)
		}
	}
	// Newest first: the admin's own listings come before the status views.
	admin.Say("/audit")
	lines := auditLineRE.FindAllString(admin.Text(), -1)
	if len(lines) != audit.PageSize || !strings.Contains(lines[0], "用户 10001 · 查看审计日志") {
		t.Fatalf("unfiltered page:\n%s", admin.Text())
	}
	admin.Say("/audit user 424242 member 4")
	admin.Expect("没有符合条件的记录")
}

func TestAudit_BadArguments(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	for _, in := range []string{"/audit user", "/audit user abc", "/audit user -5", "/audit member 0",
		"/audit foo 1", "/audit user 1 user 2", "/audit member #x", "/audit 10002 10003", "/audit #1 #2", "/audit #"} {
		admin.Say(in)
		admin.Expect("用法：/audit")
	}
	admin.Say("/audit 用户 10002 人员 #3")
	admin.Expect("（最新在前） · 用户 10002 · 人员 #3")
}

func findDemoMember(t *testing.T, store *sqlstore.Store, name string) uint64 {
	t.Helper()
	m, err := store.SearchMembers(context.Background(), adminViewer, name, 5)
	if err != nil || len(m) != 1 {
		t.Fatalf("search %s: %v %v", name, m, err)
	}
	return m[0].Member.ID
}
