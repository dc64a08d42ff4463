package roster_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
)

// rowLabels are the labels of a message's buttons, row by row.
func rowLabels(c *kittest.Chat) [][]string {
	var out [][]string
	for _, row := range c.Msgs[c.LastKbd].Buttons {
		var labels []string
		for _, b := range row {
			labels = append(labels, b.Text)
		}
		out = append(out, labels)
	}
	return out
}

// TestRoster_KindRows: the kind question lays party kinds out in its
// first two rows and governmental ones in the next two, as it says.
func TestRoster_KindRows(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/sanction add 孙八")
	c.Expect("前两行为党纪处分")
	want := [][]string{{"党内警告", "党内严重警告", "撤销党内职务"}, {"留党察看", "开除党籍"},
		{"政务警告", "记过", "记大过"}, {"降级", "撤职", "开除公职"}, {"✖ 取消"}}
	if got := rowLabels(c); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("rows = %v", got)
	}
	c.Press("留党察看")
	c.Press("返回") // the question shown again keeps its layout
	if got := rowLabels(c); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("rows after Back = %v", got)
	}
}

// TestRoster_LiftedMeanwhile: a lifting another admin recorded while the
// number was being typed is reported, and the card shown again.
func TestRoster_LiftedMeanwhile(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	a := kittest.NewChat(t, app, apptest.DemoAdmin)
	b := kittest.NewChat(t, app, apptest.BootAdmin)
	for _, c := range []*kittest.Chat{a, b} {
		c.Say("/member 韩十")
		c.Press("登记解除")
	}
	b.Say("示监发〔2026〕100号")
	b.Expect("已登记解除处分")
	a.Say("示监发〔2026〕101号")
	a.Expect("已经登记过了", "<b>韩十</b>", "（示监发〔2026〕100号）")
	if _, sanctions := mustMember(t, store, "韩十"); sanctions[0].LiftDecisionNo != "示监发〔2026〕100号" {
		t.Fatalf("sanction = %+v", sanctions[0])
	}
}

// TestRoster_EditRefused: a name the unit has already is refused, and the
// question asked again without it.
func TestRoster_EditRefused(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member 孙八")
	c.Press("✏️ 姓名")
	c.Say("李四") // 李四 is in 孙八's unit
	c.Expect("该单位已有同名人员", "修改人员：孙八", "姓名？")
	c.Refute("当前内容")
	c.Press("返回")
	c.Expect("<b>孙八</b>")
	c.Refute("已修改")
}

// TestRoster_ManyUnits: with more units than buttons the unit is typed.
func TestRoster_ManyUnits(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	for i := range 30 {
		addUnit(t, store, fmt.Sprintf("第%d村党支部", i+1), "东湖镇（演示）")
	}
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member add 新人")
	c.Expect("所在单位", "单位较多，未列为按钮")
	c.Refute("东湖村党支部（演示）")
	c.Say("第2")
	c.Expect("有多个单位符合", "第2村党支部", "第20村党支部")
	c.Press("第20村党支部")
	c.Expect("职务？")
	c.Press("返回")
	c.Say("第17村党支部")
	c.Expect("职务？")
	c.Press("跳过")
	c.Press("其他")
	c.Press("否")
	c.Expect("<b>单位</b>：第17村党支部")
}

// TestRoster_ImportCancel: typed text does not answer the preview, and
// Cancel writes nothing.
func TestRoster_ImportCancel(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	sendFile(c, files, "F", "a.csv", []byte("姓名,单位,职务,职级,是否重点,重点原因\n新人戊,东湖村党支部（演示）,,,,\n"))
	c.Expect("新增人员 1 人", "确认导入")
	c.Say("好的")
	c.Expect("请使用下方按钮作答")
	c.Press("取消")
	c.Expect("已取消，没有做任何修改")
	if ms, _ := store.SearchMembers(t.Context(), rootViewer, "新人戊", 5); len(ms) != 0 {
		t.Fatalf("cancelled import wrote %v", ms)
	}
}

// TestRoster_KeepsVisitDraft: a roster flow run while a visit draft is
// kept leaves the draft, and closing a card does not drop it.
func TestRoster_KeepsVisitDraft(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Say("/member 孙八")
	c.Expect("草稿尚未保存")
	c.Press("保留草稿")
	c.Expect("<b>孙八</b>")
	c.Press("关闭")
	c.Expect("已关闭")
	c.Say("/visit")
	c.Expect("未完成的回访草稿（李四）")
	c.Press("继续填写")
	c.Expect("回访方式")
}
