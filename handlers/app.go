package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/huifang/huifang/models"
)

// Store is what handlers need of the database; *models.Store implements it.
// Every method scopes by the viewer and writes its own audit row.
type Store interface {
	FindUser(ctx context.Context, telegramID int64) (models.User, error)
	CreateUser(ctx context.Context, actor models.Viewer, u *models.User) error
	SetUserLang(ctx context.Context, telegramID int64, lang string) error
	FindUnitByName(ctx context.Context, name string) (models.Unit, error)
	SearchMembers(ctx context.Context, v models.Viewer, query string, limit int) ([]models.MemberMatch, error)
	MemberSanctions(ctx context.Context, v models.Viewer, memberID uint64) (models.Member, string, []models.Sanction, error)
	CreateVisit(ctx context.Context, v models.Viewer, visit *models.Visit, sanctionIDs []uint64) (bool, error)
	MemberStatus(ctx context.Context, v models.Viewer, memberID uint64, today time.Time) (models.Status, error)
	accessStore // units, invitations, users (access.go)
	rosterStore // members, sanctions, import (roster.go)
	editStore   // visit edits, history, audit log (visit_edit.go)
	remindStore // due items, digests, snoozes, follow-ups, workdays (remind.go)
}

// Options configure an App.
type Options struct {
	Store     Store
	State     models.StateStore
	Admins    []int64        // Telegram ids that are admins even when not in the users table
	Location  *time.Location // the office's time zone; "today" is computed in it
	DraftTTL  time.Duration  // how long an idle conversation (and its draft) is kept
	Now       func() time.Time
	Logger    *slog.Logger
	InviteTTL time.Duration        // how long an invitation code is valid; default 72h
	Rules     models.CalendarRules // the visit calendar's numbers; zero: models.DefaultCalendarRules()
}

// App routes every Input to its flow. It is safe for concurrent use; bot/
// serialises the updates of one chat, and the state store's compare-and-set
// guards against another replica handling the same chat meanwhile.
type App struct {
	store  Store
	state  models.StateStore
	admins map[int64]bool
	loc    *time.Location
	ttl    time.Duration
	now    func() time.Time
	log    *slog.Logger
	cat    *Catalogue

	inviteTTL time.Duration
	calRules  models.CalendarRules
	// Set by SetTransport once bot/ is connected.
	botName string
	files   FileGetter
}

// SetTransport tells the App the bot's username (for invitation links)
// and how to download documents users send. main calls it after bot/ has
// connected, before updates flow.
func (a *App) SetTransport(botUsername string, files FileGetter) {
	a.botName, a.files = botUsername, files
}

