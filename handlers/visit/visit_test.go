package visit_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

var adminViewer = models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}

// liSi answers the visit of 李四 (one sanction, enforcement problem found).
var liSi = map[string]string{
	"date": apptest.Press + "今天", "methods": "talk,home", "type": "talk", "inspectors": apptest.Press + "只有我",
	"thinking": "对处分认识到位 <b>", "work": "工作积极", "opinions": "希望组织关心",
	"enforcement": "n", "problem": "工资仍按原级别发放", "pay": "1,234.50",
	"conclusion": "fairly_good", "recommendation": "continue", "feedback": "y", "branch": "n", "next": apptest.Press + "采用",
}

// walkToReview logs a visit for 李四 from /visit up to the review card.
func walkToReview(t *testing.T, c *kittest.Chat) {
	t.Helper()
	c.Say("/visit 李四")
	c.Expect("开始为 <b>李四</b>", "回访日期")
	apptest.WalkVisit(c, liSi)
	c.Expect("回访记录（待确认）", "对处分认识到位 &lt;b&gt;", "1,234.50", "谈心谈话、上门走访")
}

func TestApp_VisitSaved(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	walkToReview(t, c)
	confirm, msgID := c.Button("确认保存")
	c.Press("确认保存")
	c.Expect("已保存，回访记录编号", "<b>回访记录 #")
	c.Refute("待确认") // the saved record is no longer "to confirm"
	// A second tap on the same Confirm button saves nothing more.
	r := c.Deliver(kit.Input{Callback: confirm, MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("second confirm: %+v", r)
	}
	viewer := models.Viewer{TelegramID: apptest.DemoInspector, Role: models.RoleInspector}
	matches, err := store.SearchMembers(context.Background(), models.Viewer{Role: models.RoleAdmin}, "李四", 5)
	if err != nil || len(matches) != 1 {
		t.Fatalf("search: %v %v", matches, err)
	}
	viewer.Role = models.RoleAdmin
	st, err := store.MemberStatus(context.Background(), viewer, models.CalendarRules{}, matches[0].Member.ID, time.Now())
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if st.VisitCount != 1 || st.LastVisit == nil {
		t.Fatalf("visits = %d, last %v", st.VisitCount, st.LastVisit)
	}
	v := st.LastVisit
	if v.Methods != "talk,home" || v.PayCorrectedFen != 123450 || v.EnforcementOK || !v.FeedbackUnit ||
		v.BranchInformed || v.Thinking != "对处分认识到位 <b>" || v.Conclusion != "fairly_good" || v.NextVisit == nil ||
		v.Inspectors != "演示回访人员" || v.AuthorID != apptest.DemoInspector {
		t.Fatalf("saved visit = %+v", v)
	}
	if len(st.OpenFollowUps) != 1 {
		t.Fatalf("open follow-ups = %d, want 1", len(st.OpenFollowUps))
	}
}

func TestApp_BackAndEditFromReview(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Expect("回访方式")
	c.Press("返回")
	c.Expect("回访日期", "当前") // back shows the date question again
	c.Press("昨天")
	c.Expect("回访方式")
	c.Say("/cancel")
	c.Press("放弃")
	c.Expect("已取消")
	walkToReview(t, c)
	c2 := c
	c2.Press("✏️ 回访结论")
	c2.Expect("回访结论")
	c2.Press("好")
	c2.Expect("回访记录（待确认）", "<b>回访结论</b>：好")
	c2.Press("✏️ 处分决定执行情况")
	c2.Press("已按决定执行到位")
	c2.Expect("回访记录（待确认）", "<b>处分决定执行情况</b>：已按决定执行到位")
	c2.Refute("1,234.50")
}

func TestApp_BadInput(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	tomorrow := time.Now().In(apptest.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
	for _, tc := range []struct{ in, want string }{
		{"2026-02-30", "没有这一天"},
		{"明天吧", "看不懂这个日期"},
		{tomorrow, "不能晚于今天"},
		{"2001-01-01", "2001年1月1日早于处分决定日期"},
	} {
		c.Say(tc.in)
		c.Expect(tc.want, "回访日期")
	}
	c.Press("今天")
	c.Say("随便打字")
	c.Expect("请使用下方按钮作答", "回访方式")
	c.Press("完成")
	c.Expect("请至少选择一项")
	c.Press("谈心谈话")
	c.Press("完成")
	c.Press("交谈式")
	c.Say(strings.Repeat("长", 201))
	c.Expect("内容太长了（201 字），最多 200 字")
	c.Press("只有我")
	c.Press("跳过")
	c.Say("认识")
	c.Say("工作")
	c.Press("跳过")
	c.Press("跳过")
	c.Press("跳过")
	c.Press("执行不到位")
	c.Say("问题")
	for _, bad := range []string{"abc", "-5", "1,23", "1.234", "99999999999"} {
		c.Say(bad)
		c.Expect("金额", "需纠正的工资发放金额")
	}
	c.Say("0")
	c.Expect("回访结论")
	// Forged, oversized and foreign callback data change nothing.
	for _, data := range []string{"x", "v1:99:ch:good", "v1:" + strings.Repeat("9", 70), "v2:1:ch:good", "v1:-1:ch:good"} {
		r := c.Deliver(kit.Input{Callback: data, MessageID: 1})
		if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
			t.Fatalf("callback %q: %+v", data, r)
		}
	}
	c.Press("好")
	c.Expect("回访建议")
}

func TestApp_ExpiredButton(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	today, msgID := c.Button("今天")
	c.Press("昨天")
	r := c.Deliver(kit.Input{Callback: today, MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("old button: %+v", r)
	}
	c.Press("谈心谈话") // the flow is where it was
	c.Expect("✅ 谈心谈话")
}

// saveVisit logs a visit for 李四 through the flow and returns its number.
func saveVisit(t *testing.T, c *kittest.Chat) uint64 {
	t.Helper()
	walkToReview(t, c)
	c.Press("确认保存")
	m := regexp.MustCompile(`回访记录编号 <b>#(\d+)</b>`).FindStringSubmatch(c.Text())
	if m == nil {
		t.Fatalf("no visit number in %q", c.Text())
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	return id
}

// appAt is an App over the same database and state whose clock runs d
// ahead of the real one.
func appAt(t *testing.T, store handlers.Store, state models.StateStore, d time.Duration) *handlers.App {
	t.Helper()
	return apptest.MustApp(t, store, state, func(o *handlers.Options) { o.Now = func() time.Time { return time.Now().Add(d) } })
}

// mustUser registers a user in a demo unit.
func mustUser(t *testing.T, store *sqlstore.Store, id int64, name string, role models.Role, unit string) {
	t.Helper()
	u, err := store.FindUnitByName(context.Background(), unit)
	if err != nil {
		t.Fatalf("unit %s: %v", unit, err)
	}
	if err := store.CreateUser(context.Background(), adminViewer, &models.User{TelegramID: id, Name: name, Role: role, UnitID: u.ID}); err != nil {
		t.Fatalf("create user %d: %v", id, err)
	}
}

func no(id uint64) string { return strconv.FormatUint(id, 10) }

func mustHistory(t *testing.T, store *sqlstore.Store, id uint64) []models.VisitRevision {
	t.Helper()
	_, revs, err := store.VisitHistory(context.Background(), adminViewer, id)
	if err != nil {
		t.Fatalf("history of %d: %v", id, err)
	}
	return revs
}

func TestVisitEdit_AuthorEditsTwice(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, c)

	c.Say("/visit edit " + no(id))
	c.Expect("修改回访记录 #"+no(id), "对象：李四", "<b>回访结论</b>：较好", "对处分认识到位 &lt;b&gt;", "确认保存")
	c.Press("✏️ 回访结论")
	c.Expect("回访结论")
	c.Press("好")
	c.Expect("修改回访记录 #"+no(id), "<b>回访结论</b>：好")
	c.Press("确认保存")
	c.Expect("请填写修改原因", "<b>回访结论</b>：好")
	c.Press("返回") // back to the card, nothing saved
	c.Expect("修改回访记录 #"+no(id), "确认保存")
	c.Press("确认保存")
	c.Say(strings.Repeat("长", 513))
	c.Expect("最多 512 字", "请填写修改原因")
	c.Say("结论填错 <i>")
	c.Expect("已更新回访记录 #" + no(id) + "（第 1 次修改）")

	v, _, err := store.GetVisit(context.Background(), adminViewer, id)
	if err != nil || v.Conclusion != models.ConclusionGood || v.Thinking != "对处分认识到位 <b>" {
		t.Fatalf("visit after edit = %+v, %v", v, err)
	}
	revs := mustHistory(t, store, id)
	if len(revs) != 1 || revs[0].Version != 1 || revs[0].EditorID != apptest.DemoInspector || revs[0].Reason != "结论填错 <i>" ||
		!strings.Contains(revs[0].Changed, "conclusion") {
		t.Fatalf("revisions = %+v", revs)
	}
	c.Say("/history " + no(id))
	c.Expect("回访记录 #"+no(id)+" 的修改历史", "创建：演示回访人员", "第 1 次修改</b> · 演示回访人员",
		"原因：结论填错 &lt;i&gt;", "修改的内容：回访结论")
	c.Refute("-" + time.Now().Format("01-02")) // dates in Chinese, not ISO
	c.Expect(time.Now().In(apptest.Shanghai).Format("2006年1月2日"))

	c.Say("/visit edit #" + no(id))
	c.Press("✏️ 工作表现")
	c.Say("工作很积极")
	c.Press("✏️ 回访日期")
	c.Press("昨天")
	c.Expect("<b>工作表现</b>：工作很积极")
	c.Press("确认保存")
	c.Say("补充工作表现")
	c.Expect("（第 2 次修改）")
	c.Say("/history " + no(id))
	c.Expect("第 1 次修改", "第 2 次修改", "原因：补充工作表现", "工作表现", "日期")
	if revs := mustHistory(t, store, id); len(revs) != 2 || revs[1].Version != 2 {
		t.Fatalf("revisions = %+v", revs)
	}
}

func TestVisitEdit_NothingChanged(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, c)
	c.Say("/visit edit " + no(id))
	c.Press("✏️ 回访结论")
	c.Press("较好") // the same answer again
	c.Press("确认保存")
	c.Expect("没有任何改动，未保存")
	c.Refute("修改原因")
	if revs := mustHistory(t, store, id); len(revs) != 0 {
		t.Fatalf("revisions = %+v", revs)
	}
	c.Say("你好") // the edit is over
	c.Expect("请选择要做的事")
}

func TestVisitEdit_OtherInspectorRefused(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	id := saveVisit(t, kittest.NewChat(t, app, apptest.DemoInspector))
	mustUser(t, store, 20002, "同镇回访员", models.RoleInspector, "东湖镇（演示）")
	other := kittest.NewChat(t, app, 20002)
	other.Say("/visit edit " + no(id))
	other.Expect("只有记录人", "或管理员可以修改回访记录 #"+no(id))
	other.Refute("确认保存")
	other.Say("/history " + no(id)) // reading is allowed in the same unit
	other.Expect("创建：演示回访人员", "尚无修改")
}

func TestVisitEdit_EditWindow(t *testing.T) {
	app, store, state := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, c)

	c.H = appAt(t, store, state, 8*24*time.Hour)
	c.Say("/visit edit " + no(id))
	c.Expect("已超过 7 天")
	c.Refute("确认保存")

	// The window closes between Confirm and the reason: the store refuses.
	c.H = app
	c.Say("/visit edit " + no(id))
	c.Press("✏️ 回访结论")
	c.Press("一般")
	c.Press("确认保存")
	c.Expect("请填写修改原因")
	c.H = appAt(t, store, state, 8*24*time.Hour)
	c.Say("晚了")
	c.Expect("已超过 7 天")
	if revs := mustHistory(t, store, id); len(revs) != 0 {
		t.Fatalf("revisions = %+v", revs)
	}

	admin := kittest.NewChat(t, appAt(t, store, state, 8*24*time.Hour), apptest.DemoAdmin)
	admin.Say("/visit edit " + no(id))
	admin.Press("✏️ 回访结论")
	admin.Press("一般")
	admin.Press("确认保存")
	admin.Say("管理员更正")
	admin.Expect("第 1 次修改")
	if revs := mustHistory(t, store, id); len(revs) != 1 || revs[0].EditorID != apptest.DemoAdmin {
		t.Fatalf("revisions = %+v", revs)
	}
}

