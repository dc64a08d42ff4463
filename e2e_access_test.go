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

// TestE2E_Invitation: an admin invites, a stranger opens the deep link and
// is registered, the admin is told in their own chat, and a second
// stranger with the same code is refused.
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

	e.srv.SetUser(31337, "王五", "")
	newcomer := e.user(31337)
	newcomer.say("/start " + code)
	newcomer.expect("欢迎，王五", "东湖镇（演示）", "回访人员")
	note := waitSentTo(t, e.srv, demoAdminID, "王五")
	if !strings.Contains(note.Text, "<code>31337</code>") || !note.Protect {
		t.Fatalf("inviter's notification = %+v", note)
	}
	u, err := e.store.FindUser(context.Background(), 31337)
	if err != nil || u.Role != models.RoleInspector {
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
