package remind_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// The demo owes, on any day, overdue or within 14 days: a visit of 李四
// (key target, never visited; the inspectors of 东湖镇 are responsible),
// two of 韩十 (his interactive visit, and the one before his period
// ended, missed; his assignee, the demo inspector, is responsible), the
// branch notice of 王五's last visit, and in 西山街道 (no inspector there)
// the enforcement check of 钱七's expulsion from public office; and, open
// as long as they are not marked done, 冯十一's rectification and request
// (due in 20 days).

func TestRemindCommands_DueInspector(t *testing.T) {
	app, _ := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/due")
	c.Expect("您需要安排的回访（6 项）", "1. 李四", "2. 韩十（东湖村党支部（演示）） · 互动式定期回访",
		"3. 王五（东湖镇机关党支部（演示）） · 回访后未向所在党支部通报", "4. 韩十（东湖村党支部（演示）） · 期满前回访",
		"5. 冯十一（东湖镇机关党支部（演示）） · 执行不到位问题待整改", "6. 冯十一（东湖镇机关党支部（演示）） · 反映的诉求待落实",
		"📝 1. 李四", "✅ 3. 王五 已通报党支部", "✅ 5. 冯十一 已整改", "✅ 6. 冯十一 诉求已落实", "💤 3天")
	c.Refute("赵六")
	if !c.Last.Messages[0].Protect {
		t.Error("/due is not protected")
	}
	c.Press("💤")
	c.Expect("3 天后再提醒")
	c.Say("/due")
	c.Expect("您需要安排的回访（5 项）", "1. 韩十", "2. 王五")
	c.Refute("李四")
	c.Press("已通报党支部")
	c.Expect("<s>向所在党支部通报</s>", "您需要安排的回访（4 项）")
	c.Refute("王五")

	en := kittest.NewChat(t, app, inspectorEN)
	en.Say("/due")
	en.Expect("Visits you owe (3)", "李四", "days overdue", "📝 1. 李四", "enforcement problem to correct", "requests met")
}

func TestRemindCommands_DueSupervisor(t *testing.T) {
	app, _ := remindApp(t)
	dh := kittest.NewChat(t, app, supDonghu)
	dh.Say("/due")
	dh.Expect("本单位逾期和 14 天内到期的回访，及回访后未办结的事项（6 项）", "李四", "王五", "韩十", "冯十一")
	dh.Refute("钱七")
	xs := kittest.NewChat(t, app, supXishan)
	xs.Say("/due")
	xs.Expect("钱七", "处分决定执行情况检查")
	xs.Refute("李四")
	xs.Refute("王五")
}

func TestRemindCommands_Digest(t *testing.T) {
	app, _ := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/digest")
	c.Expect("只有分管领导和管理员可以查看汇总。")
	c.Refute("李四")
	dh := kittest.NewChat(t, app, supDonghu)
	dh.Say("/digest")
	dh.Expect("回访工作汇总", "逾期未回访</b>：4 项", "李四", "回访后未办结的事项</b>（反馈通报、整改、诉求）：3 项",
		"执行不到位问题待整改", "反映的诉求待落实", "负责：演示回访人员、Inspector Wang")
	dh.Refute("钱七")
	if m := dh.Last.Messages[0]; !m.Protect || textLen(m.Text) > maxTextLen {
		t.Errorf("digest: protect %v, %d characters", m.Protect, textLen(m.Text))
	}
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/digest")
	admin.Expect("逾期未回访</b>：5 项", "钱七", "尚无负责的回访人员")
}

