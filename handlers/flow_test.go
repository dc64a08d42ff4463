package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

const (
	demoAdmin     = 10001
	demoInspector = 10002
)

// newTestApp is an App over a fresh SQLite database with the demo roster
// and an in-process state store.
func newTestApp(t testing.TB) (*App, *sqlstore.Store, models.StateStore) {
	t.Helper()
	store := modelstest.OpenSQLite(t)
	if err := store.LoadDemo(context.Background(), demoAdmin, demoInspector); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	state := models.NewMemoryState()
	return mustApp(t, store, state), store, state
}

func mustApp(t testing.TB, store Store, state models.StateStore) *App {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	app, err := New(Options{Store: store, State: state, Location: loc, Admins: []int64{777}})
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	return app
}

// walkToReview logs a visit for 李四 from /visit up to the review card.
func walkToReview(t *testing.T, c *chat) {
	t.Helper()
	c.say("/visit 李四")
	c.expect("开始为 <b>李四</b>", "回访日期")
	c.press("今天")
	c.expect("回访方式")
	c.press("谈心谈话")
	c.press("上门走访")
	c.expect("✅ 谈心谈话", "✅ 上门走访")
	c.press("完成")
	c.press("交谈式")
	c.expect("参加回访的人员")
	c.press("只有我")
	c.expect("其他参加人员")
	c.press("跳过")
	c.say("对处分认识到位 <b>")
	c.say("工作积极")
	c.press("跳过")
	c.say("希望组织关心")
	c.press("跳过")
	c.expect("处分决定执行落实情况")
	c.press("发现问题")
	c.say("工资仍按原级别发放")
	c.expect("纠正的工资金额")
	c.say("1,234.50")
	c.press("较好")
	c.press("继续帮扶")
	c.press("是")
	c.press("否")
	c.expect("下次回访日期")
	c.press("采用")
	c.expect("回访记录（待确认）", "对处分认识到位 &lt;b&gt;", "1,234.50", "谈心谈话、上门走访")
}

func TestApp_VisitSaved(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	walkToReview(t, c)
	confirm, msgID := c.button("确认保存")
	c.press("确认保存")
	c.expect("已保存，回访记录编号")
	// A second tap on the same Confirm button saves nothing more.
	r := c.deliver(Input{Callback: confirm, MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("second confirm: %+v", r)
	}
	viewer := models.Viewer{TelegramID: demoInspector, Role: models.RoleInspector}
	matches, err := store.SearchMembers(context.Background(), models.Viewer{Role: models.RoleAdmin}, "李四", 5)
	if err != nil || len(matches) != 1 {
		t.Fatalf("search: %v %v", matches, err)
	}
	viewer.Role = models.RoleAdmin
	st, err := store.MemberStatus(context.Background(), viewer, matches[0].Member.ID, time.Now())
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if st.VisitCount != 1 || st.LastVisit == nil {
		t.Fatalf("visits = %d, last %v", st.VisitCount, st.LastVisit)
	}
	v := st.LastVisit
	if v.Methods != "talk,home" || v.PayCorrectedFen != 123450 || v.EnforcementOK || !v.FeedbackUnit ||
		v.BranchInformed || v.Thinking != "对处分认识到位 <b>" || v.Conclusion != "fairly_good" || v.NextVisit == nil ||
		v.Inspectors != "演示回访员" || v.AuthorID != demoInspector {
		t.Fatalf("saved visit = %+v", v)
	}
	if len(st.OpenFollowUps) != 1 {
		t.Fatalf("open follow-ups = %d, want 1", len(st.OpenFollowUps))
	}
}

func TestApp_BackAndEditFromReview(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/visit 李四")
	c.press("今天")
	c.expect("回访方式")
	c.press("返回")
	c.expect("回访日期", "当前") // back shows the date question again
	c.press("昨天")
	c.expect("回访方式")
	c.say("/cancel")
	c.expect("已取消")
	walkToReview(t, c)
	c2 := c
	c2.press("✏️ 结论")
	c2.expect("回访结论")
	c2.press("好")
	c2.expect("回访记录（待确认）", "<b>结论</b>：好")
	c2.press("✏️ 执行情况")
	c2.press("已按决定执行到位")
	c2.expect("回访记录（待确认）", "<b>执行情况</b>：已按决定执行到位")
	c2.refute("1,234.50")
}

func TestApp_BadInput(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/visit 李四")
	tomorrow := time.Now().In(app.loc).AddDate(0, 0, 1).Format("2006-01-02")
	for _, tc := range []struct{ in, want string }{
		{"2026-02-30", "没有这一天"},
		{"明天吧", "看不懂这个日期"},
		{tomorrow, "不能晚于今天"},
		{"2001-01-01", "不能早于处分决定日期"},
	} {
		c.say(tc.in)
		c.expect(tc.want, "回访日期")
	}
	c.press("今天")
	c.say("随便打字")
	c.expect("请使用下方按钮作答", "回访方式")
	c.press("完成")
	c.expect("请至少选择一项")
	c.press("谈心谈话")
	c.press("完成")
	c.press("交谈式")
	c.say(strings.Repeat("长", 201))
	c.expect("内容太长了（201 字），最多 200 字")
	c.press("只有我")
	c.press("跳过")
	c.say("认识")
	c.say("工作")
	c.press("跳过")
	c.press("跳过")
	c.press("跳过")
	c.press("发现问题")
	c.say("问题")
	for _, bad := range []string{"abc", "-5", "1,23", "1.234", "99999999999"} {
		c.say(bad)
		c.expect("金额", "纠正的工资金额")
	}
	c.say("0")
	c.expect("回访结论")
	// Forged, oversized and foreign callback data change nothing.
	for _, data := range []string{"x", "v1:99:ch:good", "v1:" + strings.Repeat("9", 70), "v2:1:ch:good", "v1:-1:ch:good"} {
		r := c.deliver(Input{Callback: data, MessageID: 1})
		if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
			t.Fatalf("callback %q: %+v", data, r)
		}
	}
	c.press("好")
	c.expect("处理建议")
}

