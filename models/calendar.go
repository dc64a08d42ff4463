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

// openTaskMonths is when a rectification or a request found at a visit is
// due: the month the personnel department has to carry out a decision.
const openTaskMonths = 1

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
	case DueEnforcement:
		return 2
	case DueKey:
		return 3
	case DueAnnual:
		return 4
	case DueInteractive:
		return 5
	case DueAgreed:
		return 6
	case DueFollowUp:
		return 7
	case DueRectify:
		return 8
	case DueRequest:
		return 9
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
//   - annual: a member sanctioned in year Y who is a mandatory target by
//     the category recorded with a sanction of Y, or a key target, owes a
//     visit from 1 January of Y+1 to the annual deadline (one item per
//     year, about the latest sanction of Y); overdue until a visit that
//     year, dropped when the year ends.
//   - interactive: an assigned member with an interval of N months owes a
//     visit N months after the last visit (none: after the assignment, or
//     the member's last update when that is unknown).
//   - before_expiry / after_expiry: a probation or a governmental sanction
//     with a period (ExpiryVisits), its end not yet recorded, owes a visit
//     in [end-BeforeDays, end] and one in (end, end+AfterDays]. A missed
//     before-expiry visit stays overdue until the after window closes; a
//     missed after-expiry visit for a year at most.
//   - key: a key target with a sanction in effect (not Settled) owes a
//     visit KeyEveryDays after the last (none: after the earliest such
//     decision).
//   - enforcement: a 降级 or heavier sanction not found enforced owes a
//     visit from the day it takes effect, due a month later, until a visit
//     on or after that day records the check.
//   - agreed: the next visit date agreed at the last visit.
//   - follow_up: a visit whose feedback to the unit or branch notice is
//     open owes it FollowUpDays after the visit, until marked done.
//   - rectify / request: a visit that found an enforcement problem, or
//     passed requests to the departments, owes their correction, or their
//     being met, a month after the visit, until marked so.
//
// Visit items are satisfied by any visit of the member on or after their
// From; interactive, key and agreed items open LeadDays before they are
// due.
func DueFor(r CalendarRules, m MemberCalendar, today time.Time) []DueItem {
	out := dueFor(r.orDefaults(), &m, DateOf(today), false, nil)
	slices.SortFunc(out, CompareDue)
	return out
}

// Upcoming lists every item of one member on today, open or not yet open
// (From after today), most urgent first: DueFor plus what will open
// later if no visit comes first. Pure.
func Upcoming(r CalendarRules, m MemberCalendar, today time.Time) []DueItem {
	out := dueFor(r.orDefaults(), &m, DateOf(today), true, nil)
	slices.SortFunc(out, CompareDue)
	return out
}

// NextVisit is the next visit owed by one member on today: the first
// visit item of Upcoming, overdue or not. ok is false when the calendar
// owes no visit. /status, /due, the digests and the visit form's
// suggestion all come from it.
func NextVisit(r CalendarRules, m MemberCalendar, today time.Time) (DueItem, bool) {
	for _, it := range Upcoming(r, m, today) {
		if it.Reason.Visit() {
			return it, true
		}
	}
	return DueItem{}, false
}

// SuggestNext is the next visit owed after a visit of the member on day:
// NextVisit on day, the visit counted (and no date agreed at it yet).
// Visits after day are left out. ok is false when none is owed.
func SuggestNext(r CalendarRules, m MemberCalendar, day time.Time) (DueItem, bool) {
	day = DateOf(day)
	m.Visits = append(slices.Clip(pastVisits(m.Visits, day)), VisitMark{Date: day, FeedbackUnit: true, BranchInformed: true})
	return NextVisit(r, m, day)
}

// AppendDue is DueFor without the sorting, for a pass over many members:
// it appends m's open items on today to out and returns the extended
// slice. m is read, not kept.
func AppendDue(r CalendarRules, m *MemberCalendar, today time.Time, out []DueItem) []DueItem {
	return dueFor(r.orDefaults(), m, DateOf(today), false, out)
}

// dueFor appends m's items on today (a date) to out, unsorted: the open
// ones, and with upcoming also those not yet open.
func dueFor(r CalendarRules, m *MemberCalendar, today time.Time, upcoming bool, out []DueItem) []DueItem {
	c := memberDay{r: r, m: m, today: today, upcoming: upcoming, visits: pastVisits(m.Visits, today), out: out}
	c.annual()
	c.interactive()
	c.expiry()
	c.key()
	c.enforcement()
	c.agreed()
	c.afterVisits()
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
