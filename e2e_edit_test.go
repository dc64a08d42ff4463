package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

// TestE2E_VisitEdit edits a saved visit through Telegram and checks the
// new version and the kept revision in MariaDB.
func TestE2E_VisitEdit(t *testing.T) {
	e := startE2E(t)
	ctx := context.Background()
	insp, err := e.store.FindUser(ctx, demoInspectorID)
	if err != nil {
		t.Fatalf("find inspector: %v", err)
	}
	viewer := models.Viewer{TelegramID: insp.TelegramID, Role: insp.Role, UnitID: insp.UnitID}
	_, _, sanctions, err := e.store.MemberSanctions(ctx, viewer, findMember(t, e.store, "孙八"))
	if err != nil || len(sanctions) == 0 {
		t.Fatalf("sanctions of 孙八: %v %v", sanctions, err)
	}
	today := models.DateOf(time.Now().In(shanghai(t)))
	next := today.AddDate(0, 3, 0)
	v := models.Visit{IdemKey: "e2e-edit", MemberID: sanctions[0].MemberID, Date: today, NextVisit: &next,
		Methods: models.MethodTalk, Type: models.TypeTalk, Inspectors: "演示回访人员", Thinking: "认识到位", Work: "积极",
		EnforcementOK: true, Conclusion: models.ConclusionAverage, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: true}
	if _, err := e.store.CreateVisit(ctx, viewer, &v, []uint64{sanctions[0].ID}); err != nil {
		t.Fatalf("create visit: %v", err)
	}
	no := strconv.FormatUint(v.ID, 10)

	u := e.user(demoInspectorID)
	u.say("/visit edit " + no)
	u.expect("修改回访记录 #"+no, "<b>回访结论</b>：一般")
	u.press("✏️ 回访结论")
	u.press("较好")
	u.expect("<b>回访结论</b>：较好")
	u.press("确认保存")
	u.expect("请填写修改原因")
	u.say("结论录入有误 <复核>")
	u.expect("已更新回访记录 #" + no + "（第 1 次修改）")
	u.say("/history " + no)
	u.expect("第 1 次修改", "原因：结论录入有误 &lt;复核&gt;", "修改的内容：回访结论")
	assertProtected(t, e.srv.Sent(), u.chatID)

	admin := models.Viewer{TelegramID: demoAdminID, Role: models.RoleAdmin}
	got, _, err := e.store.GetVisit(ctx, admin, v.ID)
	if err != nil || got.Conclusion != models.ConclusionFairlyGood || got.Thinking != "认识到位" {
		t.Fatalf("visit in database = %+v, %v", got, err)
	}
	_, revs, err := e.store.VisitHistory(ctx, admin, v.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions = %+v, %v", revs, err)
	}
	r := revs[0]
	if r.Version != 1 || r.EditorID != demoInspectorID || r.Reason != "结论录入有误 <复核>" ||
		!strings.Contains(r.Changed, "conclusion") || !strings.Contains(r.Before, models.ConclusionAverage) {
		t.Fatalf("revision = %+v", r)
	}

	a := e.user(demoAdminID)
	a.say("/audit member " + strconv.FormatUint(v.MemberID, 10))
	a.expect("用户 " + strconv.FormatInt(demoInspectorID, 10) + " · 修改回访记录 · 人员 #" +
		strconv.FormatUint(v.MemberID, 10) + " · 回访 #" + no)
	if !regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} · 用户`).MatchString(a.text()) {
		t.Fatalf("audit lines:\n%s", a.text())
	}
}
