package roster_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/handlers/roster"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// *sqlstore.Store is the store the roster runs over in production.
var _ roster.Store = (*sqlstore.Store)(nil)

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
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member add")
	c.Expect("新增人员", "姓名？", "取消")
	c.Refute("返回") // nothing to go back to
	c.Say("=HYPERLINK(1)")
	c.Expect("不能以 =、+、-、@ 开头", "姓名？")
	c.Say("王　小明") // a full-width space between Han characters
	c.Expect("所在单位", "东湖村党支部（演示）", "西山社区党支部（演示）")
	c.Say("不存在的单位")
	c.Expect("没有找到单位“不存在的单位”", "所在单位")
	c.Say("党支部")
	c.Expect("有多个单位符合", "东湖村党支部（演示）")
	c.Press("东湖村党支部")
	c.Expect("职务？")
	c.Press("返回")
	c.Expect("所在单位")
	c.Press("东湖村党支部")
	c.Say("村会计 <b>")
	c.Expect("人员类别？")
	c.Press("国家公务员")
	c.Press("是")
	c.Expect("重点回访对象的原因")
	c.Say("对处分有抵触")
	c.Expect("新增人员（待确认）", "王小明", "东湖村党支部（演示）", "村会计 &lt;b&gt;", "国家公务员", "是（对处分有抵触）")
	c.Press("返回")
	c.Expect("重点回访对象的原因", "当前内容：对处分有抵触")
	c.Say("对处分不服")
	c.Expect("新增人员（待确认）", "是（对处分不服）") // back straight to the review
	c.Press("确认保存")
	c.Expect("已添加人员", "王小明", "国家公务员", "对象类别：重点回访对象", "暂无处分记录")
	m, _ := mustMember(t, store, "王小明")
	if m.Post != "村会计 <b>" || m.Rank != models.RankCivilServant || !m.Key || m.KeyReason != "对处分不服" {
		t.Fatalf("member = %+v", m)
	}

	// The same name in the same unit is the same member.
	c.Say("/member add")
	c.Say("王小明")
	c.Press("东湖村党支部")
	c.Press("跳过")
	c.Press("其他")
	c.Press("否")
	c.Expect("新增人员（待确认）", "<b>职务</b>：（无）")
	c.Press("确认保存")
	c.Expect("该单位已有同名人员")
	c.Press("取消")
	c.Expect("已取消")

	// A name can come with the command; a name typed on a card opens
	// that member.
	c.Say("/member add 赵　小")
	c.Expect("所在单位")
	c.Press("取消")
	c.Say("/member 王小明")
	c.Say("孙八")
	c.Expect("<b>孙八</b>", "村民小组长")
}

func TestRoster_MemberAddForbidden(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/member add")
	c.Expect("您的角色不能进行这项操作")
	c.Say("/sanction add 李四")
	c.Expect("您的角色不能进行这项操作")
	c.Refute("李四")
	if n := deniedAudits(t, store, apptest.DemoInspector); n != 2 {
		t.Fatalf("denied audit rows = %d, want 2", n)
	}
	// An inspector reads a card but gets no edit buttons.
	c.Say("/member 李四")
	c.Expect("村委会委员", "重点原因：对处分不服", "留党察看")
	if len(c.Last.Messages[0].Buttons) != 0 {
		t.Fatalf("inspector card has buttons: %v", kittest.Labels(c.Last.Messages[0]))
	}
}

func TestRoster_MemberEdit(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member 孙八")
	c.Expect("<b>孙八</b>", "村民小组长", "人员类别：其他", "一般对象", "撤销党内职务")
	c.Press("✏️ 职务")
	c.Expect("职务？")
	c.Say("村民小组副组长")
	c.Expect("已修改职务", "村民小组副组长")
	c.Press("✏️ 人员类别")
	c.Press("国家公务员")
	// A later category does not make him a mandatory target: the one
	// recorded with his sanction decides.
	c.Expect("已修改人员类别", "人员类别：国家公务员", "对象类别：一般对象", " · 处分时为其他")
	c.Press("✏️ 单位")
	c.Press("返回")
	c.Expect("<b>孙八</b>") // back to the card
	c.Press("✏️ 单位")
	c.Press("东湖镇机关党支部")
	c.Expect("已修改单位", "东湖镇机关党支部（演示）")
	c.Press("✏️ 姓名")
	c.Say("张三") // 张三 already works in that unit
	c.Expect("该单位已有同名人员", "姓名？")
	c.Say("孙八")
	c.Expect("已修改姓名")
	c.Press("列为重点")
	c.Expect("重点回访对象的原因")
	c.Say("有对立情绪")
	c.Expect("已列为重点回访对象", "重点回访对象", "重点原因：有对立情绪")
	c.Press("取消重点")
	c.Expect("已取消重点回访对象")
	c.Refute("重点原因")
	c.Press("指定回访责任人")
	c.Expect("选择回访责任人", "演示回访人员")
	c.Press("演示回访人员")
	c.Expect("每隔几个月")
	c.Say("30")
	c.Expect("1 至 24 之间")
	c.Say("３") // full-width digit
	c.Expect("已指定回访责任人（互动式）", "回访责任人（互动式）：演示回访人员，每 3 个月")
	m, _ := mustMember(t, store, "孙八")
	if m.Post != "村民小组副组长" || m.Rank != models.RankCivilServant || m.Key || m.AssigneeID == nil ||
		*m.AssigneeID != apptest.DemoInspector || m.IntervalMonths != 3 {
		t.Fatalf("member = %+v", m)
	}
	c.Press("指定回访责任人")
	c.Press("取消回访责任人")
	c.Expect("已取消互动式回访的责任人")
	c.Refute("回访责任人（互动式）：")
	if m, _ := mustMember(t, store, "孙八"); m.AssigneeID != nil || m.IntervalMonths != 0 {
		t.Fatalf("assignment not cleared: %+v", m)
	}
	c.Press("关闭")
	c.Expect("已关闭 孙八 的人员卡片")
}

