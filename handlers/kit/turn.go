package kit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf16"

	"github.com/huifang/huifang/models"
)

// Env is what every turn shares: the office's settings, the catalogue and
// the transport's few services. It is built once; SetTransport fills the
// transport's part before updates flow.
type Env struct {
	Cat       *Catalogue
	Loc       *time.Location // the office's time zone; "today" is computed in it
	Now       func() time.Time
	Log       *slog.Logger
	Rules     models.CalendarRules
	InviteTTL time.Duration
	Users     UserFinder
	BotName   string     // the bot's username, for invitation links
	Files     FileGetter // downloads documents users send
	// Review: saved visits wait for a supervisor's review (待审核);
	// false: they are approved when saved (HUIFANG_REVIEW=off).
	Review bool
}

// UserFinder finds a registered user by Telegram id (ErrNotFound if none).
type UserFinder interface {
	FindUser(ctx context.Context, telegramID int64) (models.User, error)
}

// Today is the current date in the office's time zone, as UTC midnight.
func (e *Env) Today() time.Time {
	n := e.Now().In(e.Loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// Stamp renders an instant in the office's time zone.
func (e *Env) Stamp(t Tr, at time.Time) string {
	at = at.In(e.Loc)
	if t.Lang() == LangEN {
		return at.Format("2006-01-02 15:04")
	}
	return at.Format("2006年1月2日 15:04")
}

// Turn is the handling of one update: who asks, their state, and the
// response being built. Features read and change St and append to Resp
// through the helpers below; they never talk to Telegram.
type Turn struct {
	Ctx    context.Context
	Env    *Env
	In     Input
	User   models.User
	Viewer models.Viewer
	T      Tr
	St     *State
	Resp   Response

	// run dispatches a command as if typed; set by the dispatcher.
	run func(t *Turn, name, args string) error
}

// NewTurn starts the handling of in by user with the state st; run is the
// dispatcher's command runner (RunCommand).
func NewTurn(ctx context.Context, env *Env, in Input, user models.User, st *State, run func(*Turn, string, string) error) *Turn {
	lang := user.Lang
	if user.ID == 0 && st.Lang != "" {
		lang = st.Lang // bootstrap admin without a users row
	}
	return &Turn{
		Ctx: ctx, Env: env, In: in, User: user, St: st, run: run,
		Viewer: models.Viewer{TelegramID: user.TelegramID, Role: user.Role, UnitID: user.UnitID},
		T:      env.Cat.Lang(lang),
		Resp:   Response{ChatID: in.ChatID},
	}
}

// Today is the current date in the office's time zone, as UTC midnight.
func (t *Turn) Today() time.Time { return t.Env.Today() }

// Send appends a message. Every message of a known user's conversation is
// protected: an edit keeps the protection the message was sent with, so a
// prompt that later turns into a status card must have had it from the start.
func (t *Turn) Send(m Message) {
	m.Protect = true
	t.Resp.Messages = append(t.Resp.Messages, m)
}

// Say sends a plain catalogue message.
func (t *Turn) Say(id string, kv ...any) { t.Send(Message{Text: t.T.T(id, kv...)}) }

// Show sends m, or edits the message whose button was pressed.
func (t *Turn) Show(m Message) {
	if t.In.Callback != "" && t.In.MessageID != 0 {
		m.EditID = t.In.MessageID
	}
	t.Send(m)
}

// Toast sets the short answer of a pressed button.
func (t *Turn) Toast(id string, kv ...any) { t.Resp.CallbackText = t.T.T(id, kv...) }

// Ack sets the toast of a pressed button; typed answers have none.
func (t *Turn) Ack(id string) {
	if t.In.Callback != "" {
		t.Toast(id)
	}
}

// Btn builds a conversation button of feature ns carrying the current
// sequence number.
func (t *Turn) Btn(label, ns, action, arg string) Button {
	return Button{Text: label, Data: Callback{Seq: t.St.Seq, NS: ns, Action: action, Arg: arg}.String()}
}

// Replayable makes the answer of this turn renderable again by feature ns
// (its Feature.Replay) from arg, should the update be delivered again.
func (t *Turn) Replayable(ns, arg string) { t.St.Replay = &Replay{NS: ns, Arg: arg} }

// DisplayName is the user's registered name, or their Telegram first name.
func (t *Turn) DisplayName() string {
	if t.User.Name != "" {
		return t.User.Name
	}
	return t.In.FirstName
}

// SetLang switches the language of the rest of the turn.
func (t *Turn) SetLang(lang string) {
	t.User.Lang = lang
	t.T = t.Env.Cat.Lang(lang)
}

// RunCommand runs a command as if the user had typed it.
func (t *Turn) RunCommand(name, args string) error { return t.run(t, name, args) }

// IsAdmin reports whether the user is an administrator.
func (t *Turn) IsAdmin() bool { return t.User.Role == models.RoleAdmin }

// Problem is an answer the user must correct: the catalogue message that
// says why, with its data. Steps return it as an error; it is shown, never
// logged as a failure.
type Problem struct {
	ID   string
	Data []any
}

func (p *Problem) Error() string { return "refused answer: " + p.ID }

// Refuse makes a Problem.
func Refuse(id string, kv ...any) *Problem { return &Problem{ID: id, Data: kv} }

// ErrSaving marks an error met while saving a change (errors.Is): if the
// database did not answer, the user is told that nothing was lost and
// to try again, rather than that looking something up failed.
var ErrSaving = errors.New("while saving")

// Saving marks err as met while saving.
func Saving(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrSaving, err)
}

// RuneLen is the length of s in characters.
func RuneLen(s string) int { return len([]rune(s)) }

// MaxTextLen is Telegram's limit on a message text, in UTF-16 code units:
// a longer text a user sends arrives cut into several messages.
const MaxTextLen = 4096

// TextLen is the length of s as Telegram counts it, in UTF-16 code units.
func TextLen(s string) int { return len(utf16.Encode([]rune(s))) }

// DateLayout is how dates are kept in states and drafts.
const DateLayout = "2006-01-02"

// ParseDay parses a DateLayout date kept in a state.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil
}