// New builds an App.
func New(o Options) (*App, error) {
	if o.Store == nil || o.State == nil {
		return nil, errors.New("handlers: store and state are required")
	}
	cat, err := NewCatalogue()
	if err != nil {
		return nil, err
	}
	a := &App{store: o.Store, state: o.State, loc: o.Location, ttl: o.DraftTTL,
		now: o.Now, log: o.Logger, cat: cat, admins: make(map[int64]bool, len(o.Admins))}
	for _, id := range o.Admins {
		a.admins[id] = true
	}
	if a.loc == nil {
		a.loc = time.UTC
	}
	if a.ttl <= 0 {
		a.ttl = 7 * 24 * time.Hour
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.calRules = o.Rules
	if a.calRules == (models.CalendarRules{}) {
		a.calRules = models.DefaultCalendarRules()
	}
	a.inviteTTL = o.InviteTTL
	if a.inviteTTL <= 0 {
		a.inviteTTL = 72 * time.Hour
	}
	return a, nil
}

// maxAttempts bounds retries when another replica changed the chat's state
// between our load and our save.
const maxAttempts = 3

// Handle handles one Input and never panics on bad input.
func (a *App) Handle(ctx context.Context, in Input) Response {
	if in.ChatType != ChatPrivate {
		return a.groupRefusal(in)
	}
	user, err := a.findUser(ctx, in.UserID)
	if errors.Is(err, models.ErrNotFound) {
		if resp, ok := a.redeemInvite(ctx, in); ok {
			return resp
		}
		return a.refusal(in)
	}
	if err != nil {
		a.log.Error("find user", "update_id", in.UpdateID, "user_id", in.UserID, "err", err)
		return a.Apology(in)
	}
	for attempt := 1; ; attempt++ {
		resp, err := a.handleOnce(ctx, in, user)
		if err == nil {
			return resp
		}
		if errors.Is(err, models.ErrStale) && attempt < maxAttempts {
			continue
		}
		a.log.Error("handle update", "update_id", in.UpdateID, "chat_id", in.ChatID, "user_id", in.UserID, "err", err)
		return a.Apology(in)
	}
}

// findUser returns the registered user, or a synthetic admin for an id in
// HUIFANG_ADMINS that is not registered yet.
func (a *App) findUser(ctx context.Context, id int64) (models.User, error) {
	u, err := a.store.FindUser(ctx, id)
	if errors.Is(err, models.ErrNotFound) && a.admins[id] {
		return models.User{TelegramID: id, Role: models.RoleAdmin, Lang: LangZH}, nil
	}
	if err != nil {
		return models.User{}, fmt.Errorf("find user %d: %w", id, err)
	}
	if a.admins[id] {
		u.Role = models.RoleAdmin
	}
	return u, nil
}

// handleOnce is one load → step → compare-and-set save cycle.
func (a *App) handleOnce(ctx context.Context, in Input, user models.User) (Response, error) {
	raw, version, err := a.state.Load(ctx, in.ChatID, in.UserID)
	var st State
	switch {
	case errors.Is(err, models.ErrNotFound):
		version = 0
	case err != nil:
		return Response{}, fmt.Errorf("load state of chat %d: %w", in.ChatID, err)
	default:
		if st, err = decodeState(raw); err != nil {
			// An unreadable or older state is replaced; the user starts over.
			a.log.Warn("discard state", "chat_id", in.ChatID, "err", err)
			st = State{}
		}
	}
	s := a.newSession(ctx, in, user, st)
	if in.UpdateID != 0 && st.seen(in.UpdateID) {
		// Telegram re-delivered an update we already applied (we crashed
		// before confirming it). Apply nothing; if it was the last one, its
		// answer may never have gone out, so send that again.
		if in.UpdateID == st.LastUpdate {
			s.resp.Messages = st.LastReply
		}
		return s.resp, nil
	}
	s.st.markSeen(in.UpdateID)
	if err := s.dispatch(); err != nil {
		return Response{}, err
	}
	s.st.LastUpdate, s.st.LastReply = in.UpdateID, lastReply(s.resp.Messages)
	data, err := s.st.encode()
	if err != nil {
		return Response{}, err
	}
	if _, err := a.state.Save(ctx, in.ChatID, in.UserID, data, version, a.ttl); err != nil {
		return Response{}, fmt.Errorf("save state of chat %d: %w", in.ChatID, err)
	}
	return s.resp, nil
}

// lastReply is what a state keeps of an answer to send it again after a
// crash: the messages without documents (a template is asked for again).
func lastReply(msgs []Message) []Message {
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		if m.Document == nil {
			out = append(out, m)
		}
	}
	return out
}

// Apology is the short, kind answer to an unexpected failure; it carries no
// detail. bot/ also sends it when a handler panics.
func (a *App) Apology(in Input) Response {
	t := a.cat.lang(langFor(in.LangCode))
	r := Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T("apology")}}}
	if in.Callback != "" {
		r.CallbackText = t.T("apology_short")
	}
	return r
}

func (a *App) refusal(in Input) Response {
	t := a.cat.lang(langFor(in.LangCode))
	r := Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T("refusal", "ID", in.UserID)}}}
	if in.Callback != "" {
		r.CallbackText = t.T("refusal_short")
	}
	return r
}

func (a *App) groupRefusal(in Input) Response {
	t := a.cat.lang(langFor(in.LangCode))
	if in.Callback != "" {
		return Response{ChatID: in.ChatID, CallbackText: t.T("private_only")}
	}
	return Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T("private_only")}}}
}

// menuCommands are the commands shown in Telegram's "/" menu.
var menuCommands = []string{"visit", "status", "due", "digest", "member", "units", "users", "invite", "settings", "cancel", "help", "lang", "start"}

// Commands lists the "/" menu per language code for setMyCommands; ""
// is Telegram's default (Chinese).
func (a *App) Commands() map[string][]Command {
	out := map[string][]Command{}
	for _, lang := range []string{LangZH, LangEN} {
		t := a.cat.lang(lang)
		var cmds []Command
		for _, name := range menuCommands {
			cmds = append(cmds, Command{Name: name, Description: t.T("cmd_" + name)})
		}
		out[lang] = cmds
	}
	out[""] = out[LangZH]
	return out
}
