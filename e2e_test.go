package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// End-to-end tests: the real telegram-bot-api client talks to a fake Bot
// API over HTTP; state lives in the real Redis and records in the real
// MariaDB (both required in CI).

const e2eToken = "123456:E2E-TEST-TOKEN"

// e2e is one running bot process against the fake API.
type e2e struct {
	t      testing.TB
	srv    *telegramtest.Server
	store  *sqlstore.Store
	state  models.StateStore
	app    *handlers.App
	cancel context.CancelFunc
	done   chan error
}

func startE2E(t testing.TB) *e2e {
	t.Helper()
	store := modelstest.OpenMySQL(t)
	state := modelstest.OpenRedis(t)
	if err := store.LoadDemo(context.Background(), demoAdminID, demoInspectorID); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	e := &e2e{t: t, srv: telegramtest.NewServer(t, e2eToken), store: store, state: state}
	e.start()
	t.Cleanup(e.stop)
	return e
}

// start runs a bot process (a new App and a new Telegram transport over
// the same database, Redis and fake API).
func (e *e2e) start() {
	e.t.Helper()
	app, err := handlers.New(handlers.Options{Store: e.store, State: e.state, Location: shanghai(e.t), Admins: []int64{777}})
	if err != nil {
		e.t.Fatalf("new app: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tg, err := bot.New(ctx, bot.Config{Token: e2eToken, Endpoint: e.srv.Endpoint(), PollTimeout: time.Second, ChatRate: 1e6, GlobalRate: 1e6,
		Apology: app.Apology, Commands: app.Commands(), Logger: modelstest.Logger()}, app)
	if err != nil {
		cancel()
		e.t.Fatalf("bot.New: %v", err)
	}
	app.SetTransport(tg.Username(), tg)
	e.app = app
	e.cancel, e.done = cancel, make(chan error, 1)
	go func() { e.done <- tg.Run(ctx) }()
}

func (e *e2e) stop() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	select {
	case err := <-e.done:
		if err != nil {
			e.t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		e.t.Errorf("Run did not stop within 5s")
	}
	e.cancel = nil
}

func shanghai(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// user is one Telegram user talking to the bot in a chat.
type user struct {
	e       *e2e
	chatID  int64
	userID  int64
	group   bool
	seen    int // messages of the fake's log already read
	got     []telegramtest.Sent
	presses int
}

func (e *e2e) user(id int64) *user { return &user{e: e, chatID: id, userID: id} }

// waitHandled waits until the bot confirmed update id, i.e. handled it and
// sent its answer, then collects what it sent in this chat.
func (u *user) waitHandled(id int) {
	u.e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for u.e.srv.Confirmed() < id {
		if time.Now().After(deadline) {
			u.e.t.Fatalf("update %d not confirmed within 10s", id)
		}
		time.Sleep(2 * time.Millisecond)
	}
	all := u.e.srv.Sent()
	u.got = nil
	for _, s := range all[u.seen:] {
		if s.ChatID == u.chatID {
			u.got = append(u.got, s)
		}
	}
	u.seen = len(all)
}

func (u *user) say(text string) {
	u.e.t.Helper()
	var id int
	if u.group {
		id = u.e.srv.SendGroupText(u.chatID, u.userID, text)
	} else {
		id = u.e.srv.SendText(u.chatID, u.userID, text)
	}
	u.waitHandled(id)
}

// press presses the newest button in this chat whose label contains label.
func (u *user) press(label string) {
	u.e.t.Helper()
	u.pressData(u.find(label))
}

// pressData presses a button of an earlier message, by its data.
func (u *user) pressData(msgID int, data string) {
	u.e.t.Helper()
	u.presses++
	u.waitHandled(u.e.srv.Press(u.chatID, u.userID, msgID, data))
}

func (u *user) find(label string) (int, string) {
	u.e.t.Helper()
	all := u.e.srv.Sent()
	for i := len(all) - 1; i >= 0; i-- {
		s := all[i]
		if s.ChatID != u.chatID || len(s.Buttons) == 0 {
			continue
		}
		for _, row := range s.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					return s.MessageID, b.Data
				}
			}
		}
		u.e.t.Fatalf("newest keyboard has no %q: %+v", label, s.Buttons)
	}
	u.e.t.Fatalf("no keyboard sent in chat %d", u.chatID)
	return 0, ""
}

// Say and Press make a user an apptest.Driver.
func (u *user) Say(text string)    { u.e.t.Helper(); u.say(text) }
func (u *user) Press(label string) { u.e.t.Helper(); u.press(label) }

