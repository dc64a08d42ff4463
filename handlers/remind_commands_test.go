package handlers

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models"
)

// The demo owes, on any day: a visit of 李四 (key target, never visited;
// the inspectors of 东湖镇 are responsible), the branch notice of 王五's
// last visit (its author, the demo inspector, is responsible), and a visit
// of 赵六 after a period ended, in 西山街道 (no inspector there).

func TestRemindCommands_DueInspector(t *testing.T) {
	app, _ := remindApp(t)
	c := newChat(t, remindHandler(t, app), demoInspector)
	c.say("/due")
	c.expect("您需要安排的回访（2 项）", "1. 李四", "2. 王五", "回访后反馈未完成", "📝 1. 李四", "✅ 2. 王五 已反馈", "💤 3天")
	c.refute("赵六")
	if !c.last.Messages[0].Protect {
		t.Error("/due is not protected")
	}
	c.press("💤")
	c.expect("3 天后再提醒")
	c.say("/due")
	c.expect("您需要安排的回访（1 项）", "1. 王五")
	c.refute("李四")
	c.press("已反馈")
	c.expect("<s>回访记录", "目前没有需要安排的回访。")

	en := newChat(t, remindHandler(t, app), inspectorEN)
	en.say("/due")
	en.expect("Visits you owe (1)", "李四", "days overdue", "📝 1. 李四")
}

func TestRemindCommands_DueSupervisor(t *testing.T) {
	app, _ := remindApp(t)
	dh := newChat(t, remindHandler(t, app), supDonghu)
	dh.say("/due")
	dh.expect("本单位逾期和 14 天内到期的回访（2 项）", "李四", "王五")
	dh.refute("赵六")
	xs := newChat(t, remindHandler(t, app), supXishan)
	xs.say("/due")
	xs.expect("赵六", "期满后回访")
	xs.refute("李四")
	xs.refute("王五")
}

func TestRemindCommands_Digest(t *testing.T) {
	app, _ := remindApp(t)
	c := newChat(t, remindHandler(t, app), demoInspector)
	c.say("/digest")
	c.expect("只有分管领导和管理员可以查看汇总。")
	c.refute("李四")
	dh := newChat(t, remindHandler(t, app), supDonghu)
	dh.say("/digest")
	dh.expect("回访工作汇总", "逾期未回访</b>：2 项", "李四", "回访后反馈未完成</b>：1 项", "负责：演示回访员、Inspector Wang")
	dh.refute("赵六")
	if m := dh.last.Messages[0]; !m.Protect || textLen(m.Text) > maxTextLen {
		t.Errorf("digest: protect %v, %d characters", m.Protect, textLen(m.Text))
	}
	admin := newChat(t, remindHandler(t, app), demoAdmin)
	admin.say("/digest")
	admin.expect("逾期未回访</b>：3 项", "赵六", "尚无负责的回访人员")
}

func TestRemindCommands_Settings(t *testing.T) {
	app, store := remindApp(t)
	ctx := context.Background()
	sup := newChat(t, remindHandler(t, app), supDonghu)
	sup.say("/settings")
	sup.expect("汇总推送：每周一", "每个工作日", "不推送", "简体中文", "English")
	sup.say("/status 李四") // the settings buttons outlive the conversation's turns
	data, id := dataOf(t, sup.msgs[1], "每个工作日"), 1
	r := sup.pressData(data, id)
	if r.CallbackText != "汇总推送已设置为：每个工作日" || len(r.Messages) != 1 || r.Messages[0].EditID != id {
		t.Fatalf("set daily: %+v", r)
	}
	sup.expect("汇总推送：每个工作日")
	if u, err := store.FindUser(ctx, supDonghu); err != nil || u.Digest != models.DigestDaily {
		t.Errorf("digest = %q, %v", u.Digest, err)
	}

	insp := newChat(t, remindHandler(t, app), demoInspector)
	insp.say("/settings")
	insp.expect("设置", "语言")
	insp.refute("汇总推送")
	r = insp.pressData("r1:d:off", 1) // forged: inspectors get no digest
	if r.CallbackText != "只有分管领导和管理员可以查看汇总。" {
		t.Errorf("forged digest button: %+v", r)
	}
	if u, _ := store.FindUser(ctx, demoInspector); u.Digest == models.DigestOff {
		t.Error("an inspector's digest was changed")
	}
	insp.press("English")
	insp.expect("Settings", "Language")
	if u, _ := store.FindUser(ctx, demoInspector); u.Lang != LangEN {
		t.Errorf("lang = %q", u.Lang)
	}
}

func TestRemindCommands_Holidays(t *testing.T) {
	app, _ := remindApp(t)
	insp := newChat(t, remindHandler(t, app), demoInspector)
	insp.say("/holidays 2030 off 2030-01-01")
	insp.expect("只有管理员可以使用这个命令。")
	c := newChat(t, remindHandler(t, app), demoAdmin)
	c.say("/holidays")
	c.expect("用法")
	c.say("/holidays 2030")
	c.expect("2030 年的节假日安排未录入，按周一至周五计算工作日")
	c.say("/holidays 2030 off 2030-01-01,2030-02-04..2030-02-10 work 2030-02-16")
	c.expect("已录入 2030 年的节假日安排", "放假（周末以外）：2030-01-01,2030-02-04..2030-02-08", "调休上班：2030-02-16")
	c.say("/holidays 2030")
	c.expect("<b>2030 年节假日安排</b>", "2030-01-01,2030-02-04..2030-02-08", "调休上班：2030-02-16")
	c.say("/holidays 2030 off 2031-01-01")
	c.expect("不在 2030 年", "用法")
	c.say("/holidays 1999")
	c.expect("年份“1999”不对")
	c.say("/holidays 2030 off 2030-02-30")
	c.expect("日期“2030-02-30”不对")
	c.say("/holidays 2026")
	c.expect("<b>2026 年节假日安排</b>")
}
