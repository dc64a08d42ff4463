package handlers

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// Users added to the demo roster for the access tests: a supervisor and an
// inspector of 西山街道（演示）, the sibling of the demo inspector's 东湖镇（演示）.
const (
	acXSSup  = 20001
	acXSInsp = 20002
)

const (
	acRoot   = "示范区纪委（演示）"
	acDonghu = "东湖镇（演示）"
	acXishan = "西山街道（演示）"
	acXSComm = "西山社区党支部（演示）"
)

var acAdminViewer = models.Viewer{TelegramID: demoAdmin, Role: models.RoleAdmin}

// acNewApp is newTestApp plus the 西山 users, with the clock at *now
// when now is not nil.
func acNewApp(t *testing.T, now *time.Time) (*App, *sqlstore.Store, models.StateStore) {
	t.Helper()
	_, store, state := newTestApp(t)
	acAddUser(t, store, acXSSup, "西山分管", models.RoleSupervisor, acXishan)
	acAddUser(t, store, acXSInsp, "西山回访员", models.RoleInspector, acXishan)
	o := Options{Store: store, State: state, Location: acShanghai(t), Admins: []int64{777}}
	if now != nil {
		o.Now = func() time.Time { return *now }
	}
	app, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return app, store, state
}

func acShanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func acUnit(t testing.TB, store *sqlstore.Store, name string) models.Unit {
	t.Helper()
	u, err := store.FindUnitByName(context.Background(), name)
	if err != nil {
		t.Fatalf("unit %s: %v", name, err)
	}
	return u
}

func acAddUser(t testing.TB, store *sqlstore.Store, id int64, name string, role models.Role, unit string) {
	t.Helper()
	u := models.User{TelegramID: id, Name: name, Role: role, UnitID: acUnit(t, store, unit).ID}
	if err := store.CreateUser(context.Background(), acAdminViewer, &u); err != nil {
		t.Fatalf("add user %d: %v", id, err)
	}
}

var acCodeRE = regexp.MustCompile(`(?:邀请码|Invitation code)：?:? ?<code>([0-9A-Za-z_-]+)</code>`)

// acInvite sends an /invite command and returns the code it answers with.
func acInvite(t *testing.T, c *chat, args string) string {
	t.Helper()
	c.say("/invite " + args)
	m := acCodeRE.FindStringSubmatch(c.text())
	if m == nil {
		t.Fatalf("/invite %s gave no code:\n%s", args, c.text())
	}
	return m[1]
}

// acUpdates numbers the updates of every chat the access tests open, so
// that a second chat object of one user is not taken for a re-delivery.
var acUpdates atomic.Int64

// acChat is newChat with update ids no other chat of the test uses.
func acChat(t testing.TB, h Handler, userID int64) *chat {
	c := newChat(t, h, userID)
	c.upd = int(acUpdates.Add(1000))
	return c
}

// acIn makes chats opened by a parent test report to subtest t.
func acIn(t testing.TB, chats ...*chat) {
	for _, c := range chats {
		c.t = t
	}
}

// acStranger sends text as a person the bot does not know.
func acStranger(app *App, id int64, name, lang, text string) Response {
	return app.Handle(context.Background(), Input{UpdateID: int(acUpdates.Add(1000)), ChatID: id, UserID: id, ChatType: ChatPrivate,
		FirstName: name, LangCode: lang, Text: text})
}

func acText(r Response) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

// acSame checks that two commands are answered alike once the part
// each names is taken out: a sibling learns nothing about what exists.
func acSame(t *testing.T, c *chat, cmdA, nameA, cmdB, nameB string) {
	t.Helper()
	c.say(cmdA)
	a := strings.ReplaceAll(c.text(), nameA, "X")
	c.say(cmdB)
	b := strings.ReplaceAll(c.text(), nameB, "X")
	if a != b {
		t.Fatalf("%s and %s are told apart:\n%s\n%s", cmdA, cmdB, a, b)
	}
}

func TestAccess_Units(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	t.Run("Admin", func(t *testing.T) {
		c := acChat(t, app, demoAdmin)
		c.say("/units")
		dh := acUnit(t, store, acDonghu)
		c.expect(acRoot, acXishan, "东湖村党支部（演示）", "西山社区党支部（演示）",
			"\n　"+strconv.FormatUint(dh.ID, 10)+" · "+acDonghu, "新增单位", "改名", "移动", "删除")
	})
	t.Run("Inspector", func(t *testing.T) {
		c := acChat(t, app, demoInspector)
		c.say("/units")
		c.expect(acDonghu, "\n　", "东湖村党支部（演示）")
		for _, other := range []string{acRoot, "西山", "新增单位"} {
			c.refute(other)
		}
		if len(c.last.Messages[0].Buttons) != 0 {
			t.Fatalf("inspector got buttons: %v", c.last.Messages[0].Buttons)
		}
	})
	t.Run("Sibling", func(t *testing.T) {
		for _, id := range []int64{acXSSup, acXSInsp} {
			c := acChat(t, app, id)
			c.say("/units")
			c.expect(acXishan, acXSComm)
			c.refute("东湖")
			c.refute(acRoot)
		}
	})
	t.Run("BadArgs", func(t *testing.T) {
		c := acChat(t, app, demoAdmin)
		c.say("/units 东湖镇")
		c.expect("用法：/units")
	})
}

