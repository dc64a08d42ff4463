package models

import (
	"slices"
	"time"
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
func ValidKind(kind SanctionKind) bool { return slices.Contains(SanctionKinds, kind) }

// PeriodMonths returns the length of a sanction's period in months as
// decided. For PartyProbation it is probationMonths, which must be 12 or
// 24. ok is false for the permanent kinds (PartyExpulsion, GovExpulsion),
// which have no period, for an unknown kind and for a probation of any
// other length.
func PeriodMonths(kind SanctionKind, probationMonths int) (months int, ok bool) {
	switch kind {
	case PartyWarning, GovDemerit:
		return 12, true
	case PartySeriousWarning, GovMajorDemerit:
		return 18, true
	case PartyPostRemoval, GovDemotion, GovDismissal:
		return 24, true
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
// 2026-03-10, its last day. It returns nil when the sanction has no period.
func PeriodEnd(kind SanctionKind, effective time.Time, probationMonths int) *time.Time {
	months, ok := PeriodMonths(kind, probationMonths)
	if !ok {
		return nil
	}
	end := AddMonths(DateOf(effective), months)
	return &end
}

// Ending says what happens when a sanction's period ends (DOMAIN.md).
type Ending int

// Endings of the sanction kinds.
const (
	EndsNever     Ending = iota // 开除党籍, 开除（公职）: permanent, no period
	EndsInfluence               // 警告, 严重警告, 撤销党内职务: the 影响期 ends; nothing is lifted or decided
	EndsRestore                 // 留党察看: the party organisation restores party rights, never before the end
	EndsLifted                  // 政务处分 other than 开除: lifted automatically at the end of the period
)

// EndingOf returns how a sanction of kind ends.
func EndingOf(kind SanctionKind) Ending {
	switch kind {
	case PartyWarning, PartySeriousWarning, PartyPostRemoval:
		return EndsInfluence
	case PartyProbation:
		return EndsRestore
	case GovWarning, GovDemerit, GovMajorDemerit, GovDemotion, GovDismissal:
		return EndsLifted
	}
	return EndsNever
}

// ExpiryVisits reports whether a sanction of kind gets the visits before
// and after its period ends (期满前后): 留党察看 and the governmental
// sanctions with a period. Lighter party sanctions and expulsions get none.
func ExpiryVisits(kind SanctionKind) bool {
	e := EndingOf(kind)
	return e == EndsRestore || e == EndsLifted
}

// EnforcementChecked reports whether a sanction of kind gets the
// enforcement check one month after it takes effect: 降级 and heavier,
// whose post, grade and pay the personnel department must change.
func EnforcementChecked(kind SanctionKind) bool {
	return kind == GovDemotion || kind == GovDismissal || kind == GovExpulsion
}

// ReadmissionBarMonths is how long after an expulsion from the party a
// member may not be re-admitted: information, not a date to remind.
const ReadmissionBarMonths = 60

// ExtensionMonths is how much the one extension of a one-year probation
// adds.
const ExtensionMonths = 12

// MandatoryCategory reports whether members of a personnel category are
// mandatory targets (必访对象): section-level leading cadres and civil
// servants.
func MandatoryCategory(r Rank) bool {
	return r == RankSectionCadre || r == RankCivilServant
}

// MandatoryTarget reports whether a member with these sanctions is a
// mandatory target: the category recorded with a sanction decides, not
// the member's current one (a member demoted by the sanction stays one).
func MandatoryTarget(sanctions []Sanction) bool {
	for _, s := range sanctions {
		if MandatoryCategory(s.Category) {
			return true
		}
	}
	return false
}
