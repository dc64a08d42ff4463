package models

import (
	"fmt"

	"gorm.io/gorm"
)

// BeforeCreate refuses an unknown kind or a probation that is neither 12
// nor 24 months.
func (s *Sanction) BeforeCreate(*gorm.DB) error {
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

// BeforeSave stores the dates as UTC midnight and, when the struct holds a
// whole sanction (a valid kind), computes PeriodEnd from the kind, the
// effective date and the probation length. A partial model, as in
// Model(&Sanction{ID: id}).Update(...), is left alone.
func (s *Sanction) BeforeSave(*gorm.DB) error {
	s.normaliseDates()
	if ValidKind(s.Kind) {
		s.PeriodEnd = PeriodEnd(s.Kind, s.EffectiveDate, s.ProbationMonths)
	}
	return nil
}

// AfterFind returns the dates as UTC midnight whatever the driver made of
// them.
func (s *Sanction) AfterFind(*gorm.DB) error {
	s.normaliseDates()
	return nil
}

func (s *Sanction) normaliseDates() {
	s.DecisionDate = DateOf(s.DecisionDate)
	s.EffectiveDate = DateOf(s.EffectiveDate)
	s.PeriodEnd = datePtr(s.PeriodEnd)
	s.LiftedOn = datePtr(s.LiftedOn)
}