func TestAccess_Invite(t *testing.T) {
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	app, store, _ := acNewApp(t, &now)
	admin := acChat(t, app, demoAdmin)
	t.Run("OK", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector "+acDonghu)
		admin.expect("回访人员", acDonghu, "2026年3月4日 10:00", "只能使用一次", "<code>/start "+code+"</code>",
			"/invite revoke "+code)
		admin.refute("t.me")
		app.SetTransport("huifang_bot", nil)
		defer app.SetTransport("", nil)
		acInvite(t, admin, "分管领导")
		admin.expect("https://t.me/huifang_bot?start=", "分管领导", acRoot)
		acInvite(t, admin, "admin "+strconv.FormatUint(acUnit(t, store, acXishan).ID, 10))
		admin.expect("管理员", acXishan)
	})
	t.Run("BadArgs", func(t *testing.T) {
		acIn(t, admin)
		for cmd, want := range map[string]string{
			"/invite":                      "用法：/invite 角色",
			"/invite boss":                 "用法：/invite 角色",
			"/invite inspector 不存在的单位":     "没有找到单位“不存在的单位”",
			"/invite revoke":               "用法：/invite revoke",
			"/invite revoke a*b":           "用法：/invite revoke",
			"/invite revoke 0123456789abc": "没有找到邀请码",
		} {
			admin.say(cmd)
			admin.expect(want)
			admin.refute("✅")
		}
	})
	t.Run("BootstrapAdmin", func(t *testing.T) {
		acIn(t, admin)
		c := acChat(t, app, 777)
		c.say("/invite inspector")
		c.expect("请指定单位")
		acInvite(t, c, "inspector "+acDonghu)
	})
	t.Run("FullWidthSpace", func(t *testing.T) {
		acIn(t, admin)
		acInvite(t, admin, "回访员　"+acDonghu)
		admin.expect(acDonghu)
	})
}

// TestAccess_InviteRoles: supervisors invite inspectors of their subtree
// only, inspectors nobody, and a sibling learns nothing.
func TestAccess_InviteRoles(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	admin := acChat(t, app, demoAdmin)
	t.Run("Supervisor", func(t *testing.T) {
		c := acChat(t, app, acXSSup)
		acInvite(t, c, "inspector")
		c.expect(acXishan, "回访人员")
		acInvite(t, c, "回访员 "+acXSComm)
		c.expect(acXSComm)
		for _, cmd := range []string{"/invite supervisor", "/invite admin " + acXSComm} {
			c.say(cmd)
			c.expect("分管领导只能邀请本单位及下级单位的回访员")
			c.refute("<code>")
		}
	})
	t.Run("Inspector", func(t *testing.T) {
		c := acChat(t, app, demoInspector)
		for _, cmd := range []string{"/invite inspector", "/invite inspector " + acXishan, "/invite revoke 0123abcd"} {
			c.say(cmd)
			c.expect("只有管理员和分管领导可以邀请用户")
			c.refute("<code>")
		}
		ev, err := store.ListAudit(context.Background(), acAdminViewer, models.AuditFilter{ActorID: demoInspector})
		if err != nil || len(ev) == 0 || ev[0].Action != models.AuditDenied {
			t.Fatalf("no denied audit row: %v %+v", err, ev)
		}
	})
	t.Run("Sibling", func(t *testing.T) {
		acIn(t, admin)
		c := acChat(t, app, acXSSup)
		acSame(t, c, "/invite inspector "+acDonghu, acDonghu, "/invite inspector 不存在的单位", "不存在的单位")
		id := strconv.FormatUint(acUnit(t, store, acDonghu).ID, 10)
		acSame(t, c, "/invite inspector "+id, id, "/invite inspector 999999", "999999")
		code := acInvite(t, admin, "inspector "+acDonghu)
		acSame(t, c, "/invite revoke "+code, code, "/invite revoke 0123456789abcdef", "0123456789abcdef")
		if r := acStranger(app, 600, "赵六", "", "/start "+code); !strings.Contains(acText(r), "欢迎") {
			t.Fatalf("the sibling's attempt revoked the code: %s", acText(r))
		}
	})
}
