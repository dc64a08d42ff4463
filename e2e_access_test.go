package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/models"
)

var startLinkRE = regexp.MustCompile(`https://t\.me/huifang_test_bot\?start=([0-9A-Za-z_-]+)`)

// waitSentTo waits until a message containing part was sent to chatID.
func waitSentTo(t *testing.T, srv *telegramtest.Server, chatID int64, part string) telegramtest.Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, s := range srv.Sent() {
			if s.ChatID == chatID && strings.Contains(s.Text, part) {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing with %q sent to chat %d", part, chatID)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestE2E_Invitation: an admin invites, a stranger opens the deep link,
// gives their real name (their form kept in Redis, nothing else
// answering meanwhile), confirms and is registered under it, the admin is
// told in their own chat, and a second stranger with the same code is
// refused.
func TestE2E_Invitation(t *testing.T) {
	e := startE2E(t)
	admin := e.user(demoAdminID)
	admin.say("/invite inspector 东湖镇（演示）")
	admin.expect("邀请码：<code>", "回访人员", "东湖镇（演示）", "只能使用一次")
	m := startLinkRE.FindStringSubmatch(admin.text())
	if m == nil {
		t.Fatalf("no deep link in:\n%s", admin.text())
	}
	code := m[1]

	e.srv.SetUser(31337, "小五", "")
	newcomer := e.user(31337)
	newcomer.say("/start " + code)
	newcomer.expect("您受邀成为“东湖镇（演示）”的回访人员", "真实姓名")
	newcomer.refute("欢迎")
	newcomer.say("/status 李四") // nothing but the join form answers
	newcomer.expect("请先完成注册", "真实姓名")
	newcomer.refute("李四")
	newcomer.say("王五")
	newcomer.expect("姓名：王五", "单位：东湖镇（演示）")
	if _, err := e.store.FindUser(context.Background(), 31337); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("registered before confirming: %v", err)
	}
	newcomer.press("信息无误")
	newcomer.expect("欢迎，王五", "东湖镇（演示）", "回访人员")
	newcomer.refute("小五")
	note := waitSentTo(t, e.srv, demoAdminID, "王五")
	if !strings.Contains(note.Text, "<code>31337</code>") || !note.Protect {
		t.Fatalf("inviter's notification = %+v", note)
	}
	u, err := e.store.FindUser(context.Background(), 31337)
	if err != nil || u.Role != models.RoleInspector || u.Name != "王五" {
		t.Fatalf("registered user = %+v, %v", u, err)
	}
	newcomer.say("/status 李四")
	newcomer.expect("李四")
	newcomer.refute("没有使用本机器人的权限")

	second := e.user(31338)
	second.say("/start " + code)
	second.expect("已经被使用过", "<code>31338</code>")
	second.refute("欢迎")
	if _, err := e.store.FindUser(context.Background(), 31338); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("second stranger registered: %v", err)
	}
}

// TestE2E_RevokedUser: a revoked inspector is refused at once and their
// draft is gone from Redis.
func TestE2E_RevokedUser(t *testing.T) {
	e := startE2E(t)
	insp := e.user(demoInspectorID)
	insp.say("/visit 李四")
	insp.expect("开始为 <b>李四</b>")
	admin := e.user(demoAdminID)
	admin.say("/revoke 10002")
	admin.expect("已撤销 演示回访人员", "<code>10002</code>")
	if _, _, err := e.state.Load(context.Background(), demoInspectorID, demoInspectorID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("state of the revoked user: %v", err)
	}
	insp.say("/visit")
	insp.expect("没有使用本机器人的权限", "<code>10002</code>")
	insp.refute("李四")
}

// TestE2E_RevokedInviterCodes: revoking a user makes their pending codes
// useless. A revoked admin who sends /start with their own code stays
// revoked; a stranger with a revoked supervisor's code is not registered,
// and the revoked supervisor hears nothing of it.
func TestE2E_RevokedInviterCodes(t *testing.T) {
	e := startE2E(t)
	ctx := context.Background()
	root, err := e.store.FindUnitByName(ctx, "示范区纪委（演示）")
	if err != nil {
		t.Fatal(err)
	}
	donghu, err := e.store.FindUnitByName(ctx, "东湖镇（演示）")
	if err != nil {
		t.Fatal(err)
	}
	const otherAdminID, supID, strangerID = 20001, 20002, 31337
	boss := models.Viewer{TelegramID: demoAdminID, Role: models.RoleAdmin, UnitID: root.ID}
	for _, u := range []models.User{
		{TelegramID: otherAdminID, Name: "另一管理员", Role: models.RoleAdmin, UnitID: root.ID},
		{TelegramID: supID, Name: "东湖负责人", Role: models.RoleSupervisor, UnitID: donghu.ID},
	} {
		if err := e.store.CreateUser(ctx, boss, &u); err != nil {
			t.Fatalf("CreateUser %d: %v", u.TelegramID, err)
		}
	}
	codeOf := func(u *user, cmd string) string {
		t.Helper()
		u.say(cmd)
		m := startLinkRE.FindStringSubmatch(u.text())
		if m == nil {
			t.Fatalf("%s: no deep link in:\n%s", cmd, u.text())
		}
		return m[1]
	}
	admin, sup, other := e.user(demoAdminID), e.user(supID), e.user(otherAdminID)
	adminCode := codeOf(admin, "/invite admin 示范区纪委（演示）")
	supCode := codeOf(sup, "/invite inspector 东湖镇")
	other.say("/revoke 10001")
	other.expect("已撤销 演示管理员")
	other.say("/revoke 20002")
	other.expect("已撤销 东湖负责人")

	admin.say("/start " + adminCode)
	admin.expect("已被作废", "<code>10001</code>")
	admin.refute("欢迎")
	if _, err := e.store.FindUser(ctx, demoAdminID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("revoked admin re-activated by their own code: %v", err)
	}
	admin.say("/users")
	admin.expect("没有使用本机器人的权限")

	e.srv.SetUser(strangerID, "陌生人", "")
	stranger := e.user(strangerID)
	stranger.say("/start " + supCode)
	stranger.expect("已被作废", "<code>31337</code>")
	stranger.refute("欢迎")
	if _, err := e.store.FindUser(ctx, strangerID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("stranger registered with a revoked supervisor's code: %v", err)
	}
	for _, s := range e.srv.Sent() {
		if s.ChatID == supID && strings.Contains(s.Text, "已用您的邀请码注册") {
			t.Fatalf("revoked supervisor told of a registration: %q", s.Text)
		}
	}
}
