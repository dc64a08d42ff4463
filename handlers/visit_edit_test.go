package handlers

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

var adminViewer = models.Viewer{TelegramID: demoAdmin, Role: models.RoleAdmin}

// saveVisit logs a visit for 李四 through the flow and returns its number.
func saveVisit(t *testing.T, c *chat) uint64 {
	t.Helper()
	walkToReview(t, c)
	c.press("确认保存")
	m := regexp.MustCompile(`回访记录编号 <b>#(\d+)</b>`).FindStringSubmatch(c.text())
	if m == nil {
		t.Fatalf("no visit number in %q", c.text())
	}
	id, _ := strconv.ParseUint(m[1], 10, 64)
	return id
}

// appAt is an App over the same database and state whose clock runs d
// ahead of the real one.
func appAt(t *testing.T, store Store, state models.StateStore, d time.Duration) *App {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	app, err := New(Options{Store: store, State: state, Location: loc, Admins: []int64{777},
		Now: func() time.Time { return time.Now().Add(d) }})
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	return app
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
	revs, err := store.VisitHistory(context.Background(), adminViewer, id)
	if err != nil {
		t.Fatalf("history of %d: %v", id, err)
	}
	return revs
}

func TestVisitEdit_AuthorEditsTwice(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	id := saveVisit(t, c)

	c.say("/visit edit " + no(id))
	c.expect("修改回访记录 #"+no(id), "对象：李四", "<b>结论</b>：较好", "对处分认识到位 &lt;b&gt;", "确认保存")
	c.press("✏️ 结论")
	c.expect("回访结论")
	c.press("好")
	c.expect("修改回访记录 #"+no(id), "<b>结论</b>：好")
	c.press("确认保存")
	c.expect("请填写修改原因", "<b>结论</b>：好")
	c.press("返回") // back to the card, nothing saved
	c.expect("修改回访记录 #"+no(id), "确认保存")
	c.press("确认保存")
	c.say(strings.Repeat("长", 513))
	c.expect("最多 512 字", "请填写修改原因")
	c.say("结论填错 <i>")
	c.expect("已更新回访记录 #" + no(id) + "（第 1 次修改）")

	v, _, err := store.GetVisit(context.Background(), adminViewer, id)
	if err != nil || v.Conclusion != models.ConclusionGood || v.Thinking != "对处分认识到位 <b>" {
		t.Fatalf("visit after edit = %+v, %v", v, err)
	}
	revs := mustHistory(t, store, id)
	if len(revs) != 1 || revs[0].Version != 1 || revs[0].EditorID != demoInspector || revs[0].Reason != "结论填错 <i>" ||
		!strings.Contains(revs[0].Changed, "conclusion") {
		t.Fatalf("revisions = %+v", revs)
	}
	c.say("/history " + no(id))
	c.expect("回访记录 #"+no(id)+" 的修改历史", "创建：演示回访员", "第 1 次修改</b> · 演示回访员",
		"原因：结论填错 &lt;i&gt;", "修改的内容：结论")

	c.say("/visit edit #" + no(id))
	c.press("✏️ 工作表现")
	c.say("工作很积极")
	c.press("✏️ 日期")
	c.press("昨天")
	c.expect("<b>工作表现</b>：工作很积极")
	c.press("确认保存")
	c.say("补充工作表现")
	c.expect("（第 2 次修改）")
	c.say("/history " + no(id))
	c.expect("第 1 次修改", "第 2 次修改", "原因：补充工作表现", "工作表现", "日期")
	if revs := mustHistory(t, store, id); len(revs) != 2 || revs[1].Version != 2 {
		t.Fatalf("revisions = %+v", revs)
	}
}

func TestVisitEdit_NothingChanged(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	id := saveVisit(t, c)
	c.say("/visit edit " + no(id))
	c.press("✏️ 结论")
	c.press("较好") // the same answer again
	c.press("确认保存")
	c.expect("没有任何改动，未保存")
	c.refute("修改原因")
	if revs := mustHistory(t, store, id); len(revs) != 0 {
		t.Fatalf("revisions = %+v", revs)
	}
	c.say("你好") // the edit is over
	c.expect("请选择要做的事")
}

func TestVisitEdit_OtherInspectorRefused(t *testing.T) {
	app, store, _ := newTestApp(t)
	id := saveVisit(t, newChat(t, app, demoInspector))
	mustUser(t, store, 20002, "同镇回访员", models.RoleInspector, "东湖镇（演示）")
	other := newChat(t, app, 20002)
	other.say("/visit edit " + no(id))
	other.expect("只有记录人", "或管理员可以修改回访记录 #"+no(id))
	other.refute("确认保存")
	other.say("/history " + no(id)) // reading is allowed in the same unit
	other.expect("创建：演示回访员", "尚无修改")
}

