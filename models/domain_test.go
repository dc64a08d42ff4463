package models_test

import (
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAddMonths(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name string
		in   time.Time
		n    int
		want time.Time
	}{
		{"Jan31PlusOne", day(2025, 1, 31), 1, day(2025, 2, 28)},
		{"Jan31PlusOneLeap", day(2024, 1, 31), 1, day(2024, 2, 29)},
		{"Feb29PlusTwelve", day(2024, 2, 29), 12, day(2025, 2, 28)},
		{"Feb29PlusFortyEight", day(2024, 2, 29), 48, day(2028, 2, 29)},
		{"Feb29PlusSix", day(2024, 2, 29), 6, day(2024, 8, 29)},
		{"Mar31MinusOne", day(2025, 3, 31), -1, day(2025, 2, 28)},
		{"Aug31MinusSix", day(2024, 8, 31), -6, day(2024, 2, 29)},
		{"Oct31PlusFour", day(2025, 10, 31), 4, day(2026, 2, 28)},
		{"YearWrap", day(2025, 11, 15), 3, day(2026, 2, 15)},
		{"Zero", day(2025, 5, 31), 0, day(2025, 5, 31)},
		{"Sixty", day(2025, 5, 31), 60, day(2030, 5, 31)},
		{"KeepsClockAndZone", time.Date(2025, 1, 31, 23, 30, 5, 7, shanghai), 1,
			time.Date(2025, 2, 28, 23, 30, 5, 7, shanghai)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.AddMonths(tt.in, tt.n)
			if !got.Equal(tt.want) || got.Location() != tt.want.Location() {
				t.Errorf("AddMonths(%v, %d) = %v, want %v", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	late := time.Date(2024, 2, 29, 23, 30, 0, 0, time.FixedZone("CST", 8*3600))
	if got, want := models.DateOf(late), day(2024, 2, 29); got != want {
		t.Errorf("DateOf(%v) = %v, want %v", late, got, want)
	}
}

func TestPeriodEnd(t *testing.T) {
	eff := day(2024, 2, 29)
	tests := []struct {
		kind      models.SanctionKind
		probation int
		want      *time.Time // nil: no period
	}{
		{models.PartyWarning, 0, ptr(day(2025, 2, 28))},
		{models.PartySeriousWarning, 0, ptr(day(2025, 8, 29))},
		{models.PartyPostRemoval, 0, ptr(day(2026, 2, 28))},
		{models.PartyProbation, 12, ptr(day(2025, 2, 28))},
		{models.PartyProbation, 24, ptr(day(2026, 2, 28))},
		{models.PartyProbation, 0, nil},
		{models.PartyProbation, 18, nil},
		{models.PartyExpulsion, 0, ptr(day(2029, 2, 28))},
		{models.GovWarning, 0, ptr(day(2024, 8, 29))},
		{models.GovDemerit, 0, ptr(day(2025, 2, 28))},
		{models.GovMajorDemerit, 0, ptr(day(2025, 8, 29))},
		{models.GovDemotion, 0, ptr(day(2026, 2, 28))},
		{models.GovDismissal, 0, ptr(day(2026, 2, 28))},
		{models.GovExpulsion, 0, nil},
		{"unknown", 0, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			got := models.PeriodEnd(tt.kind, eff, tt.probation)
			switch {
			case got == nil && tt.want == nil:
			case got == nil || tt.want == nil || !got.Equal(*tt.want):
				t.Errorf("PeriodEnd(%s, %d) = %v, want %v", tt.kind, tt.probation, got, tt.want)
			case got.Location() != time.UTC:
				t.Errorf("PeriodEnd location = %v, want UTC", got.Location())
			}
			_, ok := models.PeriodMonths(tt.kind, tt.probation)
			if ok != (tt.want != nil) {
				t.Errorf("PeriodMonths ok = %v, want %v", ok, tt.want != nil)
			}
		})
	}
}

func TestValidKind(t *testing.T) {
	for _, k := range []models.SanctionKind{models.PartyWarning, models.PartyProbation, models.GovExpulsion} {
		if !models.ValidKind(k) {
			t.Errorf("ValidKind(%s) = false", k)
		}
	}
	for _, k := range []models.SanctionKind{"", "warning", "PARTY_WARNING"} {
		if models.ValidKind(k) {
			t.Errorf("ValidKind(%q) = true", k)
		}
	}
}

func TestMember_Mandatory(t *testing.T) {
	for rank, want := range map[models.Rank]bool{
		models.RankSectionCadre: true, models.RankCivilServant: true, models.RankOther: false, "": false,
	} {
		if got := (models.Member{Rank: rank}).Mandatory(); got != want {
			t.Errorf("Mandatory(%q) = %v, want %v", rank, got, want)
		}
	}
}

func TestSuggestNextVisit(t *testing.T) {
	after := day(2025, 6, 10)
	sanction := func(kind models.SanctionKind, eff time.Time) models.Sanction {
		return models.Sanction{Kind: kind, EffectiveDate: eff, DecisionDate: eff}
	}
	lifted := sanction(models.GovWarning, day(2025, 1, 1))
	lifted.LiftedOn = ptr(day(2025, 6, 1))
	tests := []struct {
		name       string
		member     models.Member
		sanctions  []models.Sanction
		after      time.Time
		want       time.Time
		wantReason models.NextReason
	}{
		{"RoutineOnly", models.Member{}, nil, after, day(2025, 12, 10), models.NextRoutine},
		{"RoutineClamped", models.Member{}, nil, day(2025, 8, 31), day(2026, 2, 28), models.NextRoutine},
		{"Key", models.Member{Key: true}, nil, after, day(2025, 9, 8), models.NextKey},
		// gov warning from 2025-01-20 ends 2025-07-20: 30 days before is 06-20.
		{"BeforeExpiry", models.Member{Key: true},
			[]models.Sanction{sanction(models.GovWarning, day(2025, 1, 20))}, after, day(2025, 6, 20), models.NextBeforeExpiry},
		// ends 2025-07-01: 30 days before (06-01) has passed, so the day after the end.
		{"AfterExpiry", models.Member{},
			[]models.Sanction{sanction(models.GovWarning, day(2025, 1, 1))}, after, day(2025, 7, 2), models.NextAfterExpiry},
		{"OnLeadDay", models.Member{},
			[]models.Sanction{sanction(models.GovWarning, day(2025, 1, 10))}, day(2025, 6, 10), day(2025, 7, 11), models.NextAfterExpiry},
		{"OnEndDay", models.Member{},
			[]models.Sanction{sanction(models.GovWarning, day(2024, 12, 10))}, after, day(2025, 6, 11), models.NextAfterExpiry},
		{"EndPassed", models.Member{},
			[]models.Sanction{sanction(models.GovWarning, day(2024, 12, 9))}, after, day(2025, 12, 10), models.NextRoutine},
		{"Lifted", models.Member{}, []models.Sanction{lifted}, after, day(2025, 12, 10), models.NextRoutine},
		{"NoPeriod", models.Member{},
			[]models.Sanction{sanction(models.GovExpulsion, day(2025, 1, 1))}, after, day(2025, 12, 10), models.NextRoutine},
		{"EarliestOfSeveral", models.Member{}, []models.Sanction{
			sanction(models.PartyWarning, day(2024, 12, 1)), // ends 2025-12-01, lead 11-01
			sanction(models.GovDemerit, day(2024, 8, 1)),    // ends 2025-08-01, lead 07-02
		}, after, day(2025, 7, 2), models.NextBeforeExpiry},
		{"KeyWinsTie", models.Member{Key: true},
			[]models.Sanction{sanction(models.GovWarning, day(2025, 4, 8))}, after, day(2025, 9, 8), models.NextKey},
		{"TimeOfDayIgnored", models.Member{}, nil,
			time.Date(2025, 6, 10, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)), day(2025, 12, 10), models.NextRoutine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := models.SuggestNextVisit(tt.member, tt.sanctions, tt.after)
			if !got.Equal(tt.want) || reason != tt.wantReason {
				t.Errorf("SuggestNextVisit = %s %s, want %s %s",
					got.Format(time.DateOnly), reason, tt.want.Format(time.DateOnly), tt.wantReason)
			}
			if !got.After(tt.after) {
				t.Errorf("SuggestNextVisit = %v, not after %v", got, tt.after)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
