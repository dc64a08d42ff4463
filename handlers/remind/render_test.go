package remind_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/handlers/remind"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// *sqlstore.Store is the store the root hands the feature.
var _ remind.Store = (*sqlstore.Store)(nil)

var adminViewer = models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}

// Telegram's limit on a message text, and the item rows of a list that
// get buttons.
const (
	maxTextLen     = 4096
	maxItemButtons = 8
)

// textLen is the length Telegram counts, in UTF-16 code units.
func textLen(s string) int { return len(utf16.Encode([]rune(s))) }

// zhTr renders dates and shared words in Chinese.
func zhTr(t testing.TB) kit.Tr {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales)
	if err != nil {
		t.Fatal(err)
	}
	return cat.Lang(kit.LangZH)
}

// mustUser registers a user of the named demo unit.
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

// mustMember is the only demo member called name, with their sanctions.
func mustMember(t *testing.T, store *sqlstore.Store, name string) (models.Member, []models.Sanction) {
	t.Helper()
	ms, err := store.SearchMembers(context.Background(), adminViewer, name, 5)
	if err != nil || len(ms) != 1 {
		t.Fatalf("search %s: %v %v", name, ms, err)
	}
	m, _, sanctions, err := store.MemberSanctions(context.Background(), adminViewer, ms[0].Member.ID)
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return m, sanctions
}

// Demo units, and users this part's tests add to them.
const (
	unitDonghu     = "东湖镇（演示）"
	unitXishan     = "西山街道（演示）"
	supDonghu      = 20001 // supervisor of 东湖镇
	supXishan      = 20002 // supervisor of 西山街道, a sibling subtree
	inspectorEN    = 20003 // inspector of 东湖镇 who reads English
	rmXishanZhang  = "城管执法中队"
	rmDonghuZhang  = "机关党支部"
	rmDonghuBranch = "东湖村党支部（演示）"
)

// demoMember finds the demo member called name whose unit contains unit
// (admin view); the demo has two called 张三.
func demoMember(t testing.TB, store *sqlstore.Store, name, unit string) models.MemberMatch {
	t.Helper()
	ms, err := store.SearchMembers(context.Background(), adminViewer, name, 5)
	if err != nil {
		t.Fatalf("search %s: %v", name, err)
	}
	for _, m := range ms {
		if strings.Contains(m.UnitName, unit) {
			return m
		}
	}
	t.Fatalf("no %s in %s among %v", name, unit, ms)
	return models.MemberMatch{}
}

// allDemoMembers lists the eight demo members.
func allDemoMembers(t testing.TB, store *sqlstore.Store) []models.MemberMatch {
	t.Helper()
	out := []models.MemberMatch{demoMember(t, store, "张三", rmDonghuZhang), demoMember(t, store, "张三", rmXishanZhang)}
	for _, n := range []string{"李四", "王五", "赵六", "钱七", "孙八", "周九"} {
		out = append(out, demoMember(t, store, n, ""))
	}
	return out
}

// remindApp is the test App with a supervisor in each township and an
// English-speaking inspector.
func remindApp(t *testing.T) (*handlers.App, *sqlstore.Store) {
	t.Helper()
	app, store, _ := apptest.NewApp(t)
	mustUser(t, store, supDonghu, "东湖分管领导", models.RoleSupervisor, unitDonghu)
	mustUser(t, store, supXishan, "西山分管领导", models.RoleSupervisor, unitXishan)
	mustUser(t, store, inspectorEN, "Inspector Wang", models.RoleInspector, unitDonghu)
	if err := store.SetUserLang(context.Background(), inspectorEN, kit.LangEN); err != nil {
		t.Fatal(err)
	}
	return app, store
}

// day is today in the office's time zone (as the App computes it) plus
// offset days.
func day(offset int) time.Time {
	n := time.Now().In(apptest.Shanghai)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, offset)
}

func item(m models.MemberMatch, reason models.DueReason, due time.Time) models.DueItem {
	return models.DueItem{MemberID: m.Member.ID, Reason: reason, From: due.AddDate(0, 0, -30), Due: due, UnitID: m.Member.UnitID}
}

