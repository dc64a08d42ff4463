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
		{models.PartyExpulsion, 0, nil},
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

func TestMandatoryTarget(t *testing.T) {
	for rank, want := range map[models.Rank]bool{
		models.RankSectionCadre: true, models.RankCivilServant: true, models.RankOther: false, "": false,
	} {
		if got := models.MandatoryCategory(rank); got != want {
			t.Errorf("MandatoryCategory(%q) = %v, want %v", rank, got, want)
		}
	}
	// Demoted by the sanction: the category recorded with it decides, not
	// the member's current one.
	demoted := models.Member{Rank: models.RankOther}
	ss := []models.Sanction{{Kind: models.GovDemotion, Category: models.RankSectionCadre}}
	if !models.MandatoryTarget(ss) || models.MandatoryCategory(demoted.Rank) {
		t.Errorf("a member demoted from a section-level post is no longer a mandatory target")
	}
	if models.MandatoryTarget([]models.Sanction{{Category: models.RankOther}}) || models.MandatoryTarget(nil) {
		t.Errorf("an ordinary member is a mandatory target")
	}
}

// TestEndingOf pins what each kind does at the end of its period
// (DOMAIN.md): which kinds have a period, which get expiry visits and the
// enforcement check, and how they end.
func TestEndingOf(t *testing.T) {
	for _, tc := range []struct {
		kind                      models.SanctionKind
		ending                    models.Ending
		period, expiry, enforceOK bool
	}{
		{models.PartyWarning, models.EndsInfluence, true, false, false},
		{models.PartySeriousWarning, models.EndsInfluence, true, false, false},
		{models.PartyPostRemoval, models.EndsInfluence, true, false, false},
		{models.PartyProbation, models.EndsRestore, true, true, false},
		{models.PartyExpulsion, models.EndsNever, false, false, false},
		{models.GovWarning, models.EndsLifted, true, true, false},
		{models.GovDemerit, models.EndsLifted, true, true, false},
		{models.GovMajorDemerit, models.EndsLifted, true, true, false},
		{models.GovDemotion, models.EndsLifted, true, true, true},
		{models.GovDismissal, models.EndsLifted, true, true, true},
		{models.GovExpulsion, models.EndsNever, false, false, true},
	} {
		_, period := models.PeriodMonths(tc.kind, 12)
		if got := models.EndingOf(tc.kind); got != tc.ending || period != tc.period ||
			models.ExpiryVisits(tc.kind) != tc.expiry || models.EnforcementChecked(tc.kind) != tc.enforceOK {
			t.Errorf("%s: ending %d period %v expiry %v enforcement %v", tc.kind, got, period,
				models.ExpiryVisits(tc.kind), models.EnforcementChecked(tc.kind))
		}
	}
}

// TestSanction_Settled: an 影响期 just ends; a probation waits for the
// restoration of party rights, never recorded before the end; a
// governmental sanction is lifted at the end of its period by itself; an
// expulsion never ends.
func TestSanction_Settled(t *testing.T) {
	eff := day(2025, 3, 10)
	s := func(kind models.SanctionKind, months int) models.Sanction {
		sn := models.Sanction{Kind: kind, DecisionDate: eff, EffectiveDate: eff, ProbationMonths: months}
		sn.Normalise()
		return sn
	}
	restored := s(models.PartyProbation, 12)
	restored.LiftedOn = ptr(day(2026, 3, 20))
	for _, tc := range []struct {
		name              string
		s                 models.Sanction
		on                time.Time
		ended, settled    bool
		liftable, extends bool
	}{
		{"WarningDuring", s(models.PartyWarning, 0), day(2026, 3, 10), false, false, false, false},
		{"WarningAfter", s(models.PartyWarning, 0), day(2026, 3, 11), true, true, false, false},
		{"ProbationDuring", s(models.PartyProbation, 12), day(2026, 3, 9), false, false, false, true},
		{"ProbationOnLastDay", s(models.PartyProbation, 12), day(2026, 3, 10), false, false, true, true},
		{"ProbationPending", s(models.PartyProbation, 12), day(2026, 5, 1), true, false, true, true},
		{"ProbationRestored", restored, day(2026, 3, 20), true, true, false, false},
		{"TwoYearProbation", s(models.PartyProbation, 24), day(2026, 5, 1), false, false, false, false},
		{"GovDuring", s(models.GovDemerit, 0), day(2026, 3, 10), false, false, true, false},
		{"GovLiftedByItself", s(models.GovDemerit, 0), day(2026, 3, 11), true, true, true, false},
		{"GovBeforeEnd", s(models.GovDemerit, 0), day(2026, 3, 9), false, false, false, false},
		{"PartyExpulsion", s(models.PartyExpulsion, 0), day(2040, 1, 1), false, false, false, false},
		{"GovExpulsion", s(models.GovExpulsion, 0), day(2040, 1, 1), false, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Ended(tc.on); got != tc.ended {
				t.Errorf("Ended = %v", got)
			}
			if got := tc.s.Settled(tc.on); got != tc.settled {
				t.Errorf("Settled = %v", got)
			}
			if got := tc.s.LiftableOn(tc.on); got != tc.liftable {
				t.Errorf("LiftableOn = %v", got)
			}
			if got := tc.s.Extensible(); got != tc.extends {
				t.Errorf("Extensible = %v", got)
			}
		})
	}
}

// TestSanction_Extension: extending a one-year probation moves its end by
// a year; nothing else can be extended.
func TestSanction_Extension(t *testing.T) {
	sn := models.Sanction{Kind: models.PartyProbation, ProbationMonths: 12, EffectiveDate: day(2025, 3, 10), ExtensionNo: "示纪发〔2026〕3号"}
	if err := sn.Validate(); err != nil {
		t.Fatal(err)
	}
	sn.Normalise()
	if !sn.PeriodEnd.Equal(day(2027, 3, 10)) || !sn.Extended() || sn.Extensible() {
		t.Errorf("extended probation: end %v extended %v extensible %v", sn.PeriodEnd, sn.Extended(), sn.Extensible())
	}
	for _, bad := range []models.Sanction{
		{Kind: models.PartyProbation, ProbationMonths: 24, ExtensionNo: "x"},
		{Kind: models.PartyWarning, ExtensionNo: "x"},
		{Kind: models.PartyWarning, Category: "boss"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil", bad)
		}
	}
	exp := models.Sanction{Kind: models.PartyExpulsion, EffectiveDate: day(2025, 3, 10)}
	if bar := exp.ReadmissionBarEnd(); bar == nil || !bar.Equal(day(2030, 3, 10)) || exp.End() != nil {
		t.Errorf("expulsion: bar %v end %v", bar, exp.End())
	}
}

func ptr[T any](v T) *T { return &v }
