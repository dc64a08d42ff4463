// Package remind is reminders and digests: rendering the deliveries the
// scheduler records (reminder, supervisor digest, admin digest), the
// persistent reminder and settings buttons ("r1:…"), /due, /digest,
// /settings and /holidays. What is due is decided in models; the wording
// lives here.
package remind

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what reminders, digests and their commands need of the
// database (models/sqlstore implements it). Every method taking a viewer
// scopes by it.
type Store interface {
	DueItems(ctx context.Context, r models.CalendarRules, today time.Time) ([]models.DueItem, error)
	Digest(ctx context.Context, v models.Viewer, r models.CalendarRules, today, since time.Time) (models.DigestData, error)
	DueInScope(ctx context.Context, v models.Viewer, r models.CalendarRules, today time.Time) ([]models.DueItem, error)
	MemberNames(ctx context.Context, v models.Viewer, action string, ids []uint64) (map[uint64]models.MemberMatch, error)
	Snooze(ctx context.Context, v models.Viewer, itemKey string, until time.Time) error
	MarkFollowUp(ctx context.Context, v models.Viewer, visitID uint64, feedback, branch bool) error
	MarkRectified(ctx context.Context, v models.Viewer, visitID uint64, on time.Time, fen int64) error
	MarkRequestsMet(ctx context.Context, v models.Viewer, visitID uint64, on time.Time) error
	GetVisit(ctx context.Context, v models.Viewer, id uint64) (models.Visit, []uint64, error)
	SetDigestFrequency(ctx context.Context, telegramID int64, freq string) error
	IsWorkday(ctx context.Context, day time.Time) (workday, known bool, err error)
	SetHolidayYear(ctx context.Context, actor models.Viewer, year int, offDays, workDays []time.Time) error
}

// NS is the callback namespace of the feature's few conversation buttons
// (its reminder and settings buttons are persistent, see Prefix).
const NS = "rm"

// actResume is the conversation button that goes back to the open visit
// draft when a reminder asked to log another member.
const actResume = "dr"

// Reminder and digest limits.
const (
	maxReminderList = 15 // items listed in a scheduled reminder
	maxDueList      = 40 // items listed by /due
	maxItemButtons  = 8  // items of a list that get buttons
	dueSoonDays     = 14 // a reminder lists the items due within this many days
	snoozeDays      = 3
	digestDays      = 7 // /digest reports the visits of the last week
)

// Remind is the reminders feature.
type Remind struct {
	db      Store
	visits  *visit.Visits
	rectify *wizard.Form[*Draft]
	// draft is the visit feature as the dispatcher sees it: its Unfinished
	// and Resume answer the "resume the draft" button.
	draft kit.Feature
}

// New builds the feature over db; visits opens the visit form a reminder
// button asks for.
func New(db Store, visits *visit.Visits) *Remind {
	r := &Remind{db: db, visits: visits}
	r.rectify = r.rectifyForm()
	if visits != nil {
		r.draft = visits.Feature()
	}
	return r
}

// Feature is how the dispatcher sees the reminders feature. /due and
// /digest are read-only lists: they leave a draft as it is.
func (r *Remind) Feature() kit.Feature {
	return kit.Feature{
		Name: "remind",
		Cmds: []kit.Cmd{
			{Name: "due", Run: r.cmdDue, Keeps: true, Aside: true, Menu: true},
			{Name: "digest", Run: r.cmdDigest, Keeps: true, Aside: true, Menu: true},
			{Name: "settings", Run: r.cmdSettings, Menu: true},
			{Name: "holidays", Run: r.cmdHolidays},
		},
		NS: NS, Button: r.button,
		Flows: []string{Flow}, Text: r.text,
		Drop:   func(t *kit.Turn) { t.St.Drop(part) },
		Prefix: Prefix, Persistent: r.persistent,
		Locales: locales,
	}
}

// Render renders a delivery the scheduler recorded for user, in their
// language and limited to what they may see. A payload that cannot be
// read, or an unknown kind, gives an error wrapping ErrBadPayload.
func (r *Remind) Render(ctx context.Context, env *kit.Env, user models.User, d models.Delivery) (kit.Message, error) {
	v := r.newView(ctx, env, user, env.Cat.Lang(user.Lang))
	switch d.Kind {
	case models.DeliveryReminder:
		return v.reminderDelivery(d.Payload)
	case models.DeliveryDigest:
		return v.digestDelivery(d.Payload)
	case models.DeliveryAdminDigest:
		return v.adminDelivery(d.Payload, d.Period)
	}
	return kit.Message{}, fmt.Errorf("kind %q: %w", d.Kind, ErrBadPayload)
}

// view renders reminders and digests for one recipient: their language,
// their scope, today, and a cache of user names.
type view struct {
	ctx    context.Context
	db     Store
	users  kit.UserFinder
	t      kit.Tr
	viewer models.Viewer
	rules  models.CalendarRules
	today  time.Time
	names  map[int64]string
	known  map[uint64]models.MemberMatch // members looked up by visible
	// audit is the action under which the members shown are audited: the
	// command's own, or list_members for a delivery rendered.
	audit string
}

func (r *Remind) newView(ctx context.Context, env *kit.Env, user models.User, t kit.Tr) *view {
	return &view{ctx: ctx, db: r.db, users: env.Users, t: t, rules: env.Rules, today: env.Today(),
		viewer: models.Viewer{TelegramID: user.TelegramID, Role: user.Role, UnitID: user.UnitID},
		names:  map[int64]string{}, audit: models.AuditListMembers}
}

// turnView is the renderer of the turn's user for a command, whose
// members shown are audited under action.
func (r *Remind) turnView(t *kit.Turn, action string) *view {
	v := r.newView(t.Ctx, t.Env, t.User, t.T)
	v.audit = action
	return v
}

// userName is a user's name for a digest, or their id when they have no
// active row.
func (v *view) userName(id int64) string {
	if n, ok := v.names[id]; ok {
		return n
	}
	n := v.t.T("rm_unknown_user", "ID", id)
	if u, err := v.users.FindUser(v.ctx, id); err == nil && u.Name != "" {
		n = kit.Esc(u.Name)
	}
	v.names[id] = n
	return n
}

// members looks up the members v may see among ids; the others are absent.
func (v *view) members(ids []uint64) (map[uint64]models.MemberMatch, error) {
	if len(ids) == 0 {
		return map[uint64]models.MemberMatch{}, nil
	}
	if names, ok := v.cachedMembers(ids); ok {
		return names, nil
	}
	names, err := v.db.MemberNames(v.ctx, v.viewer, v.audit, ids)
	if errors.Is(err, models.ErrNotFound) {
		return map[uint64]models.MemberMatch{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("member names: %w", err)
	}
	return names, nil
}
