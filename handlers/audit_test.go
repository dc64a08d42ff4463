package handlers

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestAudit_NonAdminRefused(t *testing.T) {
	app, store, _ := newTestApp(t)
	insp := newChat(t, app, demoInspector)
	for _, in := range []string{"/audit", "/audit user 10001", "/audit nonsense"} {
		insp.say(in)
		insp.expect("只有管理员")
		insp.refute("审计日志")
	}
	// Each refusal is itself in the log.
	admin := newChat(t, app, demoAdmin)
	admin.say("/audit user 10002")
	admin.expect("用户 10002 · 被拒绝：查看审计日志")
	events, err := store.ListAudit(context.Background(), adminViewer, models.AuditFilter{ActorID: demoInspector})
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
	app, store, _ := newTestApp(t)
	ctx := context.Background()
	insp := models.Viewer{TelegramID: demoInspector, Role: models.RoleInspector}
	u, err := store.FindUser(ctx, demoInspector)
	if err != nil {
		t.Fatal(err)
	}
	insp.UnitID = u.UnitID
	lisi := findDemoMember(t, store, "李四")
	for i := 0; i < 25; i++ {
		if _, err := store.MemberStatus(ctx, insp, lisi, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	admin := newChat(t, app, demoAdmin)
	admin.say("/audit user 10002")
	admin.expect("审计日志", "用户 10002 · 查看状态 · 人员 #"+no(lisi), "更早")
	first := auditLineRE.FindAllString(admin.text(), -1)
	if len(first) != auditPageSize {
		t.Fatalf("first page has %d lines:\n%s", len(first), admin.text())
	}
	admin.press("更早")
	second := auditLineRE.FindAllString(admin.text(), -1)
	if len(second) != 5 || len(admin.last.Messages[0].Buttons) != 0 {
		t.Fatalf("second page:\n%s", admin.text())
	}
	for _, line := range append(first, second...) {
		if !strings.Contains(line, "用户 10002 · 查看状态 · 人员 #"+no(lisi)) {
			t.Fatalf("line of another event: %q", line)
		}
	}

	admin.say("/audit member " + no(lisi))
	for _, line := range auditLineRE.FindAllString(admin.text(), -1) {
		if !strings.Contains(line, "人员 #"+no(lisi)) {
			t.Fatalf("line of another member: %q", line)
		}
	}
	// Newest first: the admin's own listings come before the status views.
	admin.say("/audit")
	lines := auditLineRE.FindAllString(admin.text(), -1)
	if len(lines) != auditPageSize || !strings.Contains(lines[0], "用户 10001 · 查看审计日志") {
		t.Fatalf("unfiltered page:\n%s", admin.text())
	}
	admin.say("/audit user 424242 member 4")
	admin.expect("没有符合条件的记录")
}

func TestAudit_BadArguments(t *testing.T) {
	app, _, _ := newTestApp(t)
	admin := newChat(t, app, demoAdmin)
	for _, in := range []string{"/audit user", "/audit user abc", "/audit user -5", "/audit member 0",
		"/audit foo 1", "/audit user 1 user 2", "/audit member #x", "/audit 10002"} {
		admin.say(in)
		admin.expect("用法：/audit")
	}
	admin.say("/audit 用户 10002 人员 #3")
	admin.expect("（最新在前） · 用户 10002 · 人员 #3")
}

func TestAuditPage_Encoding(t *testing.T) {
	for _, f := range []models.AuditFilter{
		{BeforeID: 1},
		{ActorID: 10002, MemberID: 4, BeforeID: 987},
		{ActorID: 1<<63 - 1, MemberID: 1<<64 - 1, BeforeID: 1<<64 - 1},
	} {
		arg := encodeAuditPage(f)
		data := Callback{Seq: 1 << 30, Action: "au", Arg: arg}.String()
		if len(data) > maxCallbackBytes {
			t.Errorf("%+v: callback data %q is %d bytes", f, data, len(data))
		}
		if got, ok := decodeAuditPage(arg); !ok || got != f {
			t.Errorf("decode(encode(%+v)) = %+v, %v", f, got, ok)
		}
	}
	for _, bad := range []string{"", "u1_m2", "u1_m2_b0", "m1_u2_b3", "u-1_m2_b3", "u1_m2_b3_x", "u_m_b", "uzzzzzzzzzzzzzz_m1_b1"} {
		if f, ok := decodeAuditPage(bad); ok {
			t.Errorf("decode(%q) = %+v, want rejection", bad, f)
		}
	}
}

// TestActionLabel: every audit action of models has a label in both
// languages; an unknown one is shown as its code.
func TestActionLabel(t *testing.T) {
	app, _, _ := newTestApp(t)
	actions := []string{models.AuditAddUser, models.AuditSearch, models.AuditOpenMember, models.AuditViewStatus,
		models.AuditCreateVisit, models.AuditUnitCreate, models.AuditUnitRename, models.AuditUnitMove,
		models.AuditUnitDelete, models.AuditInviteCreate, models.AuditInviteRedeem, models.AuditInviteRevoke,
		models.AuditListUsers, models.AuditRevokeUser, models.AuditMemberCreate, models.AuditMemberUpdate,
		models.AuditSanctionCreate, models.AuditSanctionLift, models.AuditOpenVisit, models.AuditVisitEdit,
		models.AuditViewHistory, models.AuditViewAudit, models.AuditImport, models.AuditDenied}
	for _, lang := range []string{LangZH, LangEN} {
		s := app.newSession(context.Background(), Input{}, models.User{Lang: lang}, State{})
		for _, a := range actions {
			if got := s.actionLabel(a); got == a || strings.HasPrefix(got, "ed_act_") {
				t.Errorf("%s: no label for %q", lang, a)
			}
		}
		if got := s.actionLabel("new_<thing>"); got != "new_&lt;thing&gt;" {
			t.Errorf("unknown action = %q", got)
		}
	}
}

func findDemoMember(t *testing.T, store *sqlstore.Store, name string) uint64 {
	t.Helper()
	m, err := store.SearchMembers(context.Background(), adminViewer, name, 5)
	if err != nil || len(m) != 1 {
		t.Fatalf("search %s: %v %v", name, m, err)
	}
	return m[0].Member.ID
}
