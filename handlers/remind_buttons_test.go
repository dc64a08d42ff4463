package handlers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// pressData presses a button by its data, on message msgID.
func (c *chat) pressData(data string, msgID int) Response {
	c.t.Helper()
	return c.deliver(Input{Callback: data, CallbackID: "cb", MessageID: msgID})
}

// receive records a message the scheduler sent to the chat and returns its id.
func (c *chat) receive(m Message) int {
	c.record(Response{Messages: []Message{m}})
	return c.nextMsg
}

// dataOf is the data of the button of m whose label contains label.
func dataOf(t *testing.T, m Message, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q in %q", label, buttonLabels(m))
	return ""
}

// openFollowUp is the id of 王五's demo visit that still owes its branch notice.
func openFollowUp(t *testing.T, store *sqlstore.Store) (uint64, models.MemberMatch) {
	t.Helper()
	wang := demoMember(t, store, "王五", "")
	st, err := store.MemberStatus(context.Background(), adminViewer, wang.Member.ID, models.DateOf(wang.Member.CreatedAt))
	if err != nil || len(st.OpenFollowUps) != 1 {
		t.Fatalf("status of 王五: %v, %d open follow-ups", err, len(st.OpenFollowUps))
	}
	return st.OpenFollowUps[0].ID, wang
}

// TestReminderButtons_Visit: the visit button of a reminder opens the
// visit flow for that member after the conversation has moved on.
func TestReminderButtons_Visit(t *testing.T) {
	app, store := remindApp(t)
	c := newChat(t, remindHandler(t, app), demoInspector)
	li := demoMember(t, store, "李四", "")
	id := c.receive(mustRender(t, app, reminderDelivery(t, demoInspector, item(li, models.DueKey, day(app, -1)))))
	data := dataOf(t, c.msgs[id], "李四")
	c.say("/status 李四")
	c.say("/help")
	c.pressData(data, id)
	c.expect("开始为 <b>李四</b>", "回访日期")
	c.press("今天") // the new prompt's buttons work
	c.expect("回访方式")
	// Pressed again for the same member: the draft is resumed, not replaced.
	c.pressData(data, id)
	c.expect("回访方式")
	c.refute("开始为")
}

// TestReminderButtons_VisitPreselects: with several sanctions, the one the
// item is about is ticked.
func TestReminderButtons_VisitPreselects(t *testing.T) {
	app, store := remindApp(t)
	m, sanctions := mustMember(t, store, "钱七")
	if len(sanctions) != 2 {
		t.Fatalf("钱七 has %d sanctions", len(sanctions))
	}
	it := models.DueItem{MemberID: m.ID, SanctionID: sanctions[1].ID, Reason: models.DueAfterExpiry, Due: day(app, 3), From: day(app, -20)}
	c := newChat(t, remindHandler(t, app), demoAdmin)
	id := c.receive(mustRender(t, app, reminderDelivery(t, demoAdmin, it)))
	c.pressData(dataOf(t, c.msgs[id], "钱七"), id)
	zh := app.cat.lang(LangZH)
	c.expect("开始为 <b>钱七</b>", "✅ "+zh.T("kind_"+string(sanctions[1].Kind)), "▫️ "+zh.T("kind_"+string(sanctions[0].Kind)))
	c.press("完成")
	c.expect("回访日期")
}

