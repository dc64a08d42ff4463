package remind_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// dataOf is the data of the button of m whose label contains label.
func dataOf(t *testing.T, m kit.Message, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q in %q", label, kittest.Labels(m))
	return ""
}

// openFollowUp is the id of 王五's demo visit that still owes its branch notice.
func openFollowUp(t *testing.T, store *sqlstore.Store) (uint64, models.MemberMatch) {
	t.Helper()
	wang := demoMember(t, store, "王五", "")
	st, err := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, wang.Member.ID, models.DateOf(wang.Member.CreatedAt))
	if err != nil || len(st.OpenFollowUps) != 1 {
		t.Fatalf("status of 王五: %v, %d open follow-ups", err, len(st.OpenFollowUps))
	}
	return st.OpenFollowUps[0].ID, wang
}

// TestReminderButtons_Visit: the visit button of a reminder opens the
// visit flow for that member after the conversation has moved on.
func TestReminderButtons_Visit(t *testing.T) {
	app, store := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	li := demoMember(t, store, "李四", "")
	id := c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, item(li, models.DueKey, day(-1)))))
	data := dataOf(t, c.Msgs[id], "李四")
	c.Say("/status 李四")
	c.Say("/help")
	c.PressData(data, id)
	c.Expect("开始为 <b>李四</b>", "回访日期")
	c.Press("今天") // the new prompt's buttons work
	c.Expect("回访方式")
	// Pressed again for the same member: the draft is resumed, not replaced.
	c.PressData(data, id)
	c.Expect("回访方式")
	c.Refute("开始为")
}

// TestReminderButtons_VisitPreselects: with several sanctions, the one the
// item is about is ticked.
func TestReminderButtons_VisitPreselects(t *testing.T) {
	app, store := remindApp(t)
	m, sanctions := mustMember(t, store, "钱七")
	if len(sanctions) != 2 {
		t.Fatalf("钱七 has %d sanctions", len(sanctions))
	}
	it := models.DueItem{MemberID: m.ID, SanctionID: sanctions[1].ID, Reason: models.DueAfterExpiry, Due: day(3), From: day(-20)}
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	id := c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoAdmin, it)))
	c.PressData(dataOf(t, c.Msgs[id], "钱七"), id)
	zh := zhTr(t)
	c.Expect("开始为 <b>钱七</b>", "✅ "+zh.T("kind_"+string(sanctions[1].Kind)), "▫️ "+zh.T("kind_"+string(sanctions[0].Kind)))
	c.Press("完成")
	c.Expect("回访日期")
}

// TestReminderButtons_VisitWithDraft: an unfinished draft of another
// member is never dropped without asking.
func TestReminderButtons_VisitWithDraft(t *testing.T) {
	app, store := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	_, wang := openFollowUp(t, store)
	zhang := demoMember(t, store, "张三", rmDonghuZhang)
	id := c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector,
		item(wang, models.DueBeforeExpiry, day(4)), item(zhang, models.DueAnnual, day(9)))))
	c.Say("/visit 李四")
	c.Press("今天")
	c.PressData(dataOf(t, c.Msgs[id], "王五"), id)
	c.Expect("未完成的回访草稿（李四）", "要为 王五 登记回访", "继续填写", "删除草稿，为 王五 登记")
	c.Press("继续填写")
	c.Expect("回访方式")
	c.PressData(dataOf(t, c.Msgs[id], "张三"), id)
	c.Expect("未完成的回访草稿（李四）", "要为 张三 登记回访")
	drop, askID := c.Button("删除草稿")
	c.PressData(drop, askID)
	c.Expect("草稿已删除", "开始为 <b>张三</b>")
	// The same drop button later names a draft that is gone: nothing is lost.
	c.PressData(drop, askID)
	c.Refute("草稿已删除")
}

func TestReminderButtons_Snooze(t *testing.T) {
	app, store := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	li := demoMember(t, store, "李四", "")
	id := c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, item(li, models.DueKey, day(-1)))))
	c.Say("/status 李四")
	r := c.PressData(dataOf(t, c.Msgs[id], "💤"), id)
	if r.CallbackText != "3 天后再提醒" || len(r.Messages) != 0 {
		t.Fatalf("snooze: %+v", r)
	}
}

func TestReminderButtons_MarkDone(t *testing.T) {
	app, store := remindApp(t)
	visitID, wang := openFollowUp(t, store)
	fu := item(wang, models.DueFollowUp, day(-2))
	fu.VisitID, fu.Owed = visitID, &models.FollowUpOwed{Branch: true}
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, fu)))
	c.Say("/visit 李四")
	r := c.PressData(dataOf(t, c.Msgs[id], "已通报党支部"), id)
	if r.CallbackText != "已记录：已向所在党支部通报" || len(r.Messages) != 1 || r.Messages[0].EditID != id {
		t.Fatalf("mark done: %+v", r)
	}
	c.Expect(fmt.Sprintf("回访记录 %d：<s>向所在党支部通报</s> 已完成", visitID))
	st, err := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, wang.Member.ID, day(0))
	if err != nil || len(st.OpenFollowUps) != 0 {
		t.Fatalf("after mark done: %v, %d open", err, len(st.OpenFollowUps))
	}
	c.Say("/visit") // the draft begun meanwhile is intact
	c.Expect("未完成的回访草稿（李四）")
}