func (u *user) text() string {
	var b strings.Builder
	for _, s := range u.got {
		b.WriteString(s.Text + "\n")
		for _, row := range s.Buttons {
			for _, btn := range row {
				b.WriteString(btn.Text + " | ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (u *user) expect(parts ...string) {
	u.e.t.Helper()
	got := u.text()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			u.e.t.Fatalf("bot answer lacks %q:\n%s", p, got)
		}
	}
}

func (u *user) refute(part string) {
	u.e.t.Helper()
	if got := u.text(); strings.Contains(got, part) {
		u.e.t.Fatalf("bot answer unexpectedly has %q:\n%s", part, got)
	}
}

func TestE2E_VisitSavedThroughTelegram(t *testing.T) {
	e := startE2E(t)
	u := e.user(demoInspectorID)
	u.say("/start")
	u.expect("您好，演示回访人员（回访人员）", "登记回访")
	u.press("登记回访")
	u.expect("请输入受处分人员的姓名")
	u.say("不存在的人")
	u.expect("没有找到")
	u.say("李四")
	u.expect("开始为 <b>李四</b>", "回访日期")
	for _, bad := range []string{"2026-02-30", "下周", "2099-01-01"} {
		u.say(bad)
		u.expect("回访日期")
	}
	stale, staleData := u.find("今天")
	u.press("昨天")
	// The "today" button of the answered question has expired.
	u.pressData(stale, staleData)
	if answers := e.srv.CallbackAnswers(); answers[len(answers)-1] != "此按钮已失效" {
		t.Fatalf("stale button answered %q", answers[len(answers)-1])
	}
	u.press("返回") // Back edits the prompt in place and shows the answer given
	u.expect("回访日期", "当前内容")
	u.press("昨天")
	apptest.WalkVisitFrom(u, map[string]string{
		"methods": "talk", "type": "interactive", "inspectors": apptest.Press + "只有我", "participants": "村党支部书记",
		"thinking": "认识到位，接受处分", "work": "工作积极", "enforcement": "n", "problem": "补贴未按决定停发", "pay": "￥2,500",
		"conclusion": "average", "recommendation": "post", "feedback": "n", "branch": "y", "next": apptest.Press + "采用",
	}, "methods")
	u.expect("回访记录（待确认）", "互动式", "2,500.00", "推荐使用")
	assertProtected(t, e.srv.Sent(), u.chatID)
	u.press("✏️ 回访结论")
	u.press("较好")
	u.expect("<b>回访结论</b>：较好")
	confirmMsg, confirmData := u.find("确认保存")
	u.press("确认保存")
	u.expect("已保存，回访记录编号")
	// A double tap on Confirm saves once.
	u.pressData(confirmMsg, confirmData)
	if answers := e.srv.CallbackAnswers(); answers[len(answers)-1] != "此按钮已失效" {
		t.Fatalf("second confirm answered %q", answers[len(answers)-1])
	}

	id := findMember(t, e.store, "李四")
	st, err := e.store.MemberStatus(context.Background(), models.Viewer{TelegramID: 1, Role: models.RoleAdmin}, models.CalendarRules{}, id, time.Now())
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	if st.VisitCount != 1 || st.LastVisit == nil {
		t.Fatalf("visits in database = %d, want 1", st.VisitCount)
	}
	v := st.LastVisit
	if v.Type != models.TypeInteractive || v.PayCorrectedFen != 250000 || v.Conclusion != models.ConclusionFairlyGood ||
		v.Participants != "村党支部书记" || v.FeedbackUnit || !v.BranchInformed || v.Inspectors != "演示回访人员" {
		t.Fatalf("saved visit = %+v", v)
	}
	// Every callback query was answered.
	if n := len(e.srv.CallbackAnswers()); n != u.presses {
		t.Fatalf("%d callback answers for %d presses", n, u.presses)
	}
}

func findMember(t *testing.T, store *sqlstore.Store, name string) uint64 {
	t.Helper()
	m, err := store.SearchMembers(context.Background(), models.Viewer{TelegramID: 1, Role: models.RoleAdmin}, name, 5)
	if err != nil || len(m) != 1 {
		t.Fatalf("search %s: %v %v", name, m, err)
	}
	return m[0].Member.ID
}

// assertProtected checks that every message sent to a known user's chat
// was sent with protect_content (edits keep what the message was sent with).
func assertProtected(t *testing.T, sent []telegramtest.Sent, chatID int64) {
	t.Helper()
	for _, s := range sent {
		if s.ChatID == chatID && s.Method == "sendMessage" && !s.Protect {
			t.Fatalf("message sent without protect_content: %q", s.Text)
		}
	}
}

func TestE2E_SecondProcessContinuesConversation(t *testing.T) {
	e := startE2E(t)
	u := e.user(demoInspectorID)
	u.say("/visit 孙八")
	u.press("今天")
	u.press("上门走访")
	e.stop() // the first process goes away mid-visit
	e.start()
	u.press("民主测评") // the buttons of the first process still work
	u.expect("✅ 上门走访", "✅ 民主测评")
	u.press("完成")
	u.expect("回访类型")
}

func TestE2E_AccessRefusals(t *testing.T) {
	e := startE2E(t)
	stranger := e.user(424242)
	stranger.say("/status 张三")
	stranger.expect("没有使用本机器人的权限", "<code>424242</code>")
	stranger.refute("张三")

	insp := e.user(demoInspectorID)
	insp.say("/status 周九") // a member of the other township
	insp.expect("没有找到“周九”")
	insp.refute("居委会")

	group := &user{e: e, chatID: -100777, userID: demoInspectorID, group: true}
	group.say("/status 李四")
	group.expect("只在私聊中工作")
	group.refute("李四")

	admin := e.user(demoAdminID)
	admin.say("/status 周九")
	admin.expect("居委会副主任", "记大过")
	assertProtected(t, e.srv.Sent(), admin.chatID)
	cmds := e.srv.Commands()
	if len(cmds[""]) == 0 || len(cmds["en"]) == 0 || cmds[""][0].Description == cmds["en"][0].Description {
		t.Fatalf("command menus = %+v", cmds)
	}
}

// TestE2E_ConcurrentChats runs several inspectors at once: updates of one
// chat stay in order while chats proceed in parallel.
func TestE2E_ConcurrentChats(t *testing.T) {
	e := startE2E(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				e.srv.SendText(id, id, "你好")
			}
		}(int64(900 + i))
	}
	wg.Wait()
	sent := e.srv.WaitSent(t, 20, 10*time.Second)
	for _, s := range sent {
		if !strings.Contains(s.Text, "<code>"+strconv.FormatInt(s.ChatID, 10)+"</code>") {
			t.Fatalf("reply in chat %d names another user: %q", s.ChatID, s.Text)
		}
	}
}
