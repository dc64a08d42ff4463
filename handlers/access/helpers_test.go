package access_test

import (
	"context"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/access"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// Users added to the demo roster for the access tests: a supervisor and an
// inspector of 西山街道（演示）, the sibling of the demo inspector's 东湖镇（演示）.
const (
	acXSSup  = 20001
	acXSInsp = 20002
)

const (
	acRoot   = "示范区纪委（演示）"
	acDonghu = "东湖镇（演示）"
	acXishan = "西山街道（演示）"
	acXSComm = "西山社区党支部（演示）"
)

// The stores are what the feature needs.
var (
	_ access.Store  = (*sqlstore.Store)(nil)
	_ access.States = (models.StateStore)(nil)
)

var acAdminViewer = models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}

// acNewApp is apptest.NewApp plus the 西山 users, with the clock at *now
// when now is not nil.
func acNewApp(t *testing.T, now *time.Time) (*handlers.App, *sqlstore.Store, models.StateStore) {
	t.Helper()
	_, store, state := apptest.NewApp(t)
	acAddUser(t, store, acXSSup, "西山分管", models.RoleSupervisor, acXishan)
	acAddUser(t, store, acXSInsp, "西山回访员", models.RoleInspector, acXishan)
	app := apptest.MustApp(t, store, state, func(o *handlers.Options) {
		if now != nil {
			o.Now = func() time.Time { return *now }
		}
	})
	return app, store, state
}

func acUnit(t testing.TB, store *sqlstore.Store, name string) models.Unit {
	t.Helper()
	u, err := store.FindUnitByName(context.Background(), name)
	if err != nil {
		t.Fatalf("unit %s: %v", name, err)
	}
	return u
}

func acAddUser(t testing.TB, store *sqlstore.Store, id int64, name string, role models.Role, unit string) {
	t.Helper()
	u := models.User{TelegramID: id, Name: name, Role: role, UnitID: acUnit(t, store, unit).ID}
	if err := store.CreateUser(context.Background(), acAdminViewer, &u); err != nil {
		t.Fatalf("add user %d: %v", id, err)
	}
}

var acCodeRE = regexp.MustCompile(`(?:邀请码|Invitation code)：?:? ?<code>([0-9A-Za-z_-]+)</code>`)

// acInvite sends an /invite command and returns the code it answers with.
func acInvite(t *testing.T, c *kittest.Chat, args string) string {
	t.Helper()
	c.Say("/invite " + args)
	m := acCodeRE.FindStringSubmatch(c.Text())
	if m == nil {
		t.Fatalf("/invite %s gave no code:\n%s", args, c.Text())
	}
	return m[1]
}

// acUpdates numbers the updates of every chat the access tests open, so
// that a second chat object of one user is not taken for a re-delivery.
var acUpdates atomic.Int64

// acChat is kittest.NewChat with update ids no other chat of the test uses.
func acChat(t testing.TB, h kit.Handler, userID int64) *kittest.Chat {
	c := kittest.NewChat(t, h, userID)
	c.Upd = int(acUpdates.Add(1000))
	return c
}

// acIn makes chats opened by a parent test report to subtest t.
func acIn(t testing.TB, chats ...*kittest.Chat) {
	for _, c := range chats {
		c.T = t
	}
}

// acStranger sends text as a person the bot does not know.
func acStranger(app *handlers.App, id int64, name, lang, text string) kit.Response {
	return app.Handle(context.Background(), kit.Input{UpdateID: int(acUpdates.Add(1000)), ChatID: id, UserID: id,
		ChatType: kit.ChatPrivate, FirstName: name, LangCode: lang, Text: text})
}

func acText(r kit.Response) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Text + "\n")
	}
	return b.String()
}

// acSame checks that two commands are answered alike once the part
// each names is taken out: a sibling learns nothing about what exists.
func acSame(t *testing.T, c *kittest.Chat, cmdA, nameA, cmdB, nameB string) {
	t.Helper()
	c.Say(cmdA)
	a := strings.ReplaceAll(c.Text(), nameA, "X")
	c.Say(cmdB)
	b := strings.ReplaceAll(c.Text(), nameB, "X")
	if a != b {
		t.Fatalf("%s and %s are told apart:\n%s\n%s", cmdA, cmdB, a, b)
	}
}

func acExpectIn(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("%q lacks %q", text, p)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// acCode returns the invitation code of the chat's last answer.
func acCode(t *testing.T, c *kittest.Chat) string {
	t.Helper()
	m := acCodeRE.FindStringSubmatch(c.Text())
	if m == nil {
		t.Fatalf("no invitation code in:\n%s", c.Text())
	}
	return m[1]
}

// acNewcomer is the chat of a person the bot does not know, whose
// Telegram profile has first name and language code lang.
type acNewcomer struct {
	*kittest.Chat
	first, lang string
}

func acNewChat(t testing.TB, app *handlers.App, id int64, first, lang string) *acNewcomer {
	return &acNewcomer{Chat: acChat(t, app, id), first: first, lang: lang}
}

// Say sends text with the newcomer's profile.
func (n *acNewcomer) Say(text string) {
	n.T.Helper()
	n.Deliver(kit.Input{Text: text, FirstName: n.first, LangCode: n.lang})
}

// Press presses a button with the newcomer's profile.
func (n *acNewcomer) Press(label string) {
	n.T.Helper()
	data, id := n.Button(label)
	n.Deliver(kit.Input{Callback: data, CallbackID: "cb", MessageID: id, FirstName: n.first, LangCode: n.lang})
}

// Join sends text (an invitation), answers the name question with name
// and confirms.
func (n *acNewcomer) Join(text, name string) {
	n.T.Helper()
	n.Say(text)
	n.Expect("<b>")
	n.Say(name)
	n.Press("✅")
}
