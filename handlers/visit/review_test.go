package visit_test

import (
	"strings"
	"testing"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// Supervisors of the demo's townships.
const (
	eastSupID = 20001
	westSupID = 20002
)

// TestReview_ApproveReturnCorrect walks the review in the chat: an
// inspector's visit waits; the supervisor opens it from /review and
// approves it; another is returned with a comment, its author is told,
// corrects it through the edit (the comment is the reason) and it waits
// again, then is approved. The other township's supervisor finds neither.
func TestReview_ApproveReturnCorrect(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	mustUser(t, store, eastSupID, "东湖负责人", models.RoleSupervisor, "东湖镇（演示）")
	mustUser(t, store, westSupID, "西山负责人", models.RoleSupervisor, "西山街道（演示）")
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	sup := kittest.NewChat(t, app, eastSupID)
	west := kittest.NewChat(t, app, westSupID)

	first := saveVisit(t, insp)
	insp.Expect("审核状态：⏳ 待审核")
	insp.Say("/review")
	insp.Expect("只有分管领导或管理员可以审核")

	sup.Say("/review")
	sup.Expect("待审核的回访记录：1 条", "#"+no(first)+" 李四")
	sup.Press("#" + no(first) + " 李四")
	sup.Expect("<b>回访记录 #"+no(first)+"</b> · ⏳ 待审核", "对处分认识到位 &lt;b&gt;", "<b>工作表现</b>：工作积极",
		"记录人：", "修改 0 次", "✅ 审核通过", "↩️ 退回修改")
	sup.Press("✅ 审核通过")
	sup.Expect("已审核通过", "<b>回访记录 #"+no(first)+"</b> · ✅ 已审核", "审核：✅ 已审核（东湖负责人")
	sup.Refute("↩️ 退回修改")

	second := saveVisit(t, insp)
	sup.Say("/visit " + no(second))
	sup.Press("↩️ 退回修改")
	sup.Expect("请输入退回回访记录 #" + no(second) + " 的意见")
	sup.Say("=SUM(A1)")
	sup.Expect("不能以")
	sup.Say("工作表现写得太简略 <请补充>")
	sup.Expect("已退回修改", "工作表现写得太简略 &lt;请补充&gt;")
	notice := notifyTo(t, sup.Last, apptest.DemoInspector)
	if !notice.Protect || !strings.Contains(notice.Text, "#"+no(second)) || !strings.Contains(notice.Text, "&lt;请补充&gt;") {
		t.Fatalf("notice to the author: %+v", notice)
	}
	west.Say("/visit " + no(second))
	west.Expect("无法查看回访记录 #" + no(second))
	west.PressData("rv1:a:"+no(second)+":0", 1) // a forged approve button
	west.Expect("无法查看回访记录 #" + no(second))

	insp.Receive(notice)
	insp.Press("✏️ 修改")
	insp.Expect("修改回访记录 #" + no(second))
	insp.Press("✏️ 工作表现")
	insp.Say("工作积极，全年考核称职")
	insp.Press("确认保存")
	insp.Expect("已更新回访记录 #"+no(second), "修改原因：工作表现写得太简略 &lt;请补充&gt;", "审核状态：⏳ 待审核")
	if revs := mustHistory(t, store, second); len(revs) != 1 || revs[0].Reason != "工作表现写得太简略 <请补充>" {
		t.Fatalf("revisions: %+v", revs)
	}

	sup.Say("/review")
	sup.Expect("待审核的回访记录：1 条")
	sup.Press("#" + no(second))
	sup.Expect("⏳ 待审核", "修改 1 次", "工作积极，全年考核称职")
	sup.Press("✅ 审核通过")
	sup.Expect("✅ 已审核")
	sup.Say("/review")
	sup.Expect("目前没有待审核的回访记录")
}

// TestReview_Off: with review off a saved visit is approved at once.
func TestReview_Off(t *testing.T) {
	_, store, state := apptest.NewApp(t)
	app := apptest.MustApp(t, store, state, func(o *handlers.Options) { o.ReviewOff = true })
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	id := saveVisit(t, insp)
	insp.Expect("审核状态：✅ 已审核")
	insp.Say("/visit " + no(id))
	insp.Expect("<b>回访记录 #" + no(id) + "</b> · ✅ 已审核")
	insp.Refute("审核通过")
}

// TestReview_StaleButtons: an approve button of a view read before an
// edit does not approve the edited record; a second approval is told.
func TestReview_StaleButtons(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	mustUser(t, store, eastSupID, "东湖负责人", models.RoleSupervisor, "东湖镇（演示）")
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	sup := kittest.NewChat(t, app, eastSupID)
	id := saveVisit(t, insp)
	sup.Say("/visit " + no(id))
	approveData, msg := sup.Button("✅ 审核通过")
	insp.Say("/visit edit " + no(id))
	insp.Press("✏️ 工作表现")
	insp.Say("改过的工作表现")
	insp.Press("确认保存")
	insp.Say("补充工作表现")
	insp.Expect("已更新回访记录")
	sup.PressData(approveData, msg)
	sup.Expect("被修改过", "改过的工作表现", "修改 1 次")
	sup.Press("✅ 审核通过")
	sup.Expect("已审核通过")
	sup.PressData(approveData, msg)
	sup.Expect("已由他人审核")
}

// notifyTo is the one notice of r to chat.
func notifyTo(t *testing.T, r kit.Response, chat int64) kit.Message {
	t.Helper()
	if len(r.Notify) != 1 || r.Notify[0].ChatID != chat {
		t.Fatalf("notices: %+v", r.Notify)
	}
	return r.Notify[0].Message
}

// TestReview_Lists: the supervisor's digest counts the visits awaiting
// review with buttons that open them; /status lists the member's visits
// with their numbers and states; /history opens its visit.
func TestReview_Lists(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	mustUser(t, store, eastSupID, "东湖负责人", models.RoleSupervisor, "东湖镇（演示）")
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	sup := kittest.NewChat(t, app, eastSupID)
	id := saveVisit(t, insp)
	sup.Say("/digest")
	sup.Expect("<b>待审核 1 条</b>", "#"+no(id)+" 李四（", "📄 #"+no(id)+" 李四")
	sup.Press("📄 #" + no(id))
	sup.Expect("<b>回访记录 #"+no(id)+"</b> · ⏳ 待审核", "✅ 审核通过")
	sup.Say("/status 李四")
	sup.Expect("• #"+no(id)+" ", "谈心谈话、上门走访 · ⏳ 待审核", "📄 #"+no(id))
	sup.Press("📄 #" + no(id))
	sup.Expect("<b>回访记录 #" + no(id) + "</b>")
	sup.Press("✅ 审核通过")
	sup.Say("/status 李四")
	sup.Expect("谈心谈话、上门走访 · ✅ 已审核")
	sup.Say("/history " + no(id))
	sup.Press("📄 查看 #" + no(id))
	sup.Expect("<b>回访记录 #"+no(id)+"</b> · ✅ 已审核", "记录人：")
	sup.Say("/digest")
	sup.Refute("待审核")
}