// TestVisitEdit_SiblingUnit: a user of the other township cannot tell a
// visit of this one from a visit that does not exist.
func TestVisitEdit_SiblingUnit(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	id := saveVisit(t, kittest.NewChat(t, app, apptest.DemoInspector))
	mustUser(t, store, 30003, "西山回访员", models.RoleInspector, "西山街道（演示）")
	sibling := kittest.NewChat(t, app, 30003)
	absent := id + 1000
	for _, cmd := range []string{"/visit edit ", "/history "} {
		sibling.Say(cmd + no(absent))
		want := strings.ReplaceAll(sibling.Text(), no(absent), no(id))
		sibling.Say(cmd + no(id))
		if got := sibling.Text(); got != want {
			t.Fatalf("%s of a sibling's visit = %q, of an absent one %q", cmd, got, want)
		}
		sibling.Expect("无法查看回访记录 #" + no(id))
		sibling.Refute("李四")
	}
}

func TestVisitEdit_DraftOpen(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, c)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Say("/visit edit " + no(id))
	c.Expect("未完成的回访草稿（李四）", "/cancel")
	c.Refute("修改回访记录")
	c.Press("继续填写")
	c.Expect("回访方式")
	c.Say("/cancel")
	c.Press("放弃")
	c.Say("/visit edit " + no(id))
	c.Expect("修改回访记录 #" + no(id))
	c.Say("/cancel") // cancelling an edit keeps the saved visit
	c.Expect("放弃未保存的回访草稿")
	c.Press("放弃")
	c.Expect("已取消")
}

