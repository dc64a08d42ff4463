package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestAccess_Join: a newcomer is registered under the real name they
// type, after confirming the unit, never under their Telegram first name;
// meanwhile nothing but the join form answers them.
func TestAccess_Join(t *testing.T) {
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	app, store, _ := acNewApp(t, &now)
	ctx := context.Background()
	admin := acChat(t, app, apptest.DemoAdmin)
	notRegistered := func(t *testing.T, id int64) {
		t.Helper()
		if u, err := store.FindUser(ctx, id); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("user %d registered already: %+v, %v", id, u, err)
		}
	}
	t.Run("RealName", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		n := acNewChat(t, app, 55555, "小东", "")
		n.Say("/start " + code)
		n.Expect("您受邀成为“"+acDonghu+"”的回访人员", "真实姓名")
		n.Refute("欢迎")
		notRegistered(t, 55555)
		for _, bad := range []string{"12345", "？？", "/status 李四", "/visit", "/help"} {
			n.Say(bad)
			n.Expect("真实姓名")
			n.Refute("李四")
			n.Refute("没有使用本机器人的权限")
		}
		n.Say("Wang") // a bare word now is a name, not a code
		n.Expect("姓名：Wang", "角色：回访人员", "单位："+acDonghu, "单位不对")
		notRegistered(t, 55555)
		n.Press("修改姓名")
		n.Say("王　晓东")
		n.Expect("姓名：王晓东")
		n.Press("✅")
		n.Expect("欢迎，王晓东！", acDonghu)
		acExpectIn(t, n.Last.Notify[0].Message.Text, "王晓东", "<code>55555</code>")
		u, err := store.FindUser(ctx, 55555)
		if err != nil || u.Name != "王晓东" || u.UnitID != acUnit(t, store, acDonghu).ID {
			t.Fatalf("registered = %+v, %v", u, err)
		}
		n.Say("/status 李四") // a user now: the whole bot answers
		n.Expect("李四")
	})
	t.Run("Cancel", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		n := acNewChat(t, app, 55556, "小西", "")
		n.Say(code)
		n.Say("/cancel")
		n.Expect("已取消，您没有注册")
		n.Say("赵六")
		n.Expect("没有使用本机器人的权限") // the form is gone
		notRegistered(t, 55556)
		n.Join("/start "+code, "赵六") // the code is still good
		n.Expect("欢迎，赵六")
	})
	t.Run("WrongUnit", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		n := acNewChat(t, app, 55557, "小北", "")
		n.Say("/start " + code)
		n.Say("钱七")
		n.Press("单位不对")
		n.Expect("您没有注册", "告诉邀请人")
		if len(n.Last.Notify) != 1 || n.Last.Notify[0].ChatID != apptest.DemoAdmin {
			t.Fatalf("inviter not told: %+v", n.Last.Notify)
		}
		acExpectIn(t, n.Last.Notify[0].Message.Text, "<code>55557</code>", acDonghu, "单位不对")
		notRegistered(t, 55557)
	})
	t.Run("UsedMeanwhile", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		a := acNewChat(t, app, 55558, "甲", "")
		b := acNewChat(t, app, 55559, "乙", "")
		a.Say("/start " + code)
		b.Say("/start " + code)
		a.Say("孙八")
		b.Say("李九")
		a.Press("✅")
		a.Expect("欢迎，孙八")
		b.Press("✅")
		b.Expect("已经被使用过")
		notRegistered(t, 55559)
	})
	t.Run("Expired", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		n := acNewChat(t, app, 55560, "丙", "")
		n.Say("/start " + code)
		n.Say("周十")
		saved := now
		now = now.Add(73 * time.Hour)
		defer func() { now = saved }()
		n.Press("✅")
		n.Expect("已过期")
		notRegistered(t, 55560)
	})
	t.Run("Undelivered", func(t *testing.T) {
		// The name question never reached them: the next text is not taken
		// as the answer; the question is asked again.
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		n := acNewChat(t, app, 55562, "丁", "")
		n.Say("/start " + code)
		app.Undelivered(ctx, kit.Input{UpdateID: n.Upd, ChatID: 55562, UserID: 55562, ChatType: kit.ChatPrivate})
		n.Say("冯十二")
		n.Expect("真实姓名")
		n.Refute("姓名：冯十二")
		n.Say("冯十二")
		n.Expect("姓名：冯十二")
	})
	t.Run("English", func(t *testing.T) {
		acIn(t, admin)
		code := acInvite(t, admin, "inspector 东湖镇")
		n := acNewChat(t, app, 55561, "Tom", "en")
		n.Say("/start " + code)
		n.Expect("as inspector", "real name")
		n.Say("/help")
		n.Expect("Please finish registering first")
	})
}