func TestRemindCommands_Settings(t *testing.T) {
	app, store := remindApp(t)
	ctx := context.Background()
	sup := kittest.NewChat(t, app, supDonghu)
	sup.Say("/settings")
	sup.Expect("汇总推送：每周一", "每个工作日", "不推送", "简体中文", "English")
	sup.Say("/status 李四") // the settings buttons outlive the conversation's turns
	data, id := dataOf(t, sup.Msgs[1], "每个工作日"), 1
	r := sup.PressData(data, id)
	if r.CallbackText != "汇总推送已设置为：每个工作日" || len(r.Messages) != 1 || r.Messages[0].EditID != id {
		t.Fatalf("set daily: %+v", r)
	}
	sup.Expect("汇总推送：每个工作日")
	if u, err := store.FindUser(ctx, supDonghu); err != nil || u.Digest != models.DigestDaily {
		t.Errorf("digest = %q, %v", u.Digest, err)
	}

	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/settings")
	insp.Expect("设置", "语言")
	insp.Refute("汇总推送")
	r = insp.PressData("r1:d:off", 1) // forged: inspectors get no digest
	if r.CallbackText != "只有分管领导和管理员可以查看汇总。" {
		t.Errorf("forged digest button: %+v", r)
	}
	if u, _ := store.FindUser(ctx, apptest.DemoInspector); u.Digest == models.DigestOff {
		t.Error("an inspector's digest was changed")
	}
	insp.Press("English")
	insp.Expect("Settings", "Language")
	if u, _ := store.FindUser(ctx, apptest.DemoInspector); u.Lang != kit.LangEN {
		t.Errorf("lang = %q", u.Lang)
	}
}

func TestRemindCommands_Holidays(t *testing.T) {
	app, _ := remindApp(t)
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/holidays 2030 off 2030-01-01")
	insp.Expect("只有管理员可以使用这个命令。")
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/holidays")
	c.Expect("用法")
	c.Say("/holidays 2030")
	c.Expect("2030 年的节假日安排未录入，按周一至周五计算工作日")
	c.Say("/holidays 2030 off 2030-01-01,2030-02-04..2030-02-10 work 2030-02-16")
	c.Expect("已录入 2030 年的节假日安排", "放假（周末以外）：2030-01-01,2030-02-04..2030-02-08", "调休上班：2030-02-16")
	c.Say("/holidays 2030")
	c.Expect("<b>2030 年节假日安排</b>", "2030-01-01,2030-02-04..2030-02-08", "调休上班：2030-02-16")
	c.Say("/holidays 2030 off 2031-01-01")
	c.Expect("不在 2030 年", "用法")
	c.Say("/holidays 1999")
	c.Expect("年份“1999”不对")
	c.Say("/holidays 2030 off 2030-02-30")
	c.Expect("日期“2030-02-30”不对")
	c.Say("/holidays 2026")
	c.Expect("<b>2026 年节假日安排</b>")
}

// TestFeature_Wired: the App routes this feature's commands and its r1:
// buttons, which carry no sequence number.
func TestFeature_Wired(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	if r := c.PressData("r1:x", 1); r.CallbackText != "此按钮已失效或无效" {
		t.Errorf("r1:x answered %+v", r)
	}
	for _, cmd := range []string{"/due", "/digest", "/settings", "/holidays"} {
		c.Say(cmd)
		c.Refute("不认识这个命令")
	}
}

// TestRemindCommands_KeepDraft: /due and /digest are read-only lists that
// leave a visit draft as it is; /settings first asks what to do with it.
func TestRemindCommands_KeepDraft(t *testing.T) {
	app, _ := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/visit 李四")
	c.Press("今天")
	for _, cmd := range []string{"/due", "/digest"} {
		c.Say(cmd)
		c.Refute("草稿尚未保存")
	}
	c.Expect("回访工作汇总")
	c.Say("/settings")
	c.Expect("您正在为 李四 登记回访，草稿尚未保存")
	c.Press("保留草稿")
	c.Expect("草稿已保留", "设置", "汇总推送：每周一")
	c.Say("/visit")
	c.Expect("未完成的回访草稿（李四）")
}

// TestRemindCommands_SettingsBootAdmin: an administrator from
// HUIFANG_ADMINS with no users row has no digest to set, and the language
// button keeps their language in the conversation state, as /lang does.
func TestRemindCommands_SettingsBootAdmin(t *testing.T) {
	app, _ := remindApp(t)
	c := kittest.NewChat(t, app, apptest.BootAdmin)
	c.Say("/settings")
	c.Expect("设置", "语言")
	c.Refute("汇总推送")
	c.Press("English")
	c.Expect("Settings", "Language")
	c.Say("/settings")
	c.Expect("Settings")
}
