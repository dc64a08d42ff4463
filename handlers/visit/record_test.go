package visit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// memberNo finds the demo member called name in the unit whose name
// contains unit ("" for any) and returns their number.
func memberNo(t *testing.T, store *sqlstore.Store, name, unit string) models.Member {
	t.Helper()
	matches, err := store.SearchMembers(context.Background(), adminViewer, name, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		u, _ := store.UnitName(context.Background(), m.Member.UnitID)
		if strings.Contains(u, unit) {
			return m.Member
		}
	}
	t.Fatalf("no %s in %s", name, unit)
	return models.Member{}
}

// TestShortVisit_AtMost20Actions: the shortest complete visit, from
// /visit to Confirm, takes at most 20 user actions and saves.
func TestShortVisit_AtMost20Actions(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	script := apptest.VisitScript(apptest.ShortVisit)
	if n := len(script) + 2; n > 20 {
		t.Fatalf("the shortest visit takes %d actions, want at most 20", n)
	}
	c.Say("/visit 王五")
	apptest.WalkVisit(c, apptest.ShortVisit)
	c.Expect("回访记录（待确认）", "➕ 补充")
	c.Press("确认保存")
	c.Expect("已保存")
}

// TestVisit_SuggestionIsTheCalendar: the suggested next date is the
// calendar's (models.SuggestNext), with its reason, as /status names it.
func TestVisit_SuggestionIsTheCalendar(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	wang := memberNo(t, store, "王五", "")
	_, _, sanctions, err := store.MemberSanctions(context.Background(), adminViewer, wang.ID)
	if err != nil {
		t.Fatal(err)
	}
	today := models.DateOf(time.Now().In(apptest.Shanghai))
	want, ok := models.SuggestNext(models.CalendarRules{}, models.MemberCalendar{Member: wang, Sanctions: sanctions}, today)
	if !ok {
		t.Fatal("no suggestion for 王五")
	}
	c.Say("/visit 王五")
	answers := map[string]string{}
	for k, v := range apptest.ShortVisit {
		if k != "next" {
			answers[k] = v
		}
	}
	apptest.WalkVisit(c, answers)
	// The walk skipped "next": go back to it from the card.
	c.Press("✏️ 下次回访")
	date := want.Due.Format("2006年1月2日")
	c.Expect("下次应访为 "+date, "采用 "+date)
}

// TestVisit_NextLaterThanRequired: a typed next date later than the visit
// the calendar requires first is accepted with a one-line warning naming
// that visit and its date; a date more than a year ahead is warned about.
func TestVisit_NextLaterThanRequired(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	west := memberNo(t, store, "张三", "西山")
	_, _, sanctions, _ := store.MemberSanctions(context.Background(), adminViewer, west.ID)
	// His warning ends within 30 days: a visit now is the one before the
	// end, and the one after the end is required next, by 30 days after it.
	end := *sanctions[0].PeriodEnd
	c.Say("/visit") // a number after /visit is a visit's: the member's is typed at the question
	c.Say(no(west.ID))
	answers := map[string]string{}
	for k, v := range apptest.ShortVisit {
		answers[k] = v
	}
	answers["date"] = apptest.Press + "昨天"
	delete(answers, "next")
	apptest.WalkVisit(c, answers)
	c.Press("✏️ 下次回访")
	c.Say("2035-01-01")
	c.Expect("<b>下次回访</b>：2035年1月1日", "⚠️ 约定日期晚于期满后回访")
	c.Press("✏️ 下次回访")
	c.Say(end.AddDate(0, 0, 40).Format("2006-01-02"))
	c.Expect("⚠️ 约定日期晚于期满后回访（应于 " + end.AddDate(0, 0, 30).Format("2006年1月2日") + "前）")
	c.Press("✏️ 下次回访")
	c.Say(end.AddDate(0, 0, 2).Format("2006-01-02"))
	c.Refute("⚠️")
	c.Press("确认保存")
	c.Expect("已保存")
}

// TestVisit_NoVisitRequired: for a member the calendar owes no visit (an
// ordinary member whose party warning is over) the next date may be
// skipped.
func TestVisit_NoVisitRequired(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/visit 赵六")
	answers := map[string]string{}
	for k, v := range apptest.ShortVisit {
		answers[k] = v
	}
	delete(answers, "next")
	apptest.WalkVisit(c, answers)
	c.Expect("回访记录（待确认）", "<b>下次回访</b>：（无）")
	c.Press("确认保存")
	c.Expect("已保存")
}

// TestVisit_AppraisalAndExtras: the democratic appraisal's grades are
// asked only when that method was ticked; the further findings come from
// the review card's More button, each skippable, and are saved.
func TestVisit_AppraisalAndExtras(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 王五")
	answers := map[string]string{}
	for k, v := range apptest.ShortVisit {
		answers[k] = v
	}
	answers["methods"] = "talk,appraisal,party_org"
	answers["ap_morality"], answers["ap_ability"], answers["ap_integrity"] = "good", "fairly_good", "average"
	answers["ap_note"] = "参加测评 12 人"
	apptest.WalkVisit(c, answers)
	c.Expect("<b>测评·德</b>：好", "<b>测评·勤</b>：（无）", "向所在党组织了解情况")
	c.Refute("学习情况")
	c.Press("➕ 补充")
	c.Expect("[1/6]", "学习情况？")
	c.Say("按时参加学习")
	c.Expect("改正错误和整改情况？")
	for range 4 {
		c.Press("跳过")
	}
	c.Expect("反映的诉求？")
	c.Say("希望解决住房困难")
	c.Expect("回访记录（待确认）", "<b>学习情况</b>：按时参加学习", "<b>反映的诉求</b>：希望解决住房困难", "✏️ 学习情况")
	c.Refute("<b>单位管理漏洞</b>")
	c.Press("确认保存")
	c.Expect("已保存")
	wang := memberNo(t, store, "王五", "")
	st, err := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, wang.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	v := st.LastVisit
	if v.AppraisalMorality != "good" || v.AppraisalAbility != "fairly_good" || v.AppraisalDiligence != "" ||
		v.AppraisalIntegrity != "average" || v.AppraisalNote != "参加测评 12 人" || v.Study != "按时参加学习" ||
		v.Requests != "希望解决住房困难" || v.Methods != "talk,appraisal,party_org" {
		t.Fatalf("saved visit = %+v", v)
	}
	if len(st.OpenRequests) != 1 {
		t.Errorf("open requests = %d, want the one passed on", len(st.OpenRequests))
	}
}

// TestVisit_PayShownOnlyWhenCorrected: "纠正工资发放 N 元" appears only for
// N > 0.
func TestVisit_PayShownOnlyWhenCorrected(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	answers := map[string]string{}
	for k, v := range liSi {
		answers[k] = v
	}
	answers["pay"] = apptest.Press + "无需纠正"
	apptest.WalkVisit(c, answers)
	c.Expect("<b>处分决定执行情况</b>：执行不到位：工资仍按原级别发放")
	c.Refute("纠正工资发放")
}