// reminderDelivery is a reminder delivery as the scheduler records it.
func reminderDelivery(t testing.TB, to int64, items ...models.DueItem) models.Delivery {
	t.Helper()
	p := models.ReminderPayload{Total: len(items)}
	for _, it := range items {
		p.Items = append(p.Items, models.ReminderItem{Key: it.Key(), Member: it.MemberID, Sanction: it.SanctionID, Visit: it.VisitID,
			Reason: string(it.Reason), From: it.From.Format(kit.DateLayout), Due: it.Due.Format(kit.DateLayout), Owed: it.Owed})
	}
	return models.Delivery{ID: 1, Recipient: to, Kind: models.DeliveryReminder, Period: "2027-03-01", Payload: mustJSON(t, p)}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustRender(t *testing.T, app *handlers.App, d models.Delivery) kit.Message {
	t.Helper()
	chatID, m, err := app.RenderDelivery(context.Background(), d)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if chatID != d.Recipient || !m.Protect {
		t.Errorf("chat %d (want %d), protect %v", chatID, d.Recipient, m.Protect)
	}
	if n := textLen(m.Text); n > maxTextLen {
		t.Errorf("text of %d characters", n)
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if _, err := visit.ParseReviewData(b.Data); err == nil {
				continue // opens a visit
			}
			if len(b.Data) > kit.MaxCallbackBytes || !strings.HasPrefix(b.Data, remind.Prefix) {
				t.Errorf("button %q: data %q", b.Text, b.Data)
			}
			if _, err := remind.ParseReminderCallback(b.Data); err != nil {
				t.Errorf("button %q: %v", b.Data, err)
			}
		}
	}
	return m
}

func expectIn(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("text lacks %q:\n%s", p, text)
		}
	}
}

func expectNotIn(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(text, p) {
			t.Errorf("text has %q:\n%s", p, text)
		}
	}
}

func TestApp_RenderDelivery_Reminder(t *testing.T) {
	app, store := remindApp(t)
	li := demoMember(t, store, "李四", "东湖村")
	zhang := demoMember(t, store, "张三", rmDonghuZhang)
	wang := demoMember(t, store, "王五", "")
	overdue := item(li, models.DueKey, day(-3))
	soon := item(zhang, models.DueAnnual, day(5))
	follow := item(wang, models.DueFollowUp, day(0))
	follow.VisitID = 77
	m := mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, overdue, soon, follow))
	expectIn(t, m.Text, "今天需要安排的回访（3 项）", "1. 李四（"+rmDonghuBranch+"） · 重点对象定期回访 · 应于 "+
		zhTr(t).Date(day(-3))+"前（已逾期 3 天）", "张三", "还有 5 天", "王五", "回访后反馈、通报未完成", "应于今天")
	labels := strings.Join(kittest.Labels(m), "|")
	expectIn(t, labels, "📝 1. 李四", "📝 2. 张三", "💤 3天")
	// A payload planned before items said which part is open: a button
	// for each part, and the store marks only an open one.
	if len(m.Buttons) != 4 || m.Buttons[2][0].Data != "r1:f:77:u" || m.Buttons[2][0].Text != "✅ 3. 王五 已向单位反馈" ||
		m.Buttons[3][0].Data != "r1:f:77:b" || m.Buttons[3][0].Text != "✅ 3. 王五 已通报党支部" {
		t.Errorf("buttons = %+v", m.Buttons)
	}
	if want := fmt.Sprintf("r1:v:%d:0", li.Member.ID); m.Buttons[0][0].Data != want {
		t.Errorf("visit button = %q, want %q", m.Buttons[0][0].Data, want)
	}
	// As the scheduler plans it now: the open part named, its button alone.
	follow.Owed = &models.FollowUpOwed{Unit: true}
	m = mustRender(t, app, reminderDelivery(t, apptest.DemoInspector, follow))
	expectIn(t, m.Text, "1. 王五（", "回访后未向所在单位反馈 · 应于今天")
	expectIn(t, strings.Join(kittest.Labels(m), "|"), "✅ 1. 王五 已向单位反馈|💤 3天")
	expectNotIn(t, strings.Join(kittest.Labels(m), "|"), "党支部")
}

func TestApp_RenderDelivery_LongReminder(t *testing.T) {
	app, store := remindApp(t)
	ms := allDemoMembers(t, store)
	var items []models.DueItem
	for i := range 60 {
		items = append(items, item(ms[i%len(ms)], models.DueBeforeExpiry, day(i-30)))
	}
	d := reminderDelivery(t, apptest.DemoAdmin, items...)
	var p models.ReminderPayload
	_ = json.Unmarshal([]byte(d.Payload), &p)
	p.Total = 250 // the scheduler cut the list
	d.Payload = mustJSON(t, p)
	m := mustRender(t, app, d)
	expectIn(t, m.Text, "今天需要安排的回访（250 项）", "15. ", "另有 235 项，发送 /due 查看全部")
	expectNotIn(t, m.Text, "16. ")
	if len(m.Buttons) != maxItemButtons {
		t.Errorf("%d rows of buttons", len(m.Buttons))
	}
}

