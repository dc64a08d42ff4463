package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

func TestApp_Access(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	stranger := kittest.NewChat(t, app, 999)
	for _, in := range []string{"/start", "/status 张三", "你好", "/visit 李四"} {
		stranger.Say(in)
		stranger.Expect("没有使用本机器人的权限", "<code>999</code>")
		stranger.Refute("张三")
		if len(stranger.Last.Messages) != 1 || len(stranger.Last.Messages[0].Buttons) != 0 {
			t.Fatalf("refusal to %q: %+v", in, stranger.Last)
		}
	}
	group := kittest.NewChat(t, app, apptest.DemoInspector)
	group.ChatID, group.Type = -100123, "supergroup"
	group.Say("/status 李四")
	group.Expect("只在私聊中工作")
	group.Refute("李四")

	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/status 赵六") // a member of the other township
	insp.Expect("没有找到“赵六”")
	insp.Say("/status 张三") // only the one in the inspector's township
	insp.Expect("党政办副主任", "必访对象")
	insp.Refute("执法队员")

	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/status 张三")
	admin.Expect("找到多名人员")
	admin.Press("执法队员")
	admin.Expect("西山街道", "政务警告")

	boot := kittest.NewChat(t, app, apptest.BootAdmin) // HUIFANG_ADMINS, not in the users table
	boot.Say("/status 赵六")
	boot.Expect("党内警告")
}

func TestApp_CommandMidVisitKeepsDraft(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Say("/status 王五")
	c.Expect("草稿尚未保存")
	c.Press("保留草稿")
	c.Expect("草稿已保留", "财政所副所长", "回访次数：2")
	c.Say("/visit")
	c.Expect("未完成的回访草稿（李四）")
	c.Press("继续填写")
	c.Expect("回访方式")
	c.Say("/start")
	c.Press("删除草稿")
	c.Expect("草稿已删除", "请选择要做的事")
	c.Say("/visit")
	c.Expect("请输入受处分人员的姓名")
}

func TestApp_ReplayedUpdateAppliedOnce(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Press("谈心谈话")
	c.Press("完成")
	c.Press("交谈式")
	c.Press("只有我")
	c.Press("跳过")
	c.Say("认识到位")
	c.Expect("工作表现")
	// Telegram delivers the same update again (a crash before confirming).
	r := app.Handle(context.Background(), kit.Input{UpdateID: c.Upd, ChatID: c.ChatID, UserID: c.UserID, ChatType: kit.ChatPrivate, Text: "认识到位"})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "工作表现") {
		t.Fatalf("replay: %+v", r)
	}
	c.Say("工作积极")
	c.Expect("生活困难")
}

func TestApp_SecondProcessContinues(t *testing.T) {
	app, store, state := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Press("谈心谈话")
	// A new process: a new App over the same database and state store.
	c.H = apptest.MustApp(t, store, state)
	c.Press("上门走访")
	c.Expect("✅ 谈心谈话", "✅ 上门走访")
}

func TestApp_LangEnglish(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/lang en")
	c.Expect("Language set to English")
	c.Say("/visit 李四")
	c.Expect("Logging a return visit for <b>李四</b>", "Date of the visit")
	c.Press("Yesterday")
	c.Expect("How was the visit made")
	c.Say("/lang xx")
	c.Expect("Usage: /lang zh")
}

// TestApp_ReplayedBatch: after a crash before a batch of 40 updates of one
// chat was confirmed, Telegram delivers all of them again; none is applied
// twice, and only the answer to the last one is sent again.
func TestApp_ReplayedBatch(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	in := func(id int) kit.Input {
		return kit.Input{UpdateID: id, ChatID: apptest.DemoInspector, UserID: apptest.DemoInspector, ChatType: kit.ChatPrivate, Text: "/status 李四"}
	}
	for id := 1000; id < 1040; id++ {
		if r := app.Handle(context.Background(), in(id)); len(r.Messages) != 1 {
			t.Fatalf("update %d: %+v", id, r)
		}
	}
	for id := 1000; id < 1040; id++ {
		r := app.Handle(context.Background(), in(id))
		if want := map[bool]int{true: 1, false: 0}[id == 1039]; len(r.Messages) != want {
			t.Fatalf("replay of %d answered %d messages, want %d", id, len(r.Messages), want)
		}
	}
}

// countingStore counts the user look-ups that reach the database.
type countingStore struct {
	handlers.Store
	finds atomic.Int64
}

func (s *countingStore) FindUser(ctx context.Context, id int64) (models.User, error) {
	s.finds.Add(1)
	return s.Store.FindUser(ctx, id)
}

// TestApp_UserCache: the sender's row is read once, not at every update,
// and a revocation made through another replica holds at the very next
// update.
func TestApp_UserCache(t *testing.T) {
	_, store, state := apptest.NewApp(t)
	counted := &countingStore{Store: store}
	replica1 := apptest.MustApp(t, counted, state)
	replica2 := apptest.MustApp(t, store, state)
	insp := kittest.NewChat(t, replica1, apptest.DemoInspector)
	for range 10 {
		insp.Say("/status 李四")
		insp.Expect("村委会委员")
	}
	if n := counted.finds.Load(); n != 1 {
		t.Fatalf("%d user look-ups for 10 updates of one user", n)
	}
	admin := kittest.NewChat(t, replica2, apptest.DemoAdmin)
	admin.Say("/revoke " + strconv.Itoa(apptest.DemoInspector))
	admin.Expect("已撤销")
	insp.Say("/status 李四")
	insp.Expect("没有使用本机器人的权限")
	insp.Refute("村委会委员")
}

