package handlers

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

var rootViewer = models.Viewer{TelegramID: 1, Role: models.RoleAdmin}

// mustMember finds the only member called name (admin view).
func mustMember(t *testing.T, store *sqlstore.Store, name string) (models.Member, []models.Sanction) {
	t.Helper()
	ms, err := store.SearchMembers(context.Background(), rootViewer, name, 5)
	if err != nil || len(ms) != 1 {
		t.Fatalf("search %s: %v %v", name, ms, err)
	}
	m, _, sanctions, err := store.MemberSanctions(context.Background(), rootViewer, ms[0].Member.ID)
	if err != nil {
		t.Fatalf("member %s: %v", name, err)
	}
	return m, sanctions
}

// addRosterUser registers a user of the named demo unit.
func addRosterUser(t *testing.T, store *sqlstore.Store, id int64, role models.Role, unit string) {
	t.Helper()
	u, err := store.FindUnitByName(context.Background(), unit)
	if err != nil {
		t.Fatalf("unit %s: %v", unit, err)
	}
	err = store.CreateUser(context.Background(), rootViewer, &models.User{TelegramID: id, Name: "用户" + strconv.FormatInt(id, 10), Role: role, UnitID: u.ID})
	if err != nil {
		t.Fatalf("create user %d: %v", id, err)
	}
}

// deniedAudits counts the "denied" audit rows of an actor.
func deniedAudits(t *testing.T, store *sqlstore.Store, actor int64) int {
	t.Helper()
	evs, err := store.ListAudit(context.Background(), rootViewer, models.AuditFilter{ActorID: actor, Limit: 100})
	if err != nil {
		t.Fatalf("list audit: %v", err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == models.AuditDenied {
			n++
		}
	}
	return n
}

func TestRoster_MemberAdd(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoAdmin)
	c.say("/member add")
	c.expect("新增人员", "姓名？", "取消")
	c.refute("返回") // nothing to go back to
	c.say("=HYPERLINK(1)")
	c.expect("不能以 =、+、-、@ 开头", "姓名？")
	c.say("王　小明") // a full-width space between Han characters
	c.expect("所在单位", "东湖村党支部（演示）", "西山社区党支部（演示）")
	c.say("不存在的单位")
	c.expect("没有找到单位“不存在的单位”", "所在单位")
	c.say("党支部")
	c.expect("有多个单位符合", "东湖村党支部（演示）")
	c.press("东湖村党支部")
	c.expect("职务？")
	c.press("返回")
	c.expect("所在单位")
	c.press("东湖村党支部")
	c.say("村会计 <b>")
	c.expect("职级？")
	c.press("国家公务员")
	c.press("是")
	c.expect("重点回访对象的原因")
	c.say("对处分有抵触")
	c.expect("新增人员（待确认）", "王小明", "东湖村党支部（演示）", "村会计 &lt;b&gt;", "国家公务员", "是（对处分有抵触）")
	c.press("返回")
	c.expect("重点回访对象的原因", "当前内容：对处分有抵触")
	c.say("对处分不服")
	c.expect("新增人员（待确认）", "是（对处分不服）") // back straight to the review
	c.press("确认保存")
	c.expect("已添加人员", "王小明", "国家公务员", "必访对象、重点回访对象", "暂无处分记录")
	m, _ := mustMember(t, store, "王小明")
	if m.Post != "村会计 <b>" || m.Rank != models.RankCivilServant || !m.Key || m.KeyReason != "对处分不服" {
		t.Fatalf("member = %+v", m)
	}

	// The same name in the same unit is the same member.
	c.say("/member add")
	c.say("王小明")
	c.press("东湖村党支部")
	c.press("跳过")
	c.press("其他")
	c.press("否")
	c.expect("新增人员（待确认）", "<b>职务</b>：（无）")
	c.press("确认保存")
	c.expect("该单位已有同名人员")
	c.press("取消")
	c.expect("已取消")

	// A name can come with the command; a name typed on a card opens
	// that member.
	c.say("/member add 赵　小")
	c.expect("所在单位")
	c.press("取消")
	c.say("/member 王小明")
	c.say("孙八")
	c.expect("<b>孙八</b>", "村民小组长")
}

func TestRoster_MemberAddForbidden(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoInspector)
	c.say("/member add")
	c.expect("您的角色不能进行这项操作")
	c.say("/sanction add 李四")
	c.expect("您的角色不能进行这项操作")
	c.refute("李四")
	if n := deniedAudits(t, store, demoInspector); n != 2 {
		t.Fatalf("denied audit rows = %d, want 2", n)
	}
	// An inspector reads a card but gets no edit buttons.
	c.say("/member 李四")
	c.expect("村委会委员", "重点原因：对处分不服", "留党察看")
	if len(c.last.Messages[0].Buttons) != 0 {
		t.Fatalf("inspector card has buttons: %v", buttonLabels(c.last.Messages[0]))
	}
}

