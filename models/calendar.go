package models

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The visit calendar (DOMAIN.md, "The calendar the bot keeps"): pure rules
// from a member's record to the visits owed on a day. Every date is a
// calendar date, a UTC midnight.

// expiryHorizonDays bounds how long an after-expiry item stays overdue
// when no visit comes and the roster never records the lifting: a period
// that ended over a year before is a gap in the records, not a visit owed.
const expiryHorizonDays = 365

// DefaultCalendarRules returns the calendar of the issue: annual visits by
// 30 June, expiry windows of 30 days on each side of a period end, key
// targets every 90 days, follow-ups within 7 days, and fixed-date items
// opening 14 days before they are due.
func DefaultCalendarRules() CalendarRules {
	return CalendarRules{
		AnnualDeadlineMonth: time.June,
		AnnualDeadlineDay:   30,
		BeforeDays:          30,
		AfterDays:           30,
		KeyEveryDays:        90,
		FollowUpDays:        7,
		LeadDays:            14,
	}
}

// Validate checks that the rules make sense: a real deadline (month 1-12,
// day 1-31; a day past the month's end means its last day), windows and
// lead of 0-366 days, and intervals of 1-366 days. Errors wrap ErrInvalid.
func (r CalendarRules) Validate() error {
	days := func(name string, v, lo int) error {
		if v < lo || v > 366 {
			return fmt.Errorf("calendar rules: %s: %w", name, ErrInvalid)
		}
		return nil
	}
	if r.AnnualDeadlineMonth < time.January || r.AnnualDeadlineMonth > time.December {
		return fmt.Errorf("calendar rules: AnnualDeadlineMonth: %w", ErrInvalid)
	}
	return errors.Join(days("AnnualDeadlineDay", r.AnnualDeadlineDay, 1), days("BeforeDays", r.BeforeDays, 0),
		days("AfterDays", r.AfterDays, 0), days("KeyEveryDays", r.KeyEveryDays, 1),
		days("FollowUpDays", r.FollowUpDays, 0), days("LeadDays", r.LeadDays, 0))
}

// orDefaults returns the default rules for the zero CalendarRules.
func (r CalendarRules) orDefaults() CalendarRules {
	if r == (CalendarRules{}) {
		return DefaultCalendarRules()
	}
	return r
}

// annualDeadline returns the deadline of the annual visits of year y,
// clamped to the month's last day.
func (r CalendarRules) annualDeadline(y int) time.Time {
	last := time.Date(y, r.AnnualDeadlineMonth+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, r.AnnualDeadlineMonth, min(r.AnnualDeadlineDay, last), 0, 0, 0, 0, time.UTC)
}

// Key is the item's stable identity, for snoozing and for delivery payloads:
// "<reason>:<member>:<sanction>:<visit>:<due 2006-01-02>", e.g.
// "before_expiry:1234:5678:0:2027-03-01" (at most 48 bytes for ids of up
// to 7 digits).
func (d DueItem) Key() string {
	b := make([]byte, 0, 48)
	b = append(b, d.Reason...)
	for _, id := range []uint64{d.MemberID, d.SanctionID, d.VisitID} {
		b = append(b, ':')
		b = strconv.AppendUint(b, id, 10)
	}
	b = append(b, ':')
	return string(d.Due.AppendFormat(b, time.DateOnly))
}

// ParseDueKey parses a Key back into an item with Reason, MemberID,
// SanctionID, VisitID and Due set. A malformed key is ErrInvalid.
func ParseDueKey(key string) (DueItem, error) {
	parts := strings.Split(key, ":")
	if len(parts) != 5 || len(key) > 64 || !validReason(DueReason(parts[0])) {
		return DueItem{}, fmt.Errorf("due item key: %w", ErrInvalid)
	}
	var ids [3]uint64
	for i := range ids {
		id, err := strconv.ParseUint(parts[i+1], 10, 64)
		if err != nil || strconv.FormatUint(id, 10) != parts[i+1] {
			return DueItem{}, fmt.Errorf("due item key: id: %w", ErrInvalid)
		}
		ids[i] = id
	}
	due, err := time.Parse(time.DateOnly, parts[4])
	if err != nil || ids[0] == 0 {
		return DueItem{}, fmt.Errorf("due item key: %w", ErrInvalid)
	}
	return DueItem{Reason: DueReason(parts[0]), MemberID: ids[0], SanctionID: ids[1], VisitID: ids[2], Due: due}, nil
}

