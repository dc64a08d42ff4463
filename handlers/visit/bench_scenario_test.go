package visit_test

import (
	"regexp"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
)

// benchStep is a step of the side-by-side benchmark's scenario
// (../shared/bench/scenarios/huifang-visit.json, not ours to change): send
// text or press the button whose label matches press, then expect the
// answer to match.
type benchStep struct{ send, press, expect string }

// huifangVisit is that scenario, step for step.
var huifangVisit = []benchStep{
	{send: "/visit 王五", expect: "开始为|登记回访"}, {expect: "回访日期"},
	{press: "昨天", expect: "回访方式"}, {press: "谈心", expect: "回访方式"}, {press: "家访|上门", expect: "回访方式"},
	{press: "完成", expect: "回访类型"}, {press: "交谈式", expect: "参加回访的人员"}, {press: "只有我", expect: "其他"},
	{send: "村党支部书记 李某 1", expect: "思想"}, {send: "对处分决定认识深刻 & 已书面反思 <无异议>。", expect: "工作"},
	{send: "工作积极，收入 < 支出，工作量 > 以前。", expect: "困难"}, {press: "跳过", expect: "意见"},
	{press: "跳过", expect: "帮扶|帮助"}, {press: "跳过", expect: "执行"}, {press: "按.*执行|执行到位", expect: "结论"},
	{press: "^好$", expect: "建议"}, {press: "继续", expect: "单位"}, {press: "^是$", expect: "党支部"},
	{press: "^是$", expect: "下次回访"}, {press: "采用|使用", expect: "确认"}, {press: "确认", expect: "已保存|保存"},
}

// TestBenchScenario_HuifangVisit walks the benchmark's scenario through
// the real form, so that the field table keeps it passing: 20 actions.
func TestBenchScenario_HuifangVisit(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	actions := 0
	for i, st := range huifangVisit {
		switch {
		case st.send != "":
			c.Say(st.send)
			actions++
		case st.press != "":
			pressMatching(t, c, i, st.press)
			actions++
		}
		if !regexp.MustCompile(st.expect).MatchString(c.Text()) {
			t.Fatalf("step %d: the answer does not match %q:\n%s", i+1, st.expect, c.Text())
		}
	}
	if actions != 20 {
		t.Fatalf("%d actions, the scenario has 20", actions)
	}
}

// pressMatching presses the first button of the newest keyboard, row by
// row, whose label matches pattern.
func pressMatching(t *testing.T, c *kittest.Chat, step int, pattern string) {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for _, label := range kittest.Labels(c.Msgs[c.LastKbd]) {
		if re.MatchString(label) {
			c.Press(label)
			return
		}
	}
	t.Fatalf("step %d: no button matches %q: %q", step+1, pattern, kittest.Labels(c.Msgs[c.LastKbd]))
}