func TestApp_RenderDelivery_English(t *testing.T) {
	app, store := remindApp(t)
	li := demoMember(t, store, "李四", "")
	m := mustRender(t, app, reminderDelivery(t, inspectorEN, item(li, models.DueBeforeExpiry, day(2))))
	expectIn(t, m.Text, "Visits to arrange today (1)", "李四 ("+rmDonghuBranch+")", "before the period ends",
		"due by "+day(2).Format(kit.DateLayout)+" (2 days left)")
	expectIn(t, strings.Join(kittest.Labels(m), "|"), "📝 1. 李四", "💤 3 days")
}

// TestApp_RenderDelivery_Scope: a recipient sees only items of their
// subtree, whatever the payload holds: others are left out, not even
// named by number, and the count says what is left.
func TestApp_RenderDelivery_Scope(t *testing.T) {
	app, store := remindApp(t)
	li := demoMember(t, store, "李四", "")
	zhangXS := demoMember(t, store, "张三", rmXishanZhang)
	m := mustRender(t, app, reminderDelivery(t, supXishan, item(li, models.DueKey, day(1)), item(zhangXS, models.DueBeforeExpiry, day(20))))
	expectIn(t, m.Text, "今天需要安排的回访（1 项）", "1. 张三", rmXishanZhang)
	expectNotIn(t, m.Text+strings.Join(kittest.Labels(m), "|"), "李四", "东湖", "编号", fmt.Sprint(li.Member.ID)+" ")
	if len(m.Buttons) != 1 || !strings.Contains(m.Buttons[0][0].Text, "张三") {
		t.Errorf("buttons = %q", kittest.Labels(m))
	}
}

func TestApp_RenderDelivery_Errors(t *testing.T) {
	app, _ := remindApp(t)
	_, _, err := app.RenderDelivery(context.Background(), models.Delivery{Recipient: 424242, Kind: models.DeliveryReminder, Payload: `{"items":[]}`})
	if !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown recipient: %v", err)
	}
	for _, d := range []models.Delivery{
		{Recipient: apptest.DemoInspector, Kind: models.DeliveryReminder, Payload: `{"items":[{"member":1,"due":"soon"}]}`},
		{Recipient: apptest.DemoInspector, Kind: models.DeliveryDigest, Payload: `[`},
		{Recipient: apptest.DemoInspector, Kind: "postcard", Payload: `{}`},
	} {
		if _, _, err := app.RenderDelivery(context.Background(), d); !errors.Is(err, remind.ErrBadPayload) {
			t.Errorf("%s %s: %v", d.Kind, d.Payload, err)
		}
	}
}

func TestApp_RenderDelivery_AdminDigest(t *testing.T) {
	app, _ := remindApp(t)
	p := models.AdminDigestPayload{HolidaysUnknown: []int{2027}, ProblemCount: 6, Problems: []models.Delivery{
		{Recipient: apptest.DemoInspector, Status: models.StatusBlocked}, {Recipient: apptest.DemoInspector, Status: models.StatusBlocked},
		{Recipient: 31337, Status: models.StatusBlocked}, {Recipient: supDonghu, Status: models.StatusFailed},
		{Recipient: supDonghu, Status: models.StatusFailed}, {Recipient: supXishan, Status: models.StatusUncertain},
	}}
	d := models.Delivery{Recipient: apptest.DemoAdmin, Kind: models.DeliveryAdminDigest, Period: "2027-W09", Payload: mustJSON(t, p)}
	m := mustRender(t, app, d)
	expectIn(t, m.Text, "系统运行情况", "2027-W09", "已屏蔽机器人的用户</b>：2 人", "演示回访人员（ID 10002）", "用户 31337",
		"发送失败</b>：2 条", "（可能已送达，未重发）：1 条", "2027 年节假日安排未录入，按周一至周五计算工作日，请用 /holidays 录入")
	d.Payload = `{"problems":[],"holidays_unknown":[]}`
	expectIn(t, mustRender(t, app, d).Text, "没有需要处理的问题")
}
