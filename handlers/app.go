package handlers

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"time"

	"github.com/huifang/huifang/export"
	"github.com/huifang/huifang/handlers/access"
	"github.com/huifang/huifang/handlers/audit"
	"github.com/huifang/huifang/handlers/dataexport"
	"github.com/huifang/huifang/handlers/documents"
	"github.com/huifang/huifang/handlers/factor"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/remind"
	"github.com/huifang/huifang/handlers/report"
	"github.com/huifang/huifang/handlers/roster"
	"github.com/huifang/huifang/handlers/status"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

// Store is what the handlers need of the database: the union of what each
// feature declares. Every method scopes by the viewer and writes its own
// audit row.
type Store interface {
	kit.UserFinder
	SetUserLang(ctx context.Context, telegramID int64, lang string) error
	visit.Store
	status.Store
	roster.Store
	access.Store
	remind.Store
	audit.Store
	factor.Store
	documents.Store
	report.Store
	dataexport.Store
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
	// HandleTimeout bounds the handling of one update, storage included;
	// default 15s.
	HandleTimeout time.Duration
	// SerializeChats takes each chat through the state store before
	// handling an update of it (State.Serialize), so that replicas handle
	// one chat's updates one at a time and in order. Needed when several
	// replicas receive webhooks; a single poller orders chats itself.
	SerializeChats bool
	Observer       Observer // hears of failed updates and state conflicts; nil: nobody
	// AdminFactor asks administrators for a second factor (a TOTP code,
	// /2fa) before their actions, once every AdminFactorPeriod (default
	// 12h); FactorKeys seals the stored secrets (nil: stored as they are).
	AdminFactor       bool
	AdminFactorPeriod time.Duration
	FactorKeys        *models.Keyring
	// ReviewOff saves visits approved instead of pending a supervisor's
	// review (HUIFANG_REVIEW=off); by default they wait for it.
	ReviewOff bool
	// OfficeName is the office the documents name as their maker
	// (HUIFANG_OFFICE_NAME).
	OfficeName string
	// MaxFile bounds a file sent (an export); default 50 MB, Telegram's
	// limit for bots.
	MaxFile int
}

// App routes every Input to its feature. It is safe for concurrent use;
// bot/ serialises the updates of one chat, and the state store's
// compare-and-set guards against another replica handling the same chat
// meanwhile.
type App struct {
	store  Store
	state  models.StateStore
	admins map[int64]bool
	ttl    time.Duration
	limit  time.Duration
	serial bool
	env    *kit.Env
	reg    *registry

	access *access.Access
	remind *remind.Remind
	users  userCache
	states decodedStates
	obs    Observer
}

// New builds an App with every feature.
func New(o Options) (*App, error) {
	if o.Store == nil || o.State == nil {
		return nil, errors.New("handlers: store and state are required")
	}
	store := epochStore{Store: o.Store, state: o.State}
	env := &kit.Env{Loc: o.Location, Now: o.Now, Log: o.Logger, Rules: o.Rules, InviteTTL: o.InviteTTL, Users: store,
		Review: !o.ReviewOff}
	if env.Loc == nil {
		env.Loc = time.UTC
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Log == nil {
		env.Log = slog.New(slog.DiscardHandler)
	}
	if env.Rules == (models.CalendarRules{}) {
		env.Rules = models.DefaultCalendarRules()
	}
	if env.InviteTTL <= 0 {
		env.InviteTTL = 72 * time.Hour
	}
	a := &App{store: store, state: o.State, ttl: o.DraftTTL, env: env, admins: make(map[int64]bool, len(o.Admins)), obs: o.Observer}
	if a.obs == nil {
		a.obs = noObserver{}
	}
	for _, id := range o.Admins {
		a.admins[id] = true
	}
	if a.ttl <= 0 {
		a.ttl = 7 * 24 * time.Hour
	}
	if a.limit = o.HandleTimeout; a.limit <= 0 {
		a.limit = 15 * time.Second
	}
	a.serial = o.SerializeChats
	visits := visit.New(store)
	visits.AddVisitButtons(func(t *kit.Turn, id uint64) []kit.Button { return []kit.Button{documents.FormButton(t, id)} })
	a.access = access.New(store, o.State, o.Admins)
	a.remind = remind.New(store, visits)
	gate := factor.New(store, factor.Options{On: o.AdminFactor, Period: o.AdminFactorPeriod, Keys: o.FactorKeys},
		func(t *kit.Turn, p factor.Pending) error { return a.reg.replay(t, p) })
	features := []kit.Feature{core(a), visits.Feature(), visits.ReviewFeature(), status.New(store).Feature(),
		roster.New(store).Feature(), a.access.Feature(), a.remind.Feature(), audit.New(store).Feature(), gate.Feature(),
		documents.New(store, o.OfficeName).Feature(), report.New(store).Feature(),
		dataexport.New(store, o.MaxFile).Feature()}
	reg, err := newRegistry(features, gate)
	if err != nil {
		return nil, err
	}
	a.reg = reg
	sets := []fs.FS{kit.Locales, export.Locales}
	for _, f := range features {
		if f.Locales != nil {
			sets = append(sets, f.Locales)
		}
	}
	if env.Cat, err = kit.NewCatalogue(sets...); err != nil {
		return nil, err
	}
	return a, nil
}

// SetTransport tells the App the bot's username (for invitation links)
// and how to download documents users send. main calls it after bot/ has
// connected, before updates flow.
func (a *App) SetTransport(botUsername string, files FileGetter) {
	a.env.BotName, a.env.Files = botUsername, files
}

// maxAttempts bounds retries when another replica changed the chat's state
// between our load and our save.
const maxAttempts = 3

// Handle handles one Input and never panics on bad input.
func (a *App) Handle(ctx context.Context, in Input) Response {
	if in.ChatType != ChatPrivate {
		return a.groupRefusal(in)
	}
	ctx, cancel := context.WithTimeout(ctx, a.limit)
	defer cancel()
	if a.serial && in.UpdateID != 0 {
		// Held a little past the deadline, so that it cannot lapse while
		// this replica still works on the chat.
		release, err := a.state.Serialize(ctx, in.ChatID, in.UpdateID, a.limit+5*time.Second)
		if err != nil {
			a.env.Log.Warn("chat not free in time", "update_id", in.UpdateID, "chat_id", in.ChatID, "err", err)
			return a.busy(in, false)
		}
		defer release()
	}
	for attempt := 1; ; attempt++ {
		resp, err := a.handleOnce(ctx, in)
		if err == nil {
			return resp
		}
		if errors.Is(err, models.ErrStale) {
			a.obs.StateConflict(ctx)
			if attempt < maxAttempts {
				continue
			}
		}
		a.obs.UpdateFailed(ctx)
		if unavailable(err) {
			a.env.Log.Warn("storage did not answer", "update_id", in.UpdateID, "chat_id", in.ChatID, "err", err)
			return a.busy(in, errors.Is(err, kit.ErrSaving))
		}
		a.env.Log.Error("handle update", "update_id", in.UpdateID, "chat_id", in.ChatID, "user_id", in.UserID, "err", err)
		return a.Apology(in)
	}
}

// unavailable reports a failure of a store that did not answer in time or
// could not be reached, as opposed to a fault.
func unavailable(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) || errors.Is(err, models.ErrUnavailable)
}