func TestVisitEdit_BadArguments(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	for _, tc := range []struct{ in, want string }{
		{"/visit edit", "用法：/visit edit"},
		{"/visit edit abc", "用法：/visit edit"},
		{"/visit edit -3", "用法：/visit edit"},
		{"/visit edit 0", "用法：/visit edit"},
		{"/visit edit 1 2", "用法：/visit edit"},
		{"/history", "用法：/history"},
		{"/history 李四", "用法：/history"},
		{"/history 99999999999999999999", "用法：/history"},
		{"/history 424242", "无法查看回访记录 #424242"},
	} {
		c.Say(tc.in)
		c.Expect(tc.want)
	}
}

func TestVisitEdit_English(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, c)
	c.Say("/lang en")
	c.Say("/visit edit " + no(id))
	c.Expect("Editing visit #" + no(id))
	c.Press("Conclusion")
	c.Press("Good")
	c.Press("Confirm")
	c.Expect("Why is the visit being changed")
	c.Say("Typo fixed")
	c.Expect("Visit #" + no(id) + " updated (edit no. 1)")
	c.Say("/history " + no(id))
	c.Expect("Edit no. 1", "Reason: Typo fixed", "Changed: Conclusion")
}

// TestApp_ConfirmReplayed: Telegram delivers the Confirm again after a crash
// before the answer went out: the visit is not saved twice, "saved" is said
// again, and the state kept none of the findings.
func TestApp_ConfirmReplayed(t *testing.T) {
	app, _, state := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	walkToReview(t, c)
	data, msgID := c.Button("确认保存")
	c.Press("确认保存")
	c.Expect("已保存，回访记录编号")
	r := app.Handle(context.Background(), kit.Input{UpdateID: c.Upd, ChatID: c.ChatID, UserID: c.UserID,
		ChatType: kit.ChatPrivate, Callback: data, MessageID: msgID})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "已保存，回访记录编号") {
		t.Fatalf("replayed confirm: %+v", r)
	}
	raw, _, err := state.Load(context.Background(), c.ChatID, c.UserID)
	if err != nil || strings.Contains(string(raw), "工资仍按原级别发放") || strings.Contains(string(raw), "对处分认识到位") {
		t.Fatalf("state after saving: %s, %v", raw, err)
	}
}