func TestRoster_SanctionAdd(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/sanction")
	c.Expect("用法：/sanction add")
	c.Say("/sanction add")
	c.Expect("要为谁登记处分")
	c.Say("孙八")
	c.Expect("为 孙八（东湖村党支部（演示）） 登记处分", "党内警告", "留党察看", "记大过", "开除")
	c.Press("留党察看")
	c.Expect("留党察看的期限")
	c.Press("二年")
	c.Expect("处分决定时的人员类别", "该人员当前为：其他")
	c.Press("国家公务员")
	c.Expect("决定文号")
	c.Say("示纪发〔2025〕99号")
	c.Expect("决定日期？")
	tomorrow := time.Now().In(apptest.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
	c.Say(tomorrow)
	c.Expect("日期不能晚于今天", "决定日期？")
	c.Say("2025-02-30")
	c.Expect("没有这一天")
	c.Say("2025-03-10")
	c.Expect("生效日期", "2025年3月10日", "与决定日期相同")
	c.Say("2025-03-01")
	c.Expect("不能早于处分决定日期（2025年3月10日）")
	c.Say("2025年3月15日")
	c.Expect("登记处分（待确认）", "留党察看二年", "<b>处分时人员类别</b>：国家公务员", "示纪发〔2025〕99号", "2025年3月15日",
		"<b>处分期间</b>：察看期至 2027年3月15日")
	c.Press("确认保存")
	c.Expect("已登记处分")
	_, sanctions := mustMember(t, store, "孙八")
	i := slices.IndexFunc(sanctions, func(s models.Sanction) bool { return s.DecisionNo == "示纪发〔2025〕99号" })
	if i < 0 || sanctions[i].ProbationMonths != 24 || sanctions[i].PeriodEnd == nil ||
		sanctions[i].PeriodEnd.Format(kit.DateLayout) != "2027-03-15" || sanctions[i].EffectiveDate.Format(kit.DateLayout) != "2025-03-15" {
		t.Fatalf("sanctions = %+v", sanctions)
	}

	// A decision number recorded already is refused; a new one saves.
	c.Say("/sanction add 孙八")
	c.Press("记过")
	c.Refute("留党察看的期限")
	c.Press("其他")
	c.Say("示纪发〔2025〕99号")
	c.Say("2025-04-01")
	c.Press("与决定日期相同")
	c.Expect("<b>处分期间</b>：处分期至 2026年4月1日")
	c.Press("确认保存")
	c.Expect("这个文号已经登记过了", "决定文号")
	c.Say("示监发〔2025〕5号")
	c.Expect("登记处分（待确认）", "示监发〔2025〕5号") // straight back to the review
	c.Press("确认保存")
	c.Expect("已登记处分")
	if _, sanctions := mustMember(t, store, "孙八"); len(sanctions) != 3 {
		t.Fatalf("sanctions = %d, want 3", len(sanctions))
	}
}

// TestRoster_SanctionEnds: the card offers the end its kind has, and only
// once the period is over: no lifting of a party warning or a running
// demotion; a one-year probation extended once by a year; party rights
// restored after a probation, never before its last day; a governmental
// sanction lifted by itself, its decision number optional.
func TestRoster_SanctionEnds(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	for _, name := range []string{"王五", "赵六", "孙八", "钱七"} {
		c.Say("/member " + name)
		c.Refute("解除")
		c.Refute("恢复党员权利：")
	}
	c.Say("/member 钱七")
	c.Expect("开除党籍", "五年内不得重新入党（至", "开除公职", "无处分期间")

	// 李四's probation runs: it may be extended, not ended.
	c.Say("/member 李四")
	c.Refute("恢复党员权利：")
	c.Press("延长察看期一年")
	c.Expect("延长留党察看期一年", "决定文号")
	c.Say("示纪发〔2026〕200号")
	c.Expect("已登记延长留党察看期一年", "留党察看一年（延长一年，示纪发〔2026〕200号）")
	c.Refute("延长察看期一年：")
	_, sanctions := mustMember(t, store, "李四")
	if sanctions[0].ExtensionNo != "示纪发〔2026〕200号" {
		t.Fatalf("sanction = %+v", sanctions[0])
	}

	// 韩十's demerit ended a month ago: lifted by itself, the number optional.
	c.Say("/member 韩十")
	c.Expect("记过", "期满自动解除")
	c.Press("登记解除")
	c.Expect("期满已自动解除", "跳过")
	c.Press("跳过")
	c.Expect("已登记解除处分", "期满自动解除")
	c.Refute("登记解除：")
	_, sanctions = mustMember(t, store, "韩十")
	if sanctions[0].LiftedOn == nil || !sanctions[0].LiftedOn.Equal(*sanctions[0].PeriodEnd) || sanctions[0].LiftDecisionNo != "" {
		t.Fatalf("sanction = %+v", sanctions[0])
	}

	// A one-year probation that ended on 2025-01-10: rights restored
	// from that day on, not before.
	c.Say("/sanction add 孙八")
	c.Press("留党察看")
	c.Press("一年")
	c.Press("其他")
	c.Say("示纪发〔2024〕1号")
	c.Say("2024-01-10")
	c.Press("与决定日期相同")
	c.Press("确认保存")
	c.Say("/member 孙八")
	c.Expect("察看期至 2025年1月10日，已届满，待作出恢复党员权利的决定")
	c.Press("恢复党员权利")
	c.Expect("察看期至 2025年1月10日，不能早于这一天")
	c.Say("2025-01-09")
	c.Expect("恢复党员权利不能早于这一天")
	c.Say("2025-01-10")
	c.Expect("恢复党员权利的决定文号")
	c.Say("示纪发〔2025〕3号")
	c.Expect("已登记恢复党员权利", "已于 2025年1月10日 恢复党员权利（示纪发〔2025〕3号）")
	c.Refute("已于 2025年1月10日 解除")
}

func TestRoster_FindByPinyin(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/member zs")
	insp.Expect("<b>张三</b>", "党政办副主任")
	insp.Refute("执法队员")
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/member zhangsan")
	admin.Expect("找到多名人员", "执法队员", "党政办副主任")
	admin.Press("执法队员")
	admin.Expect("<b>张三</b>", "政务警告")
	admin.Say("/member")
	admin.Expect("拼音")
	admin.Say("李四")
	admin.Expect("<b>李四</b>", "村委会委员")
}

func TestRoster_SiblingUnitSeesNothing(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	const sup = 20001
	addRosterUser(t, store, sup, models.RoleSupervisor, "西山街道（演示）")
	lisi, _ := mustMember(t, store, "李四")
	c := kittest.NewChat(t, app, sup)
	for _, cmd := range []string{"/member 李四", "/member " + strconv.FormatUint(lisi.ID, 10), "/member ls",
		"/sanction add 李四", "/sanction add " + strconv.FormatUint(lisi.ID, 10)} {
		c.Say(cmd)
		c.Expect("没有找到")
		c.Refute("村委会委员")
	}
	// Its own members it can edit.
	c.Say("/member 周九")
	c.Expect("居委会副主任", "✏️ 职务")
	// A forged member button for a member of the other township.
	data, msgID := c.Button("✏️ 职务")
	cb, _ := kit.ParseCallback(data)
	cb.Action, cb.Arg = "mb", strconv.FormatUint(lisi.ID, 10)
	r := c.Deliver(kit.Input{Callback: cb.String(), MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("forged button: %+v", r)
	}
	c.Say("/member add")
	c.Say("新人")
	c.Expect("西山社区党支部（演示）")
	c.Refute("东湖")
	c.Say("东湖村党支部（演示）")
	c.Expect("没有找到单位")
	data, msgID = c.Button("西山社区党支部")
	cb, _ = kit.ParseCallback(data)
	dh, err := store.FindUnitByName(context.Background(), "东湖村党支部（演示）")
	if err != nil {
		t.Fatal(err)
	}
	cb.Arg = strconv.FormatUint(dh.ID, 10)
	r = c.Deliver(kit.Input{Callback: cb.String(), MessageID: msgID})
	if r.CallbackText != "此按钮已失效" || len(r.Messages) != 0 {
		t.Fatalf("forged unit button: %+v", r)
	}
	c.Say("西山社区党支部（演示）")
	c.Expect("职务？")
}

// TestRoster_UnitAppraisal: the unit's appraisal is kept per member and
// recorded from the card, its text then its date.
func TestRoster_UnitAppraisal(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/member 王五")
	c.Expect("单位鉴定（", "该同志受处分后能正确对待")
	c.Say("/member 孙八")
	c.Refute("单位鉴定（")
	c.Press("单位鉴定")
	c.Expect("单位鉴定的内容")
	c.Say("工作认真 <b>")
	c.Expect("单位鉴定的日期")
	tomorrow := time.Now().In(apptest.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
	c.Say(tomorrow)
	c.Expect("日期不能晚于今天")
	c.Press("今天")
	c.Expect("已登记单位鉴定", "单位鉴定（"+time.Now().In(apptest.Shanghai).Format("2006年1月2日")+"）：工作认真 &lt;b&gt;")
	if m, _ := mustMember(t, store, "孙八"); m.UnitAppraisal != "工作认真 <b>" || m.UnitAppraisalDate == nil {
		t.Fatalf("member = %+v", m)
	}
}