func TestVisitEdit_EditWindow(t *testing.T) {
	app, store, state := newTestApp(t)
	c := newChat(t, app, demoInspector)
	id := saveVisit(t, c)

	c.h = appAt(t, store, state, 8*24*time.Hour)
	c.say("/visit edit " + no(id))
	c.expect("已超过 7 天")
	c.refute("确认保存")

	// The window closes between Confirm and the reason: the store refuses.
	c.h = app
	c.say("/visit edit " + no(id))
	c.press("✏️ 结论")
	c.press("一般")
	c.press("确认保存")
	c.expect("请填写修改原因")
	c.h = appAt(t, store, state, 8*24*time.Hour)
	c.say("晚了")
	c.expect("已超过 7 天")
	if revs := mustHistory(t, store, id); len(revs) != 0 {
		t.Fatalf("revisions = %+v", revs)
	}

	admin := newChat(t, appAt(t, store, state, 8*24*time.Hour), demoAdmin)
	admin.say("/visit edit " + no(id))
	admin.press("✏️ 结论")
	admin.press("一般")
	admin.press("确认保存")
	admin.say("管理员更正")
	admin.expect("第 1 次修改")
	if revs := mustHistory(t, store, id); len(revs) != 1 || revs[0].EditorID != demoAdmin {
		t.Fatalf("revisions = %+v", revs)
	}
}

// TestVisitEdit_SiblingUnit: a user of the other township cannot tell a
// visit of this one from a visit that does not exist.
func TestVisitEdit_SiblingUnit(t *testing.T) {
	app, store, _ := newTestApp(t)
	id := saveVisit(t, newChat(t, app, demoInspector))
	mustUser(t, store, 30003, "西山回访员", models.RoleInspector, "西山街道（演示）")
	sibling := newChat(t, app, 30003)
	absent := id + 1000
	for _, cmd := range []string{"/visit edit ", "/history "} {
		sibling.say(cmd + no(absent))
		want := strings.ReplaceAll(sibling.text(), no(absent), no(id))
		sibling.say(cmd + no(id))
		if got := sibling.text(); got != want {
			t.Fatalf("%s of a sibling's visit = %q, of an absent one %q", cmd, got, want)
		}
		sibling.expect("无法查看回访记录 #" + no(id))
		sibling.refute("李四")
	}
}

func TestVisitEdit_DraftOpen(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	id := saveVisit(t, c)
	c.say("/visit 李四")
	c.press("今天")
	c.say("/visit edit " + no(id))
	c.expect("未完成的回访草稿（李四）", "/cancel")
	c.refute("修改回访记录")
	c.press("继续填写")
	c.expect("回访方式")
	c.say("/cancel")
	c.say("/visit edit " + no(id))
	c.expect("修改回访记录 #" + no(id))
	c.say("/cancel") // cancelling an edit keeps the saved visit
	c.expect("已取消")
}

func TestVisitEdit_BadArguments(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
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
		c.say(tc.in)
		c.expect(tc.want)
	}
}

func TestVisitEdit_English(t *testing.T) {
	app, _, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	id := saveVisit(t, c)
	c.say("/lang en")
	c.say("/visit edit " + no(id))
	c.expect("Editing visit #" + no(id))
	c.press("Conclusion")
	c.press("Good")
	c.press("Confirm")
	c.expect("Why is the visit being changed")
	c.say("Typo fixed")
	c.expect("Visit #" + no(id) + " updated (edit no. 1)")
	c.say("/history " + no(id))
	c.expect("Edit no. 1", "Reason: Typo fixed", "Changed: Conclusion")
}

func TestChangedLabels(t *testing.T) {
	app, _, _ := newTestApp(t)
	s := app.newSession(context.Background(), Input{}, models.User{Lang: LangZH}, State{})
	zh := loadKeys(t, "zh")
	for name, id := range changedField {
		if !zh[id] {
			t.Errorf("changed field %s: no message %s", name, id)
		}
	}
	if got := s.changedLabels("conclusion, next_visit,<x>"); got != "结论、下次回访、&lt;x&gt;" {
		t.Errorf("changedLabels = %q", got)
	}
	if got := s.changedLabels(""); got != "（无）" {
		t.Errorf("changedLabels(\"\") = %q", got)
	}
}
