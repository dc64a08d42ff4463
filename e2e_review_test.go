package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// e2eEastSup is a supervisor of the demo's 东湖镇, e2eWestSup of 西山街道.
const (
	e2eEastSup = 30001
	e2eWestSup = 30002
)

// TestE2E_Review goes through Telegram: an inspector saves a visit
// (pending), the supervisor returns it with a comment from /review, the
// inspector is told in their chat and corrects it from the notice's
// button (the comment is the reason), it is pending again and the
// supervisor approves it; the other township's supervisor gets not-found.
func TestE2E_Review(t *testing.T) {
	e := startE2E(t)
	ctx := context.Background()
	admin := models.Viewer{TelegramID: demoAdminID, Role: models.RoleAdmin}
	for id, unit := range map[int64]string{e2eEastSup: "东湖镇（演示）", e2eWestSup: "西山街道（演示）"} {
		u, err := e.store.FindUnitByName(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.CreateUser(ctx, admin, &models.User{TelegramID: id, Name: "负责人" + unit[:3], Role: models.RoleSupervisor, UnitID: u.ID}); err != nil {
			t.Fatal(err)
		}
	}
	insp, sup, west := e.user(demoInspectorID), e.user(e2eEastSup), e.user(e2eWestSup)
	insp.say("/visit 李四")
	apptest.WalkVisit(insp, apptest.ShortVisit)
	insp.press("确认保存")
	insp.expect("审核状态：⏳ 待审核")
	m := regexp.MustCompile(`回访记录编号 <b>#(\d+)</b>`).FindStringSubmatch(insp.text())
	if m == nil {
		t.Fatalf("no visit number:\n%s", insp.text())
	}
	no := m[1]

	sup.say("/review")
	sup.expect("待审核的回访记录：1 条", "#"+no+" 李四")
	sup.press("#" + no + " 李四")
	sup.expect("<b>回访记录 #"+no+"</b> · ⏳ 待审核", "✅ 审核通过")
	sup.press("退回修改")
	sup.say("请补充思想认识 & 学习情况")
	sup.expect("已退回修改", "请补充思想认识 &amp; 学习情况")
	notice := waitSent(t, e, demoInspectorID, "被 ")
	if !notice.Protect || !strings.Contains(notice.Text, "#"+no) || !strings.Contains(notice.Text, "&amp; 学习情况") {
		t.Fatalf("notice = %+v", notice)
	}
	west.say("/visit " + no)
	west.expect("无法查看回访记录 #" + no)

	insp.pressData(notice.MessageID, notice.Buttons[0][1].Data) // ✏️ 修改
	insp.expect("修改回访记录 #" + no)
	insp.press("✏️ 思想认识")
	insp.say("认识深刻，主动学习党章党规")
	insp.press("确认保存")
	insp.expect("已更新回访记录 #"+no, "修改原因：请补充思想认识 &amp; 学习情况", "⏳ 待审核")

	sup.say("/visit " + no)
	sup.expect("⏳ 待审核", "修改 1 次", "认识深刻")
	sup.press("审核通过")
	sup.expect("已审核通过", "✅ 已审核")
	assertProtected(t, e.srv.Sent(), sup.chatID)
	assertProtected(t, e.srv.Sent(), insp.chatID)
}

// waitSent waits for a message to chat whose text contains part (a notice
// goes out paced, after the reply).
func waitSent(t *testing.T, e *e2e, chat int64, part string) telegramtest.Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range e.srv.Sent() {
			if s.ChatID == chat && strings.Contains(s.Text, part) {
				return s
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("nothing with %q sent to %d", part, chat)
	return telegramtest.Sent{}
}