// busy is the answer when storage did not answer: nothing was changed, the
// draft is as it was, try again later.
func (a *App) busy(in Input, saving bool) Response {
	t := a.env.Cat.Lang(kit.LangFor(in.LangCode))
	id := "busy_read"
	if saving {
		id = "busy_save"
	}
	r := Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T(id), Protect: true}}}
	if in.Callback != "" {
		r.CallbackText = t.T("busy_short")
	}
	return r
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

// handleOnce is one load → dispatch → compare-and-set save cycle. The
// sender is looked up with the users epoch read together with the state;
// a person without a users row reaches only the joining by invitation.
func (a *App) handleOnce(ctx context.Context, in Input) (Response, error) {
	raw, version, epoch, err := a.state.LoadEpoch(ctx, in.ChatID, in.UserID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return Response{}, fmt.Errorf("load state of chat %d: %w", in.ChatID, err)
	}
	user, uerr := a.user(ctx, in.UserID, epoch)
	stranger := errors.Is(uerr, models.ErrNotFound)
	if uerr != nil && !stranger {
		return Response{}, uerr
	}
	st, version := a.decodeState(in, raw, version, err)
	if stranger {
		user = models.User{TelegramID: in.UserID, Lang: kit.LangFor(in.LangCode)}
	}
	t := kit.NewTurn(ctx, a.env, in, user, &st, a.reg.runCommand)
	now := a.env.Now()
	if in.UpdateID != 0 && st.SeenUpdate(in.UpdateID, now) {
		return t.Resp, a.again(t, stranger)
	}
	st.MarkSeen(in.UpdateID, now)
	if stranger {
		return a.stranger(t, version)
	}
	if st.Lost {
		// The answer to the last update never reached the user: show where
		// they are instead of applying an input made without seeing it.
		st.Lost = false
		if ok, err := a.reg.resume(t); ok || err != nil {
			return a.save(t, version, err)
		}
	}
	st.Replay = nil
	err = a.reg.dispatch(t)
	st.LastUpdate = in.UpdateID
	return a.save(t, version, err)
}

// decodeState reads the chat's stored state (loaded with err); an
// absent, unreadable or older one is replaced by a fresh state, version 0
// when there was none.
func (a *App) decodeState(in Input, raw []byte, version int64, err error) (kit.State, int64) {
	if err != nil {
		return kit.State{}, 0
	}
	if st, ok := a.states.take(in.ChatID, in.UserID, raw); ok {
		return st, version
	}
	st, err := kit.DecodeState(raw)
	if err != nil {
		// An unreadable or older state is replaced; the user starts over.
		a.env.Log.Warn("discard state", "chat_id", in.ChatID, "err", err)
		return kit.State{}, version
	}
	return st, version
}