func TestApp_ExpiredButton(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/visit 李四")
	today, msgID := c.button("今天")
	c.press("昨天")
	r := c.deliver(Input{Callback: today, MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("old button: %+v", r)
	}
	c.press("谈心谈话") // the flow is where it was
	c.expect("✅ 谈心谈话")
}

func TestApp_Access(t *testing.T) {
	app, _, _ := newTestApp(t)
	stranger := newChat(t, app, 999)
	for _, in := range []string{"/start", "/status 张三", "你好", "/visit 李四"} {
		stranger.say(in)
		stranger.expect("没有使用本机器人的权限", "<code>999</code>")
		stranger.refute("张三")
		if len(stranger.last.Messages) != 1 || len(stranger.last.Messages[0].Buttons) != 0 {
			t.Fatalf("refusal to %q: %+v", in, stranger.last)
		}
	}
	group := newChat(t, app, demoInspector)
	group.chatID, group.typ = -100123, "supergroup"
	group.say("/status 李四")
	group.expect("只在私聊中工作")
	group.refute("李四")

	insp := newChat(t, app, demoInspector)
	insp.say("/status 赵六") // a member of the other township
	insp.expect("没有找到“赵六”")
	insp.say("/status 张三") // only the one in the inspector's township
	insp.expect("党政办副主任", "必访对象")
	insp.refute("执法队员")

	admin := newChat(t, app, demoAdmin)
	admin.say("/status 张三")
	admin.expect("找到多名人员")
	admin.press("执法队员")
	admin.expect("西山街道", "政务警告")

	boot := newChat(t, app, 777) // HUIFANG_ADMINS, not in the users table
	boot.say("/status 赵六")
	boot.expect("党内警告")
}

func TestApp_CommandMidVisitKeepsDraft(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/visit 李四")
	c.press("今天")
	c.say("/status 王五")
	c.expect("草稿尚未保存")
	c.press("保留草稿")
	c.expect("草稿已保留", "财政所副所长", "回访次数：2")
	c.say("/visit")
	c.expect("未完成的回访草稿（李四）")
	c.press("继续填写")
	c.expect("回访方式")
	c.say("/start")
	c.press("删除草稿")
	c.expect("草稿已删除", "请选择要做的事")
	c.say("/visit")
	c.expect("请输入受处分人员的姓名")
}

func TestApp_ReplayedUpdateAppliedOnce(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/visit 李四")
	c.press("今天")
	c.press("谈心谈话")
	c.press("完成")
	c.press("交谈式")
	c.press("只有我")
	c.press("跳过")
	c.say("认识到位")
	c.expect("工作表现")
	// Telegram delivers the same update again (a crash before confirming).
	r := app.Handle(context.Background(), Input{UpdateID: c.upd, ChatID: c.chatID, UserID: c.userID, ChatType: ChatPrivate, Text: "认识到位"})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "工作表现") {
		t.Fatalf("replay: %+v", r)
	}
	c.say("工作积极")
	c.expect("生活困难")
}

func TestApp_SecondProcessContinues(t *testing.T) {
	app, store, state := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/visit 李四")
	c.press("今天")
	c.press("谈心谈话")
	// A new process: a new App over the same database and state store.
	c.h = mustApp(t, store, state)
	c.press("上门走访")
	c.expect("✅ 谈心谈话", "✅ 上门走访")
}

func TestApp_LangEnglish(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/lang en")
	c.expect("Language set to English")
	c.say("/visit 李四")
	c.expect("Logging a return visit for <b>李四</b>", "Date of the visit")
	c.press("Yesterday")
	c.expect("How was the visit made")
	c.say("/lang xx")
	c.expect("Usage: /lang zh")
}

func TestApp_AddUser(t *testing.T) {
	app, store, _ := newTestApp(t)
	insp := newChat(t, app, demoInspector)
	insp.say("/adduser 555 inspector 东湖镇（演示） 新人")
	insp.expect("只有管理员")
	admin := newChat(t, app, demoAdmin)
	admin.say("/adduser 555 inspector 不存在的单位 新人")
	admin.expect("没有找到单位")
	admin.say("/adduser 555 boss 东湖镇（演示） 新人")
	admin.expect("用法")
	admin.say("/adduser 555 inspector 东湖镇（演示） 新人 <i>")
	admin.expect("已添加用户：新人 &lt;i&gt;")
	admin.say("/adduser 555 inspector 东湖镇（演示） 新人")
	admin.expect("已经存在")
	if _, err := store.FindUser(context.Background(), 555); err != nil {
		t.Fatalf("added user not found: %v", err)
	}
	newcomer := newChat(t, app, 555)
	newcomer.say("/start")
	newcomer.expect("您好，新人 &lt;i&gt;（回访人员）")
}
