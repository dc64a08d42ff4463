package access_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

func TestAccess_Units(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	t.Run("Admin", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoAdmin)
		c.Say("/units")
		dh := acUnit(t, store, acDonghu)
		c.Expect(acRoot, acXishan, "东湖村党支部（演示）", "西山社区党支部（演示）",
			"\n　"+strconv.FormatUint(dh.ID, 10)+" · "+acDonghu, "新增单位", "改名", "移动", "删除")
	})
	t.Run("Inspector", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoInspector)
		c.Say("/units")
		c.Expect(acDonghu, "\n　", "东湖村党支部（演示）")
		for _, other := range []string{acRoot, "西山", "新增单位"} {
			c.Refute(other)
		}
		if len(c.Last.Messages[0].Buttons) != 0 {
			t.Fatalf("inspector got buttons: %v", c.Last.Messages[0].Buttons)
		}
	})
	t.Run("Sibling", func(t *testing.T) {
		for _, id := range []int64{acXSSup, acXSInsp} {
			c := acChat(t, app, id)
			c.Say("/units")
			c.Expect(acXishan, acXSComm)
			c.Refute("东湖")
			c.Refute(acRoot)
		}
	})
	t.Run("BadArgs", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoAdmin)
		c.Say("/units 东湖镇")
		c.Expect("用法：/units")
	})
}

func TestAccess_Invite(t *testing.T) {
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	app, store, _ := acNewApp(t, &now)
	admin := acChat(t, app, apptest.DemoAdmin)
	t.Run("OK", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector "+acDonghu)
		admin.Expect("回访人员", acDonghu, "2026年3月4日 10:00", "只能使用一次", "<code>/start "+code+"</code>",
			"/invite revoke "+code)
		admin.Refute("t.me")
		app.SetTransport("huifang_bot", nil)
		defer app.SetTransport("", nil)
		admin.Say("/invite 分管领导")
		admin.Press(acRoot)
		acCode(t, admin)
		admin.Expect("https://t.me/huifang_bot?start=", "分管领导", acRoot)
		acInvite(t, admin, "admin "+strconv.FormatUint(acUnit(t, store, acXishan).ID, 10))
		admin.Expect("管理员", acXishan)
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
			admin.Say(cmd)
			admin.Expect(want)
			admin.Refute("✅")
		}
	})
	t.Run("BootstrapAdmin", func(t *testing.T) {
		acIn(t, admin)
		c := acChat(t, app, apptest.BootAdmin)
		c.Say("/invite inspector")
		c.Expect("邀请回访人员加入哪个单位", acRoot, acXSComm)
		c.Press(acDonghu)
		acCode(t, c)
		c.Expect(acDonghu)
		acInvite(t, c, "inspector "+acDonghu)
	})
	t.Run("FullWidthSpace", func(t *testing.T) {
		acIn(t, admin)
		acInvite(t, admin, "回访员　"+acDonghu)
		admin.Expect(acDonghu)
	})
	t.Run("AdminWithin24h", func(t *testing.T) {
		acIn(t, admin)
		acInvite(t, admin, "admin "+acRoot)
		admin.Expect("2026年3月2日 10:00")
	})
	t.Run("Bound", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector "+acDonghu+" id:31337")
		admin.Expect(acDonghu, "仅限 Telegram 用户 ID 为 <code>31337</code> 的人使用")
		other := acChat(t, app, 31338)
		other.Say("/start " + code)
		other.Expect("没有使用本机器人的权限", "<code>31338</code>")
		invitee := acNewChat(t, app, 31337, "Tg", "")
		invitee.Join("/start "+code, "王晓东")
		invitee.Expect("欢迎，王晓东", acDonghu)
		admin.Say("/invite inspector id:x")
		admin.Expect("用法：/invite 角色")
	})
}

// TestAccess_InviteRoles: supervisors invite inspectors of their subtree
// only, inspectors nobody, and a sibling learns nothing.
func TestAccess_InviteRoles(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	admin := acChat(t, app, apptest.DemoAdmin)
	t.Run("Supervisor", func(t *testing.T) {
		c := acChat(t, app, acXSSup)
		c.Say("/invite inspector")
		c.Expect(acXishan, acXSComm)
		c.Refute(acDonghu)
		c.Press(acXishan)
		acCode(t, c)
		c.Expect(acXishan, "回访人员")
		acInvite(t, c, "回访员 "+acXSComm)
		c.Expect(acXSComm)
		for _, cmd := range []string{"/invite supervisor", "/invite admin " + acXSComm} {
			c.Say(cmd)
			c.Expect("分管领导只能邀请本单位及下级单位的回访人员")
			c.Refute("<code>")
		}
	})
	t.Run("Inspector", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoInspector)
		for _, cmd := range []string{"/invite inspector", "/invite inspector " + acXishan, "/invite revoke 0123abcd"} {
			c.Say(cmd)
			c.Expect("只有管理员和分管领导可以邀请用户")
			c.Refute("<code>")
		}
		ev, err := store.ListAudit(context.Background(), acAdminViewer, models.AuditFilter{ActorID: apptest.DemoInspector})
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
		if r := acStranger(app, 600, "赵六", "", "/start "+code); !strings.Contains(acText(r), "您受邀成为") {
			t.Fatalf("the sibling's attempt revoked the code: %s", acText(r))
		}
	})
}