// TestApp_UndeliveredAnswer: when bot/ could not deliver an answer, the
// chat's next input is not applied blind; the current question is shown.
func TestApp_UndeliveredAnswer(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.Press("今天")
	c.Expect("回访方式")
	app.Undelivered(context.Background(), kit.Input{UpdateID: c.Upd, ChatID: c.ChatID, UserID: c.UserID})
	c.Say("随便打的")
	c.Expect("回访方式")
	c.Refute("请使用下方按钮")
	c.Say("随便打的")
	c.Expect("请使用下方按钮") // applied normally from now on
}

// TestApp_StateKeepsNoAnswers: what is kept to answer a replayed update
// holds ids, not the member data shown; a replay renders it again.
func TestApp_StateKeepsNoAnswers(t *testing.T) {
	app, _, state := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/status 李四")
	c.Expect("村委会委员")
	raw, _, err := state.Load(context.Background(), c.ChatID, c.UserID)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"李四", "村委会委员", "示纪发"} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("state holds %q: %s", secret, raw)
		}
	}
	r := app.Handle(context.Background(), kit.Input{UpdateID: c.Upd, ChatID: c.ChatID, UserID: c.UserID, ChatType: kit.ChatPrivate, Text: "/status 李四"})
	if len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "村委会委员") {
		t.Fatalf("replay: %+v", r)
	}
}

// TestApp_LostConversation: a button of a conversation whose state is gone
// says so once instead of only "expired".
func TestApp_LostConversation(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	c.H = apptest.MustApp(t, store, models.NewMemoryState()) // the state store lost everything
	c.Press("今天")
	c.Expect("已过期或丢失", "此按钮已失效")
	c.Say("/visit 李四")
	c.Expect("回访日期")
}

// TestApp_TextCutByTelegram: a text over 4096 characters arrives as two
// messages; neither part is taken as an answer.
func TestApp_TextCutByTelegram(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	for _, label := range []string{"今天", "谈心谈话", "完成", "交谈式", "只有我", "跳过"} {
		c.Press(label)
	}
	c.Expect("思想")
	c.Say(strings.Repeat("长", 4096)) // the first part, cut at the limit
	c.Expect("分成了几条消息")
	c.Say(strings.Repeat("长", 900)) // the rest, right after
	if len(c.Last.Messages) != 0 {
		t.Fatalf("the second part was answered: %q", c.Text())
	}
	c.Press("返回")
	c.Refute("当前内容") // nothing was taken as the thinking answer
}

// TestApp_TextCutAtABreak: Telegram Desktop cuts a long text at the last
// line break or space after half the limit, so its first part can be far
// shorter than 4096; its parts are never taken as answers either, and the
// question is asked again.
func TestApp_TextCutAtABreak(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	for _, label := range []string{"今天", "谈心谈话", "完成", "交谈式", "只有我", "跳过"} {
		c.Press(label)
	}
	c.Expect("思想")
	c.Say(strings.Repeat("长", 2100) + "\n" + strings.Repeat("长", 900)) // the first part: up to the last line break after 2048
	c.Expect("分成了几条消息", "思想状况")
	c.Say(strings.Repeat("长", 800)) // the rest, right after: short enough to be an answer
	if len(c.Last.Messages) != 0 {
		t.Fatalf("the second part was answered: %q", c.Text())
	}
	c.Press("返回")
	c.Refute("当前内容") // nothing was taken as the thinking answer
}

// TestApp_TextCutByDate: the parts of a cut text are told from a later
// answer by the messages' own dates, not by when they are handled: after
// an outage, the parts and an answer sent 40 s later arrive together; the
// parts are dropped, the answer is taken. A later part that happens to
// start with "/" is dropped too, not run as a command.
func TestApp_TextCutByDate(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/visit 李四")
	for _, label := range []string{"今天", "谈心谈话", "完成", "交谈式", "只有我", "跳过"} {
		c.Press(label)
	}
	sent := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	c.Deliver(kit.Input{Text: strings.Repeat("长", 4096), Sent: sent})
	c.Expect("4096 字", "分成了几条消息", "思想状况")
	c.Deliver(kit.Input{Text: "/help " + strings.Repeat("长", 300), Sent: sent.Add(time.Second)})
	if len(c.Last.Messages) != 0 {
		t.Fatalf("the second part was answered: %q", c.Text())
	}
	c.Deliver(kit.Input{Text: "对处分认识到位", Sent: sent.Add(40 * time.Second)})
	c.Expect("工作表现")
}

// TestApp_HelpListsRoleCommands: /help lists the commands of the user's role; a
// supervisor's lists the supervisor's (digest, roster, invitations).
func TestApp_HelpListsRoleCommands(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	unit, err := store.FindUnitByName(context.Background(), "东湖镇（演示）")
	if err != nil {
		t.Fatal(err)
	}
	sup := models.User{TelegramID: 4242, Name: "东湖分管领导", Role: models.RoleSupervisor, UnitID: unit.ID}
	if err := store.CreateUser(context.Background(), models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}, &sup); err != nil {
		t.Fatal(err)
	}
	s := kittest.NewChat(t, app, sup.TelegramID)
	s.Say("/help")
	s.Expect("/digest", "/member add", "/sanction add", "/invite inspector", "/users", "/revoke", "/template", "回访责任人（互动式）")
	s.Refute("/audit")
	s.Refute("/holidays")
	i := kittest.NewChat(t, app, apptest.DemoInspector)
	i.Say("/help")
	i.Expect("/visit", "/due")
	i.Refute("/digest")
	a := kittest.NewChat(t, app, apptest.DemoAdmin)
	a.Say("/help")
	a.Expect("/audit", "/holidays", "指定回访责任人（互动式）")
}
