package models_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

func TestSanction_Validate(t *testing.T) {
	d := day(2025, 1, 1)
	tests := []struct {
		name string
		in   models.Sanction
		ok   bool
	}{
		{"Warning", models.Sanction{Kind: models.PartyWarning, DecisionNo: "a", DecisionDate: d, EffectiveDate: d}, true},
		{"Probation12", models.Sanction{Kind: models.PartyProbation, ProbationMonths: 12, DecisionNo: "b", DecisionDate: d, EffectiveDate: d}, true},
		{"Probation24", models.Sanction{Kind: models.PartyProbation, ProbationMonths: 24, DecisionNo: "c", DecisionDate: d, EffectiveDate: d}, true},
		{"NoPeriod", models.Sanction{Kind: models.GovExpulsion, DecisionNo: "d", DecisionDate: d, EffectiveDate: d}, true},
		{"UnknownKind", models.Sanction{Kind: "bogus", DecisionNo: "e", DecisionDate: d, EffectiveDate: d}, false},
		{"EmptyKind", models.Sanction{DecisionNo: "f", DecisionDate: d, EffectiveDate: d}, false},
		{"Probation6", models.Sanction{Kind: models.PartyProbation, ProbationMonths: 6, DecisionNo: "g", DecisionDate: d, EffectiveDate: d}, false},
		{"ProbationNone", models.Sanction{Kind: models.PartyProbation, DecisionNo: "h", DecisionDate: d, EffectiveDate: d}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.in.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok %t", err, tt.ok)
			}
		})
	}
}

func TestSanction_Normalise(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	late := time.Date(2025, 3, 10, 23, 30, 0, 0, shanghai)
	lifted := time.Date(2025, 9, 1, 1, 0, 0, 0, shanghai)
	typed := day(2099, 1, 1)
	sn := models.Sanction{Kind: models.PartyWarning, DecisionDate: late, EffectiveDate: late, PeriodEnd: &typed, LiftedOn: &lifted}
	sn.Normalise()
	if !sn.DecisionDate.Equal(day(2025, 3, 10)) || sn.DecisionDate.Location() != time.UTC ||
		!sn.EffectiveDate.Equal(day(2025, 3, 10)) || !sn.LiftedOn.Equal(day(2025, 9, 1)) {
		t.Errorf("dates = %v %v %v, want UTC midnights of their own days", sn.DecisionDate, sn.EffectiveDate, sn.LiftedOn)
	}
	if sn.PeriodEnd == nil || !sn.PeriodEnd.Equal(day(2026, 3, 10)) {
		t.Errorf("PeriodEnd = %v, want computed 2026-03-10", sn.PeriodEnd)
	}

	partial := models.Sanction{ID: 7, PeriodEnd: &typed} // no kind: PeriodEnd is left alone
	partial.Normalise()
	if partial.PeriodEnd == nil || !partial.PeriodEnd.Equal(typed) {
		t.Errorf("partial PeriodEnd = %v, want %v", partial.PeriodEnd, typed)
	}

	read := models.Sanction{Kind: models.PartyWarning, EffectiveDate: late, PeriodEnd: &typed}
	read.NormaliseDates() // after a read the stored period end stands
	if !read.PeriodEnd.Equal(typed) || !read.EffectiveDate.Equal(day(2025, 3, 10)) {
		t.Errorf("NormaliseDates = %v %v", read.EffectiveDate, read.PeriodEnd)
	}
}

func TestVisit_NormaliseDates(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	next := time.Date(2025, 6, 1, 8, 0, 0, 0, shanghai)
	v := models.Visit{Date: time.Date(2025, 3, 10, 23, 30, 0, 0, shanghai), NextVisit: &next}
	v.NormaliseDates()
	if !v.Date.Equal(day(2025, 3, 10)) || v.Date.Location() != time.UTC || !v.NextVisit.Equal(day(2025, 6, 1)) {
		t.Errorf("dates = %v %v", v.Date, v.NextVisit)
	}
	v = models.Visit{}
	v.NormaliseDates()
	if v.NextVisit != nil {
		t.Errorf("NextVisit = %v, want nil", v.NextVisit)
	}
}
