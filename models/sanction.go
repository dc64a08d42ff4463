package models

import "fmt"

// Validate refuses an unknown kind or a probation that is neither 12 nor
// 24 months. The store checks every sanction it inserts with it.
func (s Sanction) Validate() error {
	if !ValidKind(s.Kind) {
		return fmt.Errorf("sanction: invalid kind %q", s.Kind)
	}
	if s.Kind == PartyProbation {
		if _, ok := PeriodMonths(s.Kind, s.ProbationMonths); !ok {
			return fmt.Errorf("sanction: probation of %d months, want 12 or 24", s.ProbationMonths)
		}
	}
	return nil
}

// Normalise stores the dates as UTC midnight and, when s holds a whole
// sanction (a valid kind), computes PeriodEnd from the kind, the effective
// date and the probation length. The store runs it before every write of
// a whole sanction, so that PeriodEnd is never typed.
func (s *Sanction) Normalise() {
	s.NormaliseDates()
	if ValidKind(s.Kind) {
		s.PeriodEnd = PeriodEnd(s.Kind, s.EffectiveDate, s.ProbationMonths)
	}
}

// NormaliseDates turns the dates into UTC midnights whatever the driver
// made of them; the store runs it on every sanction it reads.
func (s *Sanction) NormaliseDates() {
	s.DecisionDate = DateOf(s.DecisionDate)
	s.EffectiveDate = DateOf(s.EffectiveDate)
	s.PeriodEnd = datePtr(s.PeriodEnd)
	s.LiftedOn = datePtr(s.LiftedOn)
}