// reasonRank ranks the reasons for sorting items due the same day; an
// unknown reason ranks -1.
func reasonRank(r DueReason) int {
	switch r {
	case DueAfterExpiry:
		return 0
	case DueBeforeExpiry:
		return 1
	case DueKey:
		return 2
	case DueAnnual:
		return 3
	case DueInteractive:
		return 4
	case DueFollowUp:
		return 5
	}
	return -1
}

func validReason(r DueReason) bool { return reasonRank(r) >= 0 }

// CompareDue orders items most urgent first: by due date, then reason,
// member, sanction and visit. It is DueFor's order.
func CompareDue(a, b DueItem) int {
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(reasonRank(a.Reason), reasonRank(b.Reason)),
		cmp.Compare(a.MemberID, b.MemberID), cmp.Compare(a.SanctionID, b.SanctionID), cmp.Compare(a.VisitID, b.VisitID))
}

// DueFor lists the open items of one member on today, most urgent first:
// every item whose window has opened (From <= today) and that no visit
// satisfies. Only visits dated today or earlier count. The zero
// CalendarRules means DefaultCalendarRules. Pure.
//
//   - annual: a mandatory or key target with a sanction decided in year Y
//     (one item per year, about the latest such sanction) owes a visit
//     from 1 January of Y+1 to the annual deadline; overdue until a visit
//     that year, dropped when the year ends.
//   - interactive: an assigned member with an interval of N months owes a
//     visit N months after the last visit (none: after the assignment, or
//     the member's last update when that is unknown).
//   - before_expiry / after_expiry: a sanction with a period, not lifted,
//     owes a visit in [end-BeforeDays, end] and one in (end, end+AfterDays].
//     A missed before-expiry visit stays overdue until the after window
//     closes; a missed after-expiry visit for a year at most.
//   - key: a key target with a sanction not lifted owes a visit
//     KeyEveryDays after the last (none: after the earliest such decision).
//   - follow_up: a visit whose feedback to the unit or branch notice is
//     open owes it FollowUpDays after the visit, until marked done.
//
// Items other than follow-ups are satisfied by any visit of the member on
// or after their From; interactive and key items open LeadDays before
// they are due.
func DueFor(r CalendarRules, m MemberCalendar, today time.Time) []DueItem {
	out := dueFor(r.orDefaults(), &m, DateOf(today), nil)
	slices.SortFunc(out, CompareDue)
	return out
}

// AppendDue is DueFor without the sorting, for a pass over many members:
// it appends m's open items on today to out and returns the extended
// slice. m is read, not kept.
func AppendDue(r CalendarRules, m *MemberCalendar, today time.Time, out []DueItem) []DueItem {
	return dueFor(r.orDefaults(), m, DateOf(today), out)
}

// dueFor appends m's open items on today (a date) to out, unsorted.
func dueFor(r CalendarRules, m *MemberCalendar, today time.Time, out []DueItem) []DueItem {
	c := memberDay{r: r, m: m, today: today, visits: pastVisits(m.Visits, today), out: out}
	c.annual()
	c.interactive()
	c.expiry()
	c.key()
	c.followUps()
	return c.out
}

// pastVisits returns the visits dated on or before today, by date.
func pastVisits(vs []VisitMark, today time.Time) []VisitMark {
	byDate := func(a, b VisitMark) int { return DateOf(a.Date).Compare(DateOf(b.Date)) }
	if !slices.IsSortedFunc(vs, byDate) {
		vs = slices.Clone(vs)
		slices.SortStableFunc(vs, byDate)
	}
	n, _ := slices.BinarySearchFunc(vs, today.AddDate(0, 0, 1), func(v VisitMark, t time.Time) int {
		return DateOf(v.Date).Compare(t)
	})
	return vs[:n]
}

// memberDay evaluates the rules for one member on one day.
type memberDay struct {
	r      CalendarRules
	m      *MemberCalendar
	today  time.Time
	visits []VisitMark // dated on or before today, by date
	out    []DueItem
}

func (c *memberDay) add(reason DueReason, sanctionID, visitID uint64, from, due time.Time) {
	c.out = append(c.out, DueItem{MemberID: c.m.Member.ID, SanctionID: sanctionID, VisitID: visitID,
		Reason: reason, From: from, Due: due, UnitID: c.m.Member.UnitID})
}

