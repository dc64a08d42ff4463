package models

import "time"

// The rules of the calendar item by item (DueFor's list), for one member
// on one day.

// never is a drop date no calendar reaches: the item stays until satisfied.
var never = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// memberDay evaluates the rules for one member on one day.
type memberDay struct {
	r        CalendarRules
	m        *MemberCalendar
	today    time.Time
	upcoming bool        // also items not yet open
	visits   []VisitMark // dated on or before today, by date
	out      []DueItem
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

// window adds the item of window [from, due] unless it has not opened
// (and upcoming items are not asked for), was dropped (today after drop)
// or a visit on or after from satisfied it.
func (c *memberDay) window(reason DueReason, sanctionID uint64, from, due, drop time.Time) {
	if (!c.upcoming && from.After(c.today)) || c.today.After(drop) {
		return
	}
	if last, ok := c.lastVisit(); ok && !last.Before(from) {
		return
	}
	c.add(reason, sanctionID, 0, from, due)
}

// fixed adds an item due on due, open from LeadDays before; its base is
// the last visit, so no visit can satisfy it yet.
func (c *memberDay) fixed(reason DueReason, visitID uint64, due time.Time) {
	if from := due.AddDate(0, 0, -c.r.LeadDays); c.upcoming || !from.After(c.today) {
		c.add(reason, 0, visitID, from, due)
	}
}

func (c *memberDay) annual() {
	key := c.m.Member.Key
	for i, s := range c.m.Sanctions {
		if laterInYear(c.m.Sanctions, i) || !(key || mandatoryInYear(c.m.Sanctions, s.DecisionDate.Year())) {
			continue
		}
		y := s.DecisionDate.Year() + 1
		from := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
		c.window(DueAnnual, s.ID, from, c.r.annualDeadline(y), time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC))
	}
}

// mandatoryInYear reports whether a sanction decided in year y was
// recorded with a mandatory category.
func mandatoryInYear(ss []Sanction, y int) bool {
	for _, s := range ss {
		if s.DecisionDate.Year() == y && MandatoryCategory(s.Category) {
			return true
		}
	}
	return false
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
	c.fixed(DueInteractive, 0, AddMonths(base, m.IntervalMonths))
}

func (c *memberDay) expiry() {
	for _, s := range c.m.Sanctions {
		if !ExpiryVisits(s.Kind) || (s.LiftedOn != nil && !DateOf(*s.LiftedOn).After(c.today)) {
			continue
		}
		end := s.End()
		if end == nil {
			continue
		}
		e := *end
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
		if !s.Settled(c.today) && !d.After(c.today) && (earliest.IsZero() || d.Before(earliest)) {
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
	c.fixed(DueKey, 0, base.AddDate(0, 0, c.r.KeyEveryDays))
}

func (c *memberDay) enforcement() {
	for _, s := range c.m.Sanctions {
		if !EnforcementChecked(s.Kind) || s.Enforced {
			continue
		}
		eff := DateOf(s.EffectiveDate)
		c.window(DueEnforcement, s.ID, eff, AddMonths(eff, 1), never)
	}
}

// agreed adds the next visit agreed at the last visit; a later visit
// replaces the agreement with its own.
func (c *memberDay) agreed() {
	if len(c.visits) == 0 {
		return
	}
	if v := c.visits[len(c.visits)-1]; v.Next != nil {
		c.fixed(DueAgreed, v.ID, DateOf(*v.Next))
	}
}

// afterVisits adds the open tasks of past visits.
func (c *memberDay) afterVisits() {
	for _, v := range c.visits {
		from := DateOf(v.Date)
		if !v.FeedbackUnit || !v.BranchInformed {
			c.add(DueFollowUp, 0, v.ID, from, from.AddDate(0, 0, c.r.FollowUpDays))
			c.out[len(c.out)-1].Owed = &FollowUpOwed{Unit: !v.FeedbackUnit, Branch: !v.BranchInformed}
		}
		if v.OpenProblem {
			c.add(DueRectify, 0, v.ID, from, AddMonths(from, openTaskMonths))
		}
		if v.OpenRequest {
			c.add(DueRequest, 0, v.ID, from, AddMonths(from, openTaskMonths))
		}
	}
}