func TestRoster_MemberEdit(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoAdmin)
	c.say("/member 孙八")
	c.expect("<b>孙八</b>", "村民小组长", "职级：其他", "一般对象", "撤销党内职务")
	c.press("✏️ 职务")
	c.expect("职务？")
	c.say("村民小组副组长")
	c.expect("已修改职务", "村民小组副组长")
	c.press("✏️ 职级")
	c.press("国家公务员")
	c.expect("已修改职级", "必访对象")
	c.press("✏️ 单位")
	c.press("返回")
	c.expect("<b>孙八</b>") // back to the card
	c.press("✏️ 单位")
	c.press("东湖镇机关党支部")
	c.expect("已修改单位", "东湖镇机关党支部（演示）")
	c.press("✏️ 姓名")
	c.say("张三") // 张三 already works in that unit
	c.expect("该单位已有同名人员", "姓名？")
	c.say("孙八")
	c.expect("已修改姓名")
	c.press("列为重点")
	c.expect("重点回访对象的原因")
	c.say("有对立情绪")
	c.expect("已列为重点回访对象", "重点回访对象", "重点原因：有对立情绪")
	c.press("取消重点")
	c.expect("已取消重点回访对象")
	c.refute("重点原因")
	c.press("指定互动式")
	c.expect("负责互动式回访", "演示回访员")
	c.press("演示回访员")
	c.expect("每隔几个月")
	c.say("30")
	c.expect("1 至 24 之间")
	c.say("３") // full-width digit
	c.expect("已指定互动式回访人员", "互动式回访：演示回访员，每 3 个月")
	m, _ := mustMember(t, store, "孙八")
	if m.Post != "村民小组副组长" || m.Rank != models.RankCivilServant || m.Key || m.AssigneeID == nil ||
		*m.AssigneeID != demoInspector || m.IntervalMonths != 3 {
		t.Fatalf("member = %+v", m)
	}
	c.press("指定互动式")
	c.press("取消互动式回访指定")
	c.expect("已取消互动式回访指定")
	c.refute("互动式回访：")
	if m, _ := mustMember(t, store, "孙八"); m.AssigneeID != nil || m.IntervalMonths != 0 {
		t.Fatalf("assignment not cleared: %+v", m)
	}
	c.press("关闭")
	c.expect("已取消")
}

func TestRoster_SanctionAdd(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoAdmin)
	c.say("/sanction")
	c.expect("用法：/sanction add")
	c.say("/sanction add")
	c.expect("要为谁登记处分")
	c.say("孙八")
	c.expect("为 孙八 登记处分", "党内警告", "留党察看", "记大过", "开除")
	c.press("留党察看")
	c.expect("留党察看的期限")
	c.press("24 个月")
	c.expect("决定文号")
	c.say("示纪发〔2025〕99号")
	c.expect("决定日期？")
	tomorrow := time.Now().In(app.loc).AddDate(0, 0, 1).Format("2006-01-02")
	c.say(tomorrow)
	c.expect("日期不能晚于今天", "决定日期？")
	c.say("2025-02-30")
	c.expect("没有这一天")
	c.say("2025-03-10")
	c.expect("生效日期", "2025年3月10日", "与决定日期相同")
	c.say("2025-03-01")
	c.expect("不能早于处分决定日期（2025年3月10日）")
	c.say("2025年3月15日")
	c.expect("登记处分（待确认）", "留党察看（24 个月）", "示纪发〔2025〕99号", "2025年3月15日", "<b>期满日期</b>：2027年3月15日")
	c.press("确认保存")
	c.expect("已登记处分")
	_, sanctions := mustMember(t, store, "孙八")
	i := slices.IndexFunc(sanctions, func(s models.Sanction) bool { return s.DecisionNo == "示纪发〔2025〕99号" })
	if i < 0 || sanctions[i].ProbationMonths != 24 || sanctions[i].PeriodEnd == nil ||
		sanctions[i].PeriodEnd.Format(dateLayout) != "2027-03-15" || sanctions[i].EffectiveDate.Format(dateLayout) != "2025-03-15" {
		t.Fatalf("sanctions = %+v", sanctions)
	}

	// A decision number recorded already is refused; a new one saves.
	c.say("/sanction add 孙八")
	c.press("记过")
	c.refute("留党察看的期限")
	c.say("示纪发〔2025〕99号")
	c.say("2025-04-01")
	c.press("与决定日期相同")
	c.expect("<b>期满日期</b>：2026年4月1日")
	c.press("确认保存")
	c.expect("这个文号已经登记过了", "决定文号")
	c.say("示监发〔2025〕5号")
	c.expect("登记处分（待确认）", "示监发〔2025〕5号") // straight back to the review
	c.press("确认保存")
	c.expect("已登记处分")
	if _, sanctions := mustMember(t, store, "孙八"); len(sanctions) != 3 {
		t.Fatalf("sanctions = %d, want 3", len(sanctions))
	}
}