// again answers an update Telegram delivered again, one we applied
// already (we crashed before confirming it): nothing is applied; if it
// was the last one, its answer may never have gone out, so it is
// rendered again from the state.
func (a *App) again(t *kit.Turn, stranger bool) error {
	switch {
	case t.In.UpdateID != t.St.LastUpdate:
		return nil
	case stranger:
		_, err := a.access.JoinAgain(t)
		return err
	}
	return a.reg.answerAgain(t)
}

// stranger handles an update of a person without a users row: an
// invitation code, or their join form in progress (access.Join), and
// nothing else. Anything else is refused and leaves no state behind.
func (a *App) stranger(t *kit.Turn, version int64) (Response, error) {
	if t.St.Lost {
		// The last question never reached them: ask it again rather than
		// take this input as its answer.
		t.St.Lost = false
		if ok, err := a.access.JoinAgain(t); ok || err != nil {
			return a.save(t, version, err)
		}
	}
	handled, err := a.access.Join(t)
	if err == nil && !handled {
		return a.refusal(t.In), nil
	}
	t.St.LastUpdate = t.In.UpdateID
	return a.save(t, version, err)
}

// save stores the turn's state with compare-and-set after dispatch ended
// with err, and returns its response.
func (a *App) save(t *kit.Turn, version int64, err error) (Response, error) {
	if err != nil {
		return Response{}, err
	}
	in, st := t.In, t.St
	data, err := st.Encode()
	if err != nil {
		return Response{}, err
	}
	if _, err := a.state.Save(t.Ctx, in.ChatID, in.UserID, data, version, a.ttl); err != nil {
		return Response{}, fmt.Errorf("save state of chat %d: %w", in.ChatID, err)
	}
	a.states.put(in.ChatID, in.UserID, data, st.Stored())
	return t.Resp, nil
}

// Undelivered records that the answer to in never reached the user (bot/
// gave up sending it): the chat's next update shows the current step again
// instead of being applied.
func (a *App) Undelivered(ctx context.Context, in Input) {
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		raw, version, err := a.state.Load(ctx, in.ChatID, in.UserID)
		if err != nil {
			return // no state: nothing to show again
		}
		st, err := kit.DecodeState(raw)
		if err != nil || st.LastUpdate != in.UpdateID {
			return
		}
		st.Lost = true
		data, err := st.Encode()
		if err != nil {
			return
		}
		_, err = a.state.Save(ctx, in.ChatID, in.UserID, data, version, a.ttl)
		if !errors.Is(err, models.ErrStale) {
			if err != nil {
				a.env.Log.Warn("record undelivered answer", "update_id", in.UpdateID, "chat_id", in.ChatID, "err", err)
			}
			return
		}
	}
}

// Apology is the short, kind answer to an unexpected failure; it carries no
// detail. bot/ also sends it when a handler panics.
func (a *App) Apology(in Input) Response {
	t := a.env.Cat.Lang(kit.LangFor(in.LangCode))
	r := Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T("apology")}}}
	if in.Callback != "" {
		r.CallbackText = t.T("apology_short")
	}
	return r
}

func (a *App) refusal(in Input) Response {
	t := a.env.Cat.Lang(kit.LangFor(in.LangCode))
	r := Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T("refusal", "ID", in.UserID)}}}
	if in.Callback != "" {
		r.CallbackText = t.T("refusal_short")
	}
	return r
}

func (a *App) groupRefusal(in Input) Response {
	t := a.env.Cat.Lang(kit.LangFor(in.LangCode))
	if in.Callback != "" {
		return Response{ChatID: in.ChatID, CallbackText: t.T("private_only")}
	}
	return Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T("private_only")}}}
}

// Tr is the catalogue's translator of lang, for the command line's files.
func (a *App) Tr(lang string) kit.Tr { return a.env.Cat.Lang(lang) }

// Env is what every turn shares, for the command line's files.
func (a *App) Env() *kit.Env { return a.env }

// Commands lists the "/" menu per language code for setMyCommands; ""
// is Telegram's default (Chinese).
func (a *App) Commands() map[string][]Command {
	out := map[string][]Command{}
	for _, lang := range []string{LangZH, LangEN} {
		t := a.env.Cat.Lang(lang)
		var cmds []Command
		for _, name := range a.reg.menu {
			cmds = append(cmds, Command{Name: name, Description: t.T("cmd_" + name)})
		}
		out[lang] = cmds
	}
	out[""] = out[LangZH]
	return out
}

// RenderDelivery renders a delivery the scheduler recorded: the chat to
// send it to (the recipient's private chat) and the message, in the
// recipient's language and limited to what the recipient may see. A
// recipient who is no longer an active user gives an error wrapping
// models.ErrNotFound.
func (a *App) RenderDelivery(ctx context.Context, d models.Delivery) (int64, Message, error) {
	user, err := a.findUser(ctx, d.Recipient)
	if err != nil {
		return 0, Message{}, fmt.Errorf("recipient of delivery %d: %w", d.ID, err)
	}
	m, err := a.remind.Render(ctx, a.env, user, d)
	if err != nil {
		return 0, Message{}, fmt.Errorf("render delivery %d: %w", d.ID, err)
	}
	m.Protect = true
	return d.Recipient, m, nil
}
