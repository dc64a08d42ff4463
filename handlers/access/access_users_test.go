package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

func TestAccess_Redeem(t *testing.T) {
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	app, store, _ := acNewApp(t, &now)
	admin := acChat(t, app, apptest.DemoAdmin)
	ctx := context.Background()

	code := acInvite(t, admin, "inspector "+acDonghu)
	t.Run("OK", func(t *testing.T) {
		acIn(t, admin)
		n := acNewChat(t, app, 555, "Wu", "")
		n.Join("/start "+code, "王<五>")
		r := n.Last
		acExpectIn(t, acText(r), "欢迎，王&lt;五&gt;", acDonghu, "回访人员", "/help")
		if len(r.Notify) != 1 || r.Notify[0].ChatID != apptest.DemoAdmin {
			t.Fatalf("inviter not notified: %+v", r.Notify)
		}
		acExpectIn(t, r.Notify[0].Message.Text, "王&lt;五&gt;", "<code>555</code>", acDonghu, "回访人员")
		u, err := store.FindUser(ctx, 555)
		if err != nil || u.Role != models.RoleInspector || u.UnitID != acUnit(t, store, acDonghu).ID || u.Name != "王<五>" {
			t.Fatalf("registered user = %+v, %v", u, err)
		}
		c := acChat(t, app, 555)
		c.Say("/start")
		c.Expect("您好", "登记回访")
		c.Say("/start " + code)
		c.Expect("您已经是注册用户")
	})
	t.Run("FormulaName", func(t *testing.T) {
		// The real name typed at joining may not start a spreadsheet
		// formula; the newcomer is asked again, nothing is registered.
		acIn(t, admin)
		code := acInvite(t, admin, "inspector "+acDonghu)
		n := acNewChat(t, app, 560, "=cmd|' /C calc'!A0", "")
		n.Say("/start " + code)
		n.Say("=cmd|' /C calc'!A0")
		n.Expect("不能以 =、+、-、@")
		if _, err := store.FindUser(ctx, 560); err == nil {
			t.Fatal("registered with a formula for a name")
		}
		n.Say("王六")
		n.Press("✅")
		if u, err := store.FindUser(ctx, 560); err != nil || u.Name != "王六" {
			t.Fatalf("registered user = %+v, %v", u, err)
		}
	})
	t.Run("BareCode", func(t *testing.T) {
		acIn(t, admin)
		for i, text := range []string{"%s", "  %s ", "/start@huifang_bot %s", "/START %s"} {
			code := acInvite(t, admin, "inspector "+acDonghu)
			id := int64(570 + i)
			n := acNewChat(t, app, id, "Wu", "")
			n.Join(strings.Replace(text, "%s", code, 1), "吴十一")
			acExpectIn(t, acText(n.Last), "欢迎，吴十一", acDonghu)
			if _, err := store.FindUser(ctx, id); err != nil {
				t.Fatalf("%q: not registered: %v", text, err)
			}
		}
	})
	t.Run("Used", func(t *testing.T) {
		acIn(t, admin)
		r := acStranger(app, 556, "钱七", "", "/start "+code)
		acExpectIn(t, acText(r), "已经被使用过", "新的邀请码", "<code>556</code>")
		if len(r.Notify) != 0 {
			t.Fatalf("notified on refusal: %+v", r.Notify)
		}
		if _, err := store.FindUser(ctx, 556); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("second use registered: %v", err)
		}
		admin.Say("/invite revoke " + code)
		admin.Expect("已被使用，无法作废")
	})
}

func TestAccess_RedeemRefused(t *testing.T) {
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	app, store, _ := acNewApp(t, &now)
	admin := acChat(t, app, apptest.DemoAdmin)
	ctx := context.Background()
	t.Run("Expired", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector "+acDonghu)
		saved := now
		now = now.Add(72*time.Hour + time.Minute)
		defer func() { now = saved }()
		acExpectIn(t, acText(acStranger(app, 557, "孙八", "", "/start "+code)), "已过期", "<code>557</code>")
		admin.Say("/invite revoke " + code)
		admin.Expect("已作废") // an expired code may still be revoked
	})
	t.Run("Revoked", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "supervisor "+acDonghu)
		admin.Say("/invite revoke " + code)
		admin.Expect("邀请码 <code>" + code + "</code> 已作废")
		acExpectIn(t, acText(acStranger(app, 558, "李九", "", "/start "+code)), "已被作废", "<code>558</code>")
		admin.Say("/invite revoke " + code)
		admin.Expect("已经作废或过期")
	})
	t.Run("NotAnInvitation", func(t *testing.T) {
		acIn(t, admin)
		for _, text := range []string{"/start 0123456789abcdef0123456789abcdef", "/start", "/start a*b", "你好", "/status 李四"} {
			r := acStranger(app, 559, "周十", "", text)
			acExpectIn(t, acText(r), "没有使用本机器人的权限", "<code>559</code>")
		}
	})
	t.Run("English", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector "+acDonghu)
		if err := store.SetUserLang(ctx, apptest.DemoAdmin, kit.LangEN); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = store.SetUserLang(ctx, apptest.DemoAdmin, kit.LangZH) }()
		n := acNewChat(t, app, 560, "", "en-US")
		n.Join("/start "+code, "Zhou Shi")
		r := n.Last
		acExpectIn(t, acText(r), "Welcome, Zhou Shi!", "inspector", acDonghu)
		acExpectIn(t, r.Notify[0].Message.Text, "Zhou Shi", "used your invitation")
		if u, err := store.FindUser(ctx, 560); err != nil || u.Lang != kit.LangEN {
			t.Fatalf("language of the new user = %+v, %v", u, err)
		}
	})
}