func TestRoster_SanctionFromCardAndLift(t *testing.T) {
	app, store, _ := newTestApp(t)
	c := newChat(t, app, demoAdmin)
	c.say("/member 王五")
	c.expect("降级")
	c.press("解除处分")
	c.expect("解除处分（降级）的日期")
	tomorrow := time.Now().In(app.loc).AddDate(0, 0, 1).Format("2006-01-02")
	c.say(tomorrow)
	c.expect("日期不能晚于今天")
	c.press("今天")
	c.expect("解除处分的决定文号")
	c.press("返回")
	c.expect("解除处分（降级）的日期")
	c.press("今天")
	c.say("示监发〔2026〕100号")
	c.expect("已登记解除处分", "解除", "（示监发〔2026〕100号）")
	c.refute("解除处分：")
	_, sanctions := mustMember(t, store, "王五")
	if sanctions[0].LiftedOn == nil || sanctions[0].LiftDecisionNo != "示监发〔2026〕100号" {
		t.Fatalf("sanction = %+v", sanctions[0])
	}

	c.say("/member 李四")
	c.press("恢复党员权利")
	c.expect("恢复党员权利（留党察看）的日期")
	c.press("取消")
	c.say("/member 李四")
	c.press("登记处分")
	c.expect("为 李四 登记处分")
	c.press("政务警告")
	c.expect("决定文号")
}

func TestRoster_FindByPinyin(t *testing.T) {
	app, _, _ := newTestApp(t)
	insp := newChat(t, app, demoInspector)
	insp.say("/member zs")
	insp.expect("<b>张三</b>", "党政办副主任")
	insp.refute("执法队员")
	admin := newChat(t, app, demoAdmin)
	admin.say("/member zhangsan")
	admin.expect("找到多名人员", "执法队员", "党政办副主任")
	admin.press("执法队员")
	admin.expect("<b>张三</b>", "政务警告")
	admin.say("/member")
	admin.expect("拼音")
	admin.say("李四")
	admin.expect("<b>李四</b>", "村委会委员")
}

func TestRoster_SiblingUnitSeesNothing(t *testing.T) {
	app, store, _ := newTestApp(t)
	const sup = 20001
	addRosterUser(t, store, sup, models.RoleSupervisor, "西山街道（演示）")
	lisi, _ := mustMember(t, store, "李四")
	c := newChat(t, app, sup)
	for _, cmd := range []string{"/member 李四", "/member " + strconv.FormatUint(lisi.ID, 10), "/member ls",
		"/sanction add 李四", "/sanction add " + strconv.FormatUint(lisi.ID, 10)} {
		c.say(cmd)
		c.expect("没有找到")
		c.refute("村委会委员")
	}
	// Its own members it can edit.
	c.say("/member 周九")
	c.expect("居委会副主任", "✏️ 职务")
	// A forged member button for a member of the other township.
	data, msgID := c.button("✏️ 职务")
	cb, _ := ParseCallback(data)
	cb.Action, cb.Arg = "mb", strconv.FormatUint(lisi.ID, 10)
	r := c.deliver(Input{Callback: cb.String(), MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("forged button: %+v", r)
	}
	c.say("/member add")
	c.say("新人")
	c.expect("西山社区党支部（演示）")
	c.refute("东湖")
	c.say("东湖村党支部（演示）")
	c.expect("没有找到单位")
	data, msgID = c.button("西山社区党支部")
	cb, _ = ParseCallback(data)
	dh, err := store.FindUnitByName(context.Background(), "东湖村党支部（演示）")
	if err != nil {
		t.Fatal(err)
	}
	cb.Arg = strconv.FormatUint(dh.ID, 10)
	r = c.deliver(Input{Callback: cb.String(), MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("forged unit button: %+v", r)
	}
	c.say("西山社区党支部（演示）")
	c.expect("职务？")
}