// TestReminderButtons_Forged: data a client made up, or a button of
// another subtree, changes nothing.
func TestReminderButtons_Forged(t *testing.T) {
	app, store := remindApp(t)
	visitID, _ := openFollowUp(t, store)
	li := demoMember(t, store, "李四", "")
	c := kittest.NewChat(t, app, supXishan)
	for _, data := range []string{
		"r1:v:abc:0", "r1:f:0", "r1:z:b:1:2:0:20270230", "r1:", "r1:d:hourly", "r1:l:fr",
		fmt.Sprintf("r1:f:%d:b", visitID), fmt.Sprintf("r1:f:%d:u", visitID), fmt.Sprintf("r1:f:%d:ub", visitID),
		fmt.Sprintf("r1:z:k:%d:0:0:20270320", li.Member.ID),
		"r1:f:999999:b",
	} {
		r := c.PressData(data, 1)
		if r.CallbackText != "此按钮已失效或无效" || len(r.Messages) != 0 {
			t.Errorf("%s: %+v", data, r)
		}
	}
	// A button sent before the parts were told apart marks nothing: it
	// shows the presser's own list.
	c.PressData(fmt.Sprintf("r1:f:%d", visitID), 1)
	c.Expect("列表已更新", "钱七")
	c.Refute("王五")
	c.PressData(fmt.Sprintf("r1:v:%d:0", li.Member.ID), 1)
	c.Expect("无法查看该人员")
	if _, _, err := store.GetVisit(context.Background(), adminViewer, visitID); err != nil {
		t.Fatal(err)
	}
	st, _ := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, demoMember(t, store, "王五", "").Member.ID, day(0))
	if len(st.OpenFollowUps) != 1 {
		t.Errorf("follow-up closed by a forged button")
	}
}

// TestReminderButtons_DoneOnlyByResponsible: an inspector of the same unit
// who neither logged the visit nor is the member's assigned inspector
// cannot mark its follow-up done with a made-up button; the unit's
// supervisor can.
func TestReminderButtons_DoneOnlyByResponsible(t *testing.T) {
	app, store := remindApp(t)
	visitID, wang := openFollowUp(t, store)
	data := fmt.Sprintf("r1:f:%d:b", visitID)
	other := kittest.NewChat(t, app, inspectorEN)
	if r := other.PressData(data, 1); r.CallbackText != "Only the visit's author, the member's inspector or a supervisor can mark this" || len(r.Messages) != 0 {
		t.Errorf("another inspector marks done: %+v", r)
	}
	st, err := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, wang.Member.ID, day(0))
	if err != nil || len(st.OpenFollowUps) != 1 {
		t.Fatalf("follow-up closed by another inspector: %v, %d open", err, len(st.OpenFollowUps))
	}
	sup := kittest.NewChat(t, app, supDonghu)
	if r := sup.PressData(data, 1); r.CallbackText != "已记录：已向所在党支部通报" {
		t.Errorf("supervisor marks done: %+v", r)
	}
	if r := sup.PressData(data, 1); r.CallbackText != "这一项已经登记过了" {
		t.Errorf("marking a closed follow-up again: %+v", r)
	}
	// The unit's feedback was given already: its button changes nothing.
	if r := sup.PressData(fmt.Sprintf("r1:f:%d:u", visitID), 1); r.CallbackText != "这一项已经登记过了" {
		t.Errorf("marking the unit's feedback given before: %+v", r)
	}
}

// TestReminderButtons_Tasks: a rectification is marked from its reminder
// with the day and the pay corrected; requests met with one tap; a west
// supervisor's forged presses change nothing.
func TestReminderButtons_Tasks(t *testing.T) {
	app, store := remindApp(t)
	feng := demoMember(t, store, "冯十一", "")
	st, err := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, feng.Member.ID, day(0))
	if err != nil || len(st.OpenProblems) != 1 || len(st.OpenRequests) != 1 {
		t.Fatalf("冯十一: %v, %d problems, %d requests", err, len(st.OpenProblems), len(st.OpenRequests))
	}
	visitID := st.OpenProblems[0].ID
	fix, met := item(feng, models.DueRectify, day(20)), item(feng, models.DueRequest, day(20))
	fix.VisitID, met.VisitID = visitID, visitID

	west := kittest.NewChat(t, app, supXishan)
	for _, data := range []string{fmt.Sprintf("r1:c:%d", visitID), fmt.Sprintf("r1:m:%d", visitID), "r1:c:0", "r1:m:x"} {
		if r := west.PressData(data, 1); r.CallbackText != "此按钮已失效或无效" || len(r.Messages) != 0 {
			t.Errorf("%s pressed in the west: %+v", data, r)
		}
	}

	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, fix, met)))
	labels := strings.Join(kittest.Labels(c.Msgs[id]), "|")
	expectIn(t, labels, "✅ 1. 冯十一 已整改", "✅ 2. 冯十一 诉求已落实")
	c.PressData(dataOf(t, c.Msgs[id], "诉求已落实"), id)
	c.Expect(fmt.Sprintf("<s>回访记录 %d 反映的诉求</s> 已落实", visitID))
	id = c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, fix)))
	c.PressData(dataOf(t, c.Msgs[id], "已整改"), id)
	c.Expect("哪一天整改到位", "今天", "昨天")
	c.Say(day(1).Format("2006-01-02"))
	c.Expect("日期不能晚于今天")
	c.Press("今天")
	c.Expect("纠正的工资发放金额", "与回访时记录相同（520.00 元）", "未涉及工资")
	c.Say("480")
	c.Expect(fmt.Sprintf("<s>回访记录 %d 发现的问题</s> 已登记整改", visitID))
	st, _ = store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, feng.Member.ID, day(0))
	if len(st.OpenProblems) != 0 || len(st.OpenRequests) != 0 || !st.Sanctions[0].Enforced {
		t.Fatalf("after marking: %d problems, %d requests, enforced %v", len(st.OpenProblems), len(st.OpenRequests), st.Sanctions[0].Enforced)
	}
	id = c.Receive(mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, fix)))
	c.PressData(dataOf(t, c.Msgs[id], "已整改"), id)
	c.Expect("此按钮已失效或无效")
}