func TestAccess_Users(t *testing.T) {
	app, _, _ := acNewApp(t, nil)
	t.Run("Admin", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoAdmin)
		c.Say("/users")
		c.Expect("演示管理员", "演示回访人员 · 回访人员 · "+acDonghu+" · <code>10002</code>", "西山分管", "西山回访员")
	})
	t.Run("Supervisor", func(t *testing.T) {
		c := acChat(t, app, acXSSup)
		c.Say("/users")
		c.Expect("西山分管 · 分管领导", "西山回访员", "<code>20002</code>")
		for _, other := range []string{"演示回访人员", "10002", "演示管理员", "东湖"} {
			c.Refute(other)
		}
	})
	t.Run("Inspector", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoInspector)
		c.Say("/users")
		c.Expect("只有管理员和分管领导可以查看用户列表")
		c.Refute("演示")
	})
	t.Run("BadArgs", func(t *testing.T) {
		c := acChat(t, app, apptest.DemoAdmin)
		c.Say("/users all")
		c.Expect("用法：/users")
	})
}

// TestAccess_Revoke: bad arguments, and users who may not revoke learn
// nothing about who exists.
func TestAccess_Revoke(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	admin := acChat(t, app, apptest.DemoAdmin)
	t.Run("BadArgs", func(t *testing.T) {
		acIn(t, admin)
		for cmd, want := range map[string]string{
			"/revoke":       "用法：/revoke",
			"/revoke 张三":    "用法：/revoke",
			"/revoke -3":    "用法：/revoke",
			"/revoke 10001": "不能撤销您自己的权限",
			"/revoke 777":   "HUIFANG_ADMINS",
			"/revoke 99999": "没有找到用户 <code>99999</code>",
		} {
			admin.Say(cmd)
			admin.Expect(want)
		}
	})
	t.Run("Sibling", func(t *testing.T) {
		c := acChat(t, app, acXSSup)
		acSame(t, c, "/revoke 10002", "10002", "/revoke 99999", "99999")
		if _, err := store.FindUser(ctx, apptest.DemoInspector); err != nil {
			t.Fatalf("the sibling revoked 10002: %v", err)
		}
	})
	t.Run("Inspector", func(t *testing.T) {
		c := acChat(t, app, acXSInsp)
		acSame(t, c, "/revoke 10002", "10002", "/revoke 99999", "99999")
		c.Expect("您无权撤销")
	})
	t.Run("LastAdmin", func(t *testing.T) {
		c := acChat(t, app, apptest.BootAdmin)
		c.Say("/revoke 10001")
		c.Expect("不能撤销最后一位管理员的权限")
		if _, err := store.FindUser(ctx, apptest.DemoAdmin); err != nil {
			t.Fatalf("the last admin was revoked: %v", err)
		}
	})
}

func TestAccess_RevokeOK(t *testing.T) {
	app, store, state := acNewApp(t, nil)
	ctx := context.Background()
	insp := acChat(t, app, apptest.DemoInspector)
	insp.Say("/visit 李四")
	insp.Expect("开始为 <b>李四</b>")
	admin := acChat(t, app, apptest.DemoAdmin)
	t.Run("OK", func(t *testing.T) {
		acIn(t, insp, admin)
		if _, _, err := state.Load(ctx, apptest.DemoInspector, apptest.DemoInspector); err != nil {
			t.Fatalf("no state before: %v", err)
		}
		admin.Say("/revoke 10002")
		admin.Expect("已撤销 演示回访人员（ID <code>10002</code>）")
		if _, _, err := state.Load(ctx, apptest.DemoInspector, apptest.DemoInspector); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("state of the revoked user: %v", err)
		}
		insp.Say("/visit")
		insp.Expect("没有使用本机器人的权限")
		insp.Refute("李四")
		admin.Say("/revoke 10002")
		admin.Expect("没有找到用户")
	})
	t.Run("Supervisor", func(t *testing.T) {
		acIn(t, insp, admin)
		c := acChat(t, app, acXSSup)
		c.Say("/revoke 20002")
		c.Expect("已撤销 西山回访员")
		if _, err := store.FindUser(ctx, acXSInsp); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("revoked user still found: %v", err)
		}
	})
	t.Run("Reinvited", func(t *testing.T) {
		acIn(t, insp, admin)
		code := acInvite(t, admin, "inspector "+acDonghu)
		n := acNewChat(t, app, apptest.DemoInspector, "演示回访人员", "")
		n.Join("/start "+code, "演示回访人员")
		acExpectIn(t, acText(n.Last), "欢迎")
		insp.Say("/visit")
		insp.Expect("请输入受处分人员")
	})
}

// conflictOnce is a state store whose first Delete fails with ErrStale,
// as when the user's own update saved their state meanwhile.
type conflictOnce struct {
	models.StateStore
	failed bool
}

func (c *conflictOnce) Delete(ctx context.Context, chatID, userID, version int64) error {
	if !c.failed {
		c.failed = true
		return models.ErrStale
	}
	return c.StateStore.Delete(ctx, chatID, userID, version)
}

func TestAccess_RevokeRetriesConflict(t *testing.T) {
	_, store, mem := apptest.NewApp(t)
	state := &conflictOnce{StateStore: mem}
	app := apptest.MustApp(t, store, state)
	acChat(t, app, apptest.DemoInspector).Say("/visit 李四")
	admin := acChat(t, app, apptest.DemoAdmin)
	admin.Say("/revoke 10002")
	admin.Expect("已撤销")
	if _, _, err := mem.Load(context.Background(), apptest.DemoInspector, apptest.DemoInspector); !state.failed || !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("state after a conflict: failed=%v, %v", state.failed, err)
	}
}