// lastVisit returns the date of the latest visit up to today.
func (c *memberDay) lastVisit() (time.Time, bool) {
	if len(c.visits) == 0 {
		return time.Time{}, false
	}
	return DateOf(c.visits[len(c.visits)-1].Date), true
}

// window adds the item of window [from, due] unless it has not opened,
// was dropped (today after drop) or a visit on or after from satisfied it.
func (c *memberDay) window(reason DueReason, sanctionID uint64, from, due, drop time.Time) {
	if from.After(c.today) || c.today.After(drop) {
		return
	}
	if last, ok := c.lastVisit(); ok && !last.Before(from) {
		return
	}
	c.add(reason, sanctionID, 0, from, due)
}

// fixed adds an item due on due, open from LeadDays before; its base is
// the last visit, so no visit can satisfy it yet.
func (c *memberDay) fixed(reason DueReason, due time.Time) {
	if from := due.AddDate(0, 0, -c.r.LeadDays); !from.After(c.today) {
		c.add(reason, 0, 0, from, due)
	}
}

// liftedBy reports whether s was lifted on or before today.
func liftedBy(s Sanction, today time.Time) bool {
	return s.LiftedOn != nil && !DateOf(*s.LiftedOn).After(today)
}

func (c *memberDay) annual() {
	m := c.m.Member
	if !m.Mandatory() && !m.Key {
		return
	}
	for i, s := range c.m.Sanctions {
		if laterInYear(c.m.Sanctions, i) {
			continue
		}
		y := s.DecisionDate.Year() + 1
		from := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
		c.window(DueAnnual, s.ID, from, c.r.annualDeadline(y), time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC))
	}
}

// laterInYear reports whether another sanction of ss was decided in the
// same year as ss[i] but after it (on the same day: with a greater id).
func laterInYear(ss []Sanction, i int) bool {
	a := ss[i]
	for j, b := range ss {
		if j == i || b.DecisionDate.Year() != a.DecisionDate.Year() {
			continue
		}
		if d := DateOf(b.DecisionDate).Compare(DateOf(a.DecisionDate)); d > 0 || (d == 0 && b.ID > a.ID) {
			return true
		}
	}
	return false
}

func (c *memberDay) interactive() {
	m := c.m.Member
	if m.AssigneeID == nil || m.IntervalMonths <= 0 {
		return
	}
	base, ok := c.lastVisit()
	if !ok {
		base = c.m.Assigned
		if base.IsZero() {
			base = m.UpdatedAt
		}
		if base.IsZero() {
			return
		}
		base = DateOf(base)
	}
	c.fixed(DueInteractive, AddMonths(base, m.IntervalMonths))
}

func (c *memberDay) expiry() {
	for _, s := range c.m.Sanctions {
		if liftedBy(s, c.today) {
			continue
		}
		end := s.PeriodEnd
		if end == nil {
			end = PeriodEnd(s.Kind, s.EffectiveDate, s.ProbationMonths)
		}
		if end == nil {
			continue
		}
		e := DateOf(*end)
		afterDue := e.AddDate(0, 0, c.r.AfterDays)
		c.window(DueBeforeExpiry, s.ID, e.AddDate(0, 0, -c.r.BeforeDays), e, afterDue)
		if c.r.AfterDays > 0 {
			c.window(DueAfterExpiry, s.ID, e.AddDate(0, 0, 1), afterDue, afterDue.AddDate(0, 0, expiryHorizonDays))
		}
	}
}

func (c *memberDay) key() {
	if !c.m.Member.Key {
		return
	}
	var earliest time.Time
	for _, s := range c.m.Sanctions {
		d := DateOf(s.DecisionDate)
		if !liftedBy(s, c.today) && !d.After(c.today) && (earliest.IsZero() || d.Before(earliest)) {
			earliest = d
		}
	}
	if earliest.IsZero() {
		return
	}
	base, ok := c.lastVisit()
	if !ok {
		base = earliest
	}
	c.fixed(DueKey, base.AddDate(0, 0, c.r.KeyEveryDays))
}

func (c *memberDay) followUps() {
	for _, v := range c.visits {
		if v.FeedbackUnit && v.BranchInformed {
			continue
		}
		from := DateOf(v.Date)
		c.add(DueFollowUp, 0, v.ID, from, from.AddDate(0, 0, c.r.FollowUpDays))
	}
}
