package roster_test

import (
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
)

// TestRoster_CloseAfterSaving: Close on a card right after a change was
// saved says the card is closed, not that nothing was changed.
func TestRoster_CloseAfterSaving(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member 李四")
	c.Press("指定回访责任人（互动式")
	c.Press("演示回访人员")
	c.Press("3 个月")
	c.Expect("已指定回访责任人（互动式）")
	c.Press("关闭")
	c.Expect("已关闭 李四 的人员卡片")
	c.Refute("没有做任何修改")
	if m, _ := mustMember(t, store, "李四"); m.AssigneeID == nil || m.IntervalMonths != 3 {
		t.Fatalf("assignment = %+v", m)
	}
	c.Say("/member add") // Cancel of a form still says nothing was saved
	c.Press("取消")
	c.Expect("没有做任何修改")
}

// TestRoster_UnitTyped: the member form's unit question takes a part of
// a unit's name or its pinyin, by the one rule of every unit question.
func TestRoster_UnitTyped(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member add 王小明")
	c.Expect("所在单位")
	c.Say("dhc") // the initials of 东湖村党支部（演示）
	c.Expect("职务？")
	c.Press("返回")
	c.Say("东湖镇") // the name without what stands in brackets
	c.Expect("职务？")
	c.Press("跳过")
	c.Press("国家公务员")
	c.Press("否")
	c.Expect("新增人员（待确认）", "单位</b>：东湖镇（演示）")
}

// TestRoster_SanctionReviewNamesUnit: the demo has two 张三; the sanction
// form's heading and review card name the member with their unit, so the
// one chosen is the one confirmed.
func TestRoster_SanctionReviewNamesUnit(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/sanction add 张三")
	c.Press("西山街道")
	c.Expect("为 张三（西山街道城管执法中队（演示）） 登记处分")
	c.Press("记过")
	c.Press("其他")
	c.Say("示监发〔2025〕77号")
	c.Say("2025-04-01")
	c.Press("与决定日期相同")
	c.Expect("登记处分（待确认）", "人员：张三（西山街道城管执法中队（演示））")
	c.Refute("东湖镇")
}
