package visit_test

import (
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
)

// TestApp_VisitTextFormula: a free-text answer of the visit (and the
// reason of an edit) that would start a spreadsheet formula is refused and
// asked again, full-width forms included.
func TestApp_VisitTextFormula(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, c)
	c.Say("/visit edit " + no(id))
	c.Press("✏️ 回访结论")
	c.Press("好")
	c.Press("确认保存")
	c.Say("=结论填错")
	c.Expect("不能以 =、+、-、@（含全角）开头", "请填写修改原因")
	c.Say("结论填错")
	c.Expect("已更新回访记录 #" + no(id))

	c.Say("/visit 李四")
	c.Press("今天")
	c.Press("谈心谈话")
	c.Press("完成")
	c.Press("交谈式")
	c.Say("=HYPERLINK(\"http://x\")") // the inspectors field
	c.Expect("不能以 =、+、-、@（含全角）开头")
	c.Press("只有我")
	c.Press("跳过")
	for _, bad := range []string{"＝1+1", "-认识到位", " @SUM(A1)", "＋86"} {
		c.Say(bad)
		c.Expect("不能以 =、+、-、@（含全角）开头", "对处分的认识")
	}
	c.Say("认识到位，无 - 问题")
	c.Expect("工作表现")
}