// TestReminderButtons_VisitWithDraft: an unfinished draft of another
// member is never dropped without asking.
func TestReminderButtons_VisitWithDraft(t *testing.T) {
	app, store := remindApp(t)
	c := newChat(t, remindHandler(t, app), demoInspector)
	_, wang := openFollowUp(t, store)
	zhang := demoMember(t, store, "张三", rmDonghuZhang)
	id := c.receive(mustRender(t, app, reminderDelivery(t, demoInspector,
		item(wang, models.DueBeforeExpiry, day(app, 4)), item(zhang, models.DueAnnual, day(app, 9)))))
	c.say("/visit 李四")
	c.press("今天")
	c.pressData(dataOf(t, c.msgs[id], "王五"), id)
	c.expect("未完成的回访草稿（李四）", "要为 王五 登记回访", "继续填写", "删除草稿，为 王五 登记")
	c.press("继续填写")
	c.expect("回访方式")
	c.pressData(dataOf(t, c.msgs[id], "张三"), id)
	c.expect("未完成的回访草稿（李四）", "要为 张三 登记回访")
	drop, askID := c.button("删除草稿")
	c.pressData(drop, askID)
	c.expect("草稿已删除", "开始为 <b>张三</b>")
	// The same drop button later names a draft that is gone: nothing is lost.
	c.pressData(drop, askID)
	c.refute("草稿已删除")
}

func TestReminderButtons_Snooze(t *testing.T) {
	app, store := remindApp(t)
	c := newChat(t, remindHandler(t, app), demoInspector)
	li := demoMember(t, store, "李四", "")
	id := c.receive(mustRender(t, app, reminderDelivery(t, demoInspector, item(li, models.DueKey, day(app, -1)))))
	c.say("/status 李四")
	r := c.pressData(dataOf(t, c.msgs[id], "💤"), id)
	if r.CallbackText != "3 天后再提醒" || len(r.Messages) != 0 {
		t.Fatalf("snooze: %+v", r)
	}
}

func TestReminderButtons_MarkDone(t *testing.T) {
	app, store := remindApp(t)
	visitID, wang := openFollowUp(t, store)
	fu := item(wang, models.DueFollowUp, day(app, -2))
	fu.VisitID = visitID
	c := newChat(t, remindHandler(t, app), demoInspector)
	id := c.receive(mustRender(t, app, reminderDelivery(t, demoInspector, fu)))
	c.say("/visit 李四")
	r := c.pressData(dataOf(t, c.msgs[id], "已反馈"), id)
	if r.CallbackText != "已记录：反馈和通报已完成" || len(r.Messages) != 1 || r.Messages[0].EditID != id {
		t.Fatalf("mark done: %+v", r)
	}
	c.expect(fmt.Sprintf("<s>回访记录 %d 的反馈和通报</s> 已完成", visitID))
	st, err := store.MemberStatus(context.Background(), adminViewer, wang.Member.ID, day(app, 0))
	if err != nil || len(st.OpenFollowUps) != 0 {
		t.Fatalf("after mark done: %v, %d open", err, len(st.OpenFollowUps))
	}
	c.say("/visit") // the draft begun meanwhile is intact
	c.expect("未完成的回访草稿（李四）")
}

// TestReminderButtons_Forged: data a client made up, or a button of
// another subtree, changes nothing.
func TestReminderButtons_Forged(t *testing.T) {
	app, store := remindApp(t)
	visitID, _ := openFollowUp(t, store)
	li := demoMember(t, store, "李四", "")
	c := newChat(t, remindHandler(t, app), supXishan)
	for _, data := range []string{
		"r1:v:abc:0", "r1:f:0", "r1:z:b:1:2:0:20270230", "r1:", "r1:d:hourly", "r1:l:fr",
		fmt.Sprintf("r1:f:%d", visitID),
		fmt.Sprintf("r1:z:k:%d:0:0:20270320", li.Member.ID),
		"r1:f:999999",
	} {
		r := c.pressData(data, 1)
		if r.CallbackText != "此按钮已失效或无效" || len(r.Messages) != 0 {
			t.Errorf("%s: %+v", data, r)
		}
	}
	c.pressData(fmt.Sprintf("r1:v:%d:0", li.Member.ID), 1)
	c.expect("无法查看该人员")
	if _, _, err := store.GetVisit(context.Background(), adminViewer, visitID); err != nil {
		t.Fatal(err)
	}
	st, _ := store.MemberStatus(context.Background(), adminViewer, demoMember(t, store, "王五", "").Member.ID, day(app, 0))
	if len(st.OpenFollowUps) != 1 {
		t.Errorf("follow-up closed by a forged button")
	}
}
