package remind_test

import (
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestApp_RenderDelivery_Digest: a digest with long lists fits one
// message, keeps every section's count and says how many were left out.
func TestApp_RenderDelivery_Digest(t *testing.T) {
	app, store := remindApp(t)
	ms := allDemoMembers(t, store)
	list := func(n int, reason models.DueReason, offset int) []models.DueItem {
		var out []models.DueItem
		for i := range n {
			it := item(ms[i%len(ms)], reason, day(offset-i))
			it.Inspectors = []int64{apptest.DemoInspector, supDonghu}
			out = append(out, it)
		}
		return out
	}
	dd := models.DigestData{
		Overdue: list(30, models.DueKey, -1), DueSoon: list(30, models.DueBeforeExpiry, 14),
		ExpiringNoVisit: list(30, models.DueBeforeExpiry, 20), KeyNotVisited: list(30, models.DueKey, -5),
		OpenFollowUps: list(30, models.DueFollowUp, -2), Escalations: list(30, models.DueAnnual, -15),
		VisitsByInspector: map[int64]int{apptest.DemoInspector: 7, supDonghu: 2},
		Since:             day(-7), Today: day(0),
	}
	for i := range 40 {
		dd.VisitsByInspector[int64(50000+i)] = 1
	}
	p := models.DigestPayload{DigestData: dd, Counts: models.DigestCounts{Overdue: 120, Escalations: 45}}
	d := models.Delivery{Recipient: apptest.DemoAdmin, Kind: models.DeliveryDigest, Period: "2027-W09", Payload: mustJSON(t, p)}
	m := mustRender(t, app, d)
	expectIn(t, m.Text, "回访工作汇总", "逾期未回访</b>：120 项", "14 天内到期</b>：30 项", "30 天内处分期满、尚未进行期满前回访</b>：30 项",
		"本期登记回访</b>：49 次", "• 演示回访人员：7 次", "东湖分管领导：2 次", "以及另外 37 人", "重点对象超过 90 天未回访</b>：30 项",
		"回访后未办结的事项</b>（反馈通报、整改、诉求）：30 项", "逾期超过 14 天，需督办</b>：45 项", "负责：演示回访人员、东湖分管领导", "以及另外 ", "李四")
	if len(m.Buttons) != 0 {
		t.Errorf("digest has buttons: %v", kittest.Labels(m))
	}
}

func TestApp_RenderDelivery_DigestEnglish(t *testing.T) {
	app, store := remindApp(t)
	li := demoMember(t, store, "李四", "")
	dd := models.DigestData{Overdue: []models.DueItem{item(li, models.DueKey, day(-20))},
		Escalations: []models.DueItem{item(li, models.DueKey, day(-20))}, Since: day(-7), Today: day(0)}
	m := mustRender(t, app, models.Delivery{Recipient: inspectorEN, Kind: models.DeliveryDigest, Payload: mustJSON(t, dd)})
	expectIn(t, m.Text, "Return-visit digest", "<b>Overdue</b>: 1", "李四", "20 days overdue", "no responsible inspector yet",
		"Visits logged in the period</b>: 0")
	expectNotIn(t, m.Text, "项", "rm_")
}
