package models

import "time"

// NextReason says why a visit is due on the date SuggestNextVisit returns.
type NextReason string

// Reasons for the next visit.
const (
	NextKey          NextReason = "key"           // key target: every 90 days
	NextBeforeExpiry NextReason = "before_expiry" // 30 days before a period ends
	NextAfterExpiry  NextReason = "after_expiry"  // the day after a period ends
	NextRoutine      NextReason = "routine"       // every 6 months
	NextPlanned      NextReason = "planned"       // the last visit's planned next date
)

// Intervals of the visit calendar.
const (
	keyInterval     = 90 // days between visits to a key target
	expiryLead      = 30 // days before a period end when a visit is due
	routineInterval = 6  // months between routine visits
)

// DateOf returns t's calendar date (in t's own location) as UTC midnight,
// the form in which every DATE column is stored and returned.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddMonths adds n calendar months to t, clamping the day to the end of the
// target month: Jan 31 plus one month is Feb 28 (Feb 29 in a leap year).
// Time of day and location are kept.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	hh, mm, ss := t.Clock()
	return time.Date(first.Year(), first.Month(), d, hh, mm, ss, t.Nanosecond(), t.Location())
}

// ValidKind reports whether kind is one of the sanction kinds.
func ValidKind(kind SanctionKind) bool {
	switch kind {
	case PartyWarning, PartySeriousWarning, PartyPostRemoval, PartyProbation,
		PartyExpulsion, GovWarning, GovDemerit, GovMajorDemerit, GovDemotion,
		GovDismissal, GovExpulsion:
		return true
	}
	return false
}

// PeriodMonths returns the length of a sanction's period in months. For
// PartyProbation it is probationMonths, which must be 12 or 24 (a one-year
// probation extended once). ok is false for GovExpulsion, which has no
// period, for an unknown kind and for a probation of any other length.
func PeriodMonths(kind SanctionKind, probationMonths int) (months int, ok bool) {
	switch kind {
	case PartyWarning, GovDemerit:
		return 12, true
	case PartySeriousWarning, GovMajorDemerit:
		return 18, true
	case PartyPostRemoval, GovDemotion, GovDismissal:
		return 24, true
	case PartyExpulsion:
		return 60, true
	case GovWarning:
		return 6, true
	case PartyProbation:
		if probationMonths == 12 || probationMonths == 24 {
			return probationMonths, true
		}
	}
	return 0, false
}

// PeriodEnd returns the date a sanction's period ends: the period runs from
// the effective date, so a 12-month period effective 2025-03-10 ends on
// 2026-03-10. It returns nil when the sanction has no period.
func PeriodEnd(kind SanctionKind, effective time.Time, probationMonths int) *time.Time {
	months, ok := PeriodMonths(kind, probationMonths)
	if !ok {
		return nil
	}
	end := AddMonths(DateOf(effective), months)
	return &end
}

// Mandatory reports whether the member must be visited: section-level
// leading cadres and civil servants are mandatory targets (必访对象).
func (m Member) Mandatory() bool {
	return m.Rank == RankSectionCadre || m.Rank == RankCivilServant
}

// SuggestNextVisit returns the next date a visit to m is due after the date
// of after, and why. Candidates are: after+90 days for a key target; for
// each sanction with a period that is not lifted, 30 days before its end if
// that is still ahead, else the day after its end if the end has not
// passed; and after+6 months, always. The earliest wins; on a tie the first
// in that order. Everything is compared by calendar day (after's own), and
// the result, a UTC midnight, is always a later day than after.
func SuggestNextVisit(m Member, sanctions []Sanction, after time.Time) (time.Time, NextReason) {
	from := DateOf(after)
	best, reason := AddMonths(from, routineInterval), NextRoutine
	consider := func(t time.Time, r NextReason) {
		if t.Before(best) || (t.Equal(best) && r != NextRoutine && reason == NextRoutine) {
			best, reason = t, r
		}
	}
	if m.Key {
		consider(from.AddDate(0, 0, keyInterval), NextKey)
	}
	for _, s := range sanctions {
		if s.LiftedOn != nil {
			continue
		}
		end := PeriodEnd(s.Kind, s.EffectiveDate, s.ProbationMonths)
		if end == nil {
			continue
		}
		switch lead := end.AddDate(0, 0, -expiryLead); {
		case from.Before(lead):
			consider(lead, NextBeforeExpiry)
		case !from.After(*end):
			consider(end.AddDate(0, 0, 1), NextAfterExpiry)
		}
	}
	return best, reason
}
