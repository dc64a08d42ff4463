package handlers

// Reminders and digests (issue 4): rendering the deliveries the scheduler
// records, the reminder buttons, /due, /digest, /settings and /holidays.
// What is due is decided in models; the wording lives here.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/models"
)

// remindStore is what reminders, digests and their commands need of the
// database; *models.Store implements it.
type remindStore interface {
	DueItems(ctx context.Context, r models.CalendarRules, today time.Time) ([]models.DueItem, error)
	Digest(ctx context.Context, v models.Viewer, r models.CalendarRules, today, since time.Time) (models.DigestData, error)
	MemberNames(ctx context.Context, v models.Viewer, ids []uint64) (map[uint64]models.MemberMatch, error)
	Snooze(ctx context.Context, v models.Viewer, itemKey string, until time.Time) error
	MarkFollowUp(ctx context.Context, v models.Viewer, visitID uint64, feedback, branch bool) error
	SetDigestFrequency(ctx context.Context, telegramID int64, freq string) error
	IsWorkday(ctx context.Context, day time.Time) (workday, known bool, err error)
	SetHolidayYear(ctx context.Context, actor models.Viewer, year int, offDays, workDays []time.Time) error
}

// reminders returns the store's reminder methods.
func (a *App) reminders() (remindStore, error) { return a.store, nil }

// rules are the calendar rules the App computes due items with.
func (a *App) rules() models.CalendarRules { return a.calRules }

// today is the current date in the office's time zone, as UTC midnight.
func (a *App) today() time.Time {
	n := a.now().In(a.loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// Reminder and digest limits.
const (
	maxTextLen      = 4096 // Telegram's limit on a message text
	maxReminderList = 15   // items listed in a scheduled reminder
	maxDueList      = 40   // items listed by /due
	maxItemButtons  = 8    // items of a list that get buttons
	dueSoonDays     = 14   // a reminder lists the items due within this many days
	snoozeDays      = 3
	digestDays      = 7 // /digest reports the visits of the last week
)

// view renders reminders and digests for one recipient: their language,
// their scope, today, and a cache of user names.
type view struct {
	a      *App
	ctx    context.Context
	db     remindStore
	t      tr
	viewer models.Viewer
	today  time.Time
	users  map[int64]string
}

func (a *App) newView(ctx context.Context, user models.User, t tr) (*view, error) {
	db, err := a.reminders()
	if err != nil {
		return nil, err
	}
	return &view{a: a, ctx: ctx, db: db, t: t, today: a.today(), users: map[int64]string{},
		viewer: models.Viewer{TelegramID: user.TelegramID, Role: user.Role, UnitID: user.UnitID}}, nil
}

// view is the renderer of the session's user.
func (s *session) view() (*view, error) { return s.a.newView(s.ctx, s.user, s.t) }

// RenderDelivery renders a delivery the scheduler recorded: the chat to
// send it to (the recipient's private chat) and the message, in the
// recipient's language and limited to what the recipient may see. A
// recipient who is no longer an active user gives an error wrapping
// models.ErrNotFound; a payload that cannot be read gives errBadPayload.
func (a *App) RenderDelivery(ctx context.Context, d models.Delivery) (int64, Message, error) {
	user, err := a.findUser(ctx, d.Recipient)
	if err != nil {
		return 0, Message{}, fmt.Errorf("recipient of delivery %d: %w", d.ID, err)
	}
	v, err := a.newView(ctx, user, a.cat.lang(user.Lang))
	if err != nil {
		return 0, Message{}, err
	}
	var m Message
	switch d.Kind {
	case models.DeliveryReminder:
		m, err = v.reminderDelivery(d.Payload)
	case models.DeliveryDigest:
		m, err = v.digestDelivery(d.Payload)
	case models.DeliveryAdminDigest:
		m, err = v.adminDelivery(d.Payload, d.Period)
	default:
		err = fmt.Errorf("kind %q: %w", d.Kind, errBadPayload)
	}
	if err != nil {
		return 0, Message{}, fmt.Errorf("render delivery %d: %w", d.ID, err)
	}
	m.Protect = true
	return d.Recipient, m, nil
}

// userName is a user's name for a digest, or their id when they have no
// active row.
func (v *view) userName(id int64) string {
	if n, ok := v.users[id]; ok {
		return n
	}
	n := v.t.T("rm_unknown_user", "ID", id)
	if u, err := v.a.store.FindUser(v.ctx, id); err == nil && u.Name != "" {
		n = esc(u.Name)
	}
	v.users[id] = n
	return n
}

// names looks up the members v may see among ids; the others are absent.
func (v *view) names(ids []uint64) (map[uint64]models.MemberMatch, error) {
	if len(ids) == 0 {
		return map[uint64]models.MemberMatch{}, nil
	}
	names, err := v.db.MemberNames(v.ctx, v.viewer, ids)
	if errors.Is(err, models.ErrNotFound) {
		return map[uint64]models.MemberMatch{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("member names: %w", err)
	}
	return names, nil
}
