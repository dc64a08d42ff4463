package models

import (
	"fmt"
	"time"
)

// Validate refuses an unknown kind or category, a probation that is
// neither 12 nor 24 months, and an extension of anything but a one-year
// probation. The store checks every sanction it inserts with it.
func (s Sanction) Validate() error {
	if !ValidKind(s.Kind) {
		return fmt.Errorf("sanction: invalid kind %q", s.Kind)
	}
	if s.Category != "" && !ValidRank(s.Category) {
		return fmt.Errorf("sanction: invalid category %q", s.Category)
	}
	if s.Kind == PartyProbation {
		if _, ok := PeriodMonths(s.Kind, s.ProbationMonths); !ok {
			return fmt.Errorf("sanction: probation of %d months, want 12 or 24", s.ProbationMonths)
		}
	}
	if s.ExtensionNo != "" && !(s.Kind == PartyProbation && s.ProbationMonths == 12) {
		return fmt.Errorf("sanction: only a one-year probation can be extended")
	}
	return nil
}

// Normalise stores the dates as UTC midnight and, when s holds a whole
// sanction (a valid kind), computes PeriodEnd from the kind, the effective
// date, the probation length and its extension; an empty Category is
// RankOther. The store runs it before every write of a whole sanction, so
// that PeriodEnd is never typed.
func (s *Sanction) Normalise() {
	s.NormaliseDates()
	if s.Category == "" {
		s.Category = RankOther
	}
	if ValidKind(s.Kind) {
		s.PeriodEnd = s.computedEnd()
	}
}

// computedEnd is the end of s's period with its extension, nil for none.
func (s Sanction) computedEnd() *time.Time {
	months, ok := PeriodMonths(s.Kind, s.ProbationMonths)
	if !ok {
		return nil
	}
	if s.Extended() {
		months += ExtensionMonths
	}
	end := AddMonths(DateOf(s.EffectiveDate), months)
	return &end
}

// End is the last day of s's period: PeriodEnd as stored, else computed;
// nil for a permanent sanction.
func (s Sanction) End() *time.Time {
	if s.PeriodEnd != nil {
		d := DateOf(*s.PeriodEnd)
		return &d
	}
	if !ValidKind(s.Kind) {
		return nil
	}
	return s.computedEnd()
}

// Extended reports whether s is a probation extended by a year.
func (s Sanction) Extended() bool { return s.Kind == PartyProbation && s.ExtensionNo != "" }

// Extensible reports whether s can still be extended: a one-year
// probation, not extended yet, whose party rights were not restored.
func (s Sanction) Extensible() bool {
	return s.Kind == PartyProbation && s.ProbationMonths == 12 && s.ExtensionNo == "" && s.LiftedOn == nil
}

// Ended reports whether s's period is over on today (a date): its last
// day has passed. A permanent sanction never ends.
func (s Sanction) Ended(today time.Time) bool {
	end := s.End()
	return end != nil && DateOf(today).After(*end)
}

// Settled reports whether the end of s has been decided or took effect
// by today: party rights restored (probation), a governmental sanction
// lifted (recorded, or automatically after its period), an 影响期 over.
// A permanent sanction is never settled; a probation past its end whose
// rights are not yet restored is not either (the decision is pending).
func (s Sanction) Settled(today time.Time) bool {
	today = DateOf(today)
	lifted := s.LiftedOn != nil && !DateOf(*s.LiftedOn).After(today)
	switch EndingOf(s.Kind) {
	case EndsInfluence:
		return s.Ended(today)
	case EndsRestore:
		return lifted
	case EndsLifted:
		return lifted || s.Ended(today)
	}
	return false
}

// LiftableOn reports whether the end of s may be recorded on day: the
// restoration of party rights after a probation, or the lifting of a
// governmental sanction, on or after the period's last day and not yet
// recorded. Nothing is lifted for the other kinds.
func (s Sanction) LiftableOn(day time.Time) bool {
	e := EndingOf(s.Kind)
	end := s.End()
	return (e == EndsRestore || e == EndsLifted) && s.LiftedOn == nil && end != nil && !DateOf(day).Before(*end)
}

// ReadmissionBarEnd is the last day of the five years after an expulsion
// from the party in which the member may not be re-admitted; nil for
// other kinds.
func (s Sanction) ReadmissionBarEnd() *time.Time {
	if s.Kind != PartyExpulsion {
		return nil
	}
	d := AddMonths(DateOf(s.EffectiveDate), ReadmissionBarMonths)
	return &d
}

// NormaliseDates turns the dates into UTC midnights whatever the driver
// made of them; the store runs it on every sanction it reads.
func (s *Sanction) NormaliseDates() {
	s.DecisionDate = DateOf(s.DecisionDate)
	s.EffectiveDate = DateOf(s.EffectiveDate)
	s.PeriodEnd = datePtr(s.PeriodEnd)
	s.LiftedOn = datePtr(s.LiftedOn)
}