// TestApp_CommandAsideKeepsButtons: /help or /lang typed mid-form leaves the
// form as it is and shows its question again, whose buttons work.
func TestApp_CommandAsideKeepsButtons(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	for _, label := range []string{"今天", "谈心谈话", "完成", "交谈式", "只有我"} {
		c.Press(label)
	}
	c.Expect("其他参加人员")
	c.Say("/help")
	c.Expect("使用说明", "其他参加人员")
	c.Press("跳过") // the newest prompt's button
	c.Expect("思想")
	c.Say("/lang en")
	c.Expect("Language set to English", "Thinking")
}

// TestApp_CancelAsksFirst: Cancel with answers given asks before throwing
// them away; Cancel is not next to Confirm on the card.
func TestApp_CancelAsksFirst(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Press("取消")
	c.Expect("放弃已填写的")
	c.Press("继续填写")
	c.Expect("回访方式")
	c.Say("/cancel")
	c.Expect("放弃未保存的回访草稿（李四）")
	c.Press("继续填写")
	c.Expect("回访方式")
	apptest.WalkVisitFrom(c, liSi, "methods")
	card := c.Msgs[c.LastKbd]
	for _, row := range card.Buttons {
		labels := strings.Join(kittest.Labels(kit.Message{Buttons: [][]kit.Button{row}}), "|")
		if strings.Contains(labels, "确认保存") && strings.Contains(labels, "取消") {
			t.Fatalf("Cancel next to Confirm: %q", labels)
		}
	}
	c.Press("取消")
	c.Press("放弃")
	c.Expect("已取消")
}

// TestApp_KeepAndTotal: Back to a typed question offers Keep; the step
// total does not change when an answer opens questions.
func TestApp_KeepAndTotal(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	for _, label := range []string{"今天", "谈心谈话", "完成", "交谈式", "只有我", "跳过"} {
		c.Press(label)
	}
	c.Say("认识到位")
	c.Expect("[7/24]")
	c.Press("返回")
	c.Expect("当前内容：认识到位", "保留")
	c.Press("保留")
	c.Expect("工作表现", "[7/24]")
	c.Say("工作积极")
	for range 3 {
		c.Press("跳过")
	}
	c.Expect("[17/24]")
	c.Press("执行不到位")
	c.Expect("[18/24]")
	c.Press("返回")
	c.Press("已按决定执行到位")
	c.Expect("[20/24]") // problem and pay were counted: the total stays
}
