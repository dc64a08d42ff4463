package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
)

// date parses a date of the rule tables.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dayPtr(s string) *time.Time {
	t := date(s)
	return &t
}

// sanction returns a sanction of an ordinary member decided and
// effective on decided; its PeriodEnd is left to the rules to compute.
func sanction(id uint64, kind models.SanctionKind, decided string) models.Sanction {
	return models.Sanction{ID: id, MemberID: 7, Kind: kind, DecisionDate: date(decided), EffectiveDate: date(decided),
		Category: models.RankOther}
}

// cadre is sanction recorded for a civil servant: a mandatory target.
func cadre(id uint64, kind models.SanctionKind, decided string) models.Sanction {
	s := sanction(id, kind, decided)
	s.Category = models.RankCivilServant
	return s
}

func visit(id uint64, on string) models.VisitMark {
	return models.VisitMark{ID: id, Date: date(on), FeedbackUnit: true, BranchInformed: true}
}

var (
	// mandatory is now an ordinary member: the category recorded with the
	// sanction (cadre) decides, not the current one.
	mandatory = models.Member{ID: 7, UnitID: 3, Rank: models.RankOther}
	ordinary  = models.Member{ID: 7, UnitID: 3, Rank: models.RankOther}
	keyTarget = models.Member{ID: 7, UnitID: 3, Rank: models.RankOther, Key: true}
)

func assigned(months int) models.Member {
	m := ordinary
	a := int64(555)
	m.AssigneeID, m.IntervalMonths = &a, months
	return m
}

// dueCase is one row of a rule table: a member's record on a day and the
// items due, each as "<key> from <date>".
type dueCase struct {
	name  string
	rules models.CalendarRules // zero: the defaults
	cal   models.MemberCalendar
	today string
	want  []string
}

func runDueCases(t *testing.T, cases []dueCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := []string{}
			for _, it := range models.DueFor(tc.rules, tc.cal, date(tc.today)) {
				if it.UnitID != tc.cal.Member.UnitID || it.MemberID != tc.cal.Member.ID || it.Inspectors != nil {
					t.Errorf("item %+v: want member %d, unit %d, no inspectors", it, tc.cal.Member.ID, tc.cal.Member.UnitID)
				}
				got = append(got, it.Key()+" from "+it.From.Format(time.DateOnly)+owes(it))
			}
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DueFor on %s (-want +got):\n%s", tc.today, diff)
			}
		})
	}
}

// owes is " owes" and the open parts of a follow-up item (u: feedback to
// the unit, b: the branch notice), or "".
func owes(it models.DueItem) string {
	if it.Owed == nil {
		return ""
	}
	s := " owes "
	if it.Owed.Unit {
		s += "u"
	}
	if it.Owed.Branch {
		s += "b"
	}
	return s
}

func TestDueFor_Annual(t *testing.T) {
	expelled := []models.Sanction{cadre(1, models.PartyExpulsion, "2025-03-10")} // no period: no expiry items
	item := []string{"annual:7:1:0:2026-06-30 from 2026-01-01"}
	feb29 := models.CalendarRules{AnnualDeadlineMonth: time.February, AnnualDeadlineDay: 29,
		BeforeDays: 30, AfterDays: 30, KeyEveryDays: 90, FollowUpDays: 7, LeadDays: 14}
	runDueCases(t, []dueCase{
		{name: "BeforeTheYear", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled}, today: "2025-12-31"},
		{name: "OpensOnJanuary1", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled}, today: "2026-01-01", want: item},
		{name: "VisitOnFrom", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2026-01-01")}}, today: "2026-01-01"},
		{name: "VisitOnDue", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2026-06-30")}}, today: "2026-06-30"},
		{name: "VisitAfterTodayDoesNotCount", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2026-06-30")}}, today: "2026-06-29", want: item},
		{name: "VisitTheYearBefore", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2025-12-31")}}, today: "2026-03-01", want: item},
		{name: "OverdueAfterDeadline", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled}, today: "2026-07-01", want: item},
		{name: "OverdueOnDecember31", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled}, today: "2026-12-31", want: item},
		{name: "DroppedWhenTheYearEnds", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled}, today: "2027-01-01"},
		{name: "LateVisitClears", cal: models.MemberCalendar{Member: mandatory, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2026-08-01")}}, today: "2026-09-01"},
		{name: "LatestSanctionOfTheYear", cal: models.MemberCalendar{Member: mandatory, Sanctions: []models.Sanction{
			cadre(3, models.PartyExpulsion, "2024-05-05"), cadre(1, models.PartyExpulsion, "2025-02-01"),
			sanction(2, models.PartyExpulsion, "2025-11-30")}}, today: "2026-02-01",
			want: []string{"annual:7:2:0:2026-06-30 from 2026-01-01"}},
		{name: "OrdinaryCategory", cal: models.MemberCalendar{Member: ordinary,
			Sanctions: []models.Sanction{sanction(1, models.PartyExpulsion, "2025-03-10")}}, today: "2026-02-01"},
		{name: "CurrentRankDoesNotCount", cal: models.MemberCalendar{Member: models.Member{ID: 7, UnitID: 3, Rank: models.RankSectionCadre},
			Sanctions: []models.Sanction{sanction(1, models.PartyExpulsion, "2025-03-10")}}, today: "2026-02-01"},
		{name: "KeyTargetOfOrdinaryCategory", cal: models.MemberCalendar{Member: models.Member{ID: 7, UnitID: 3, Key: true},
			Sanctions: []models.Sanction{sanction(1, models.PartyExpulsion, "2025-12-10")}}, today: "2026-02-01",
			want: []string{"annual:7:1:0:2026-06-30 from 2026-01-01"}},
		{name: "DecidedOnLeapDay", cal: models.MemberCalendar{Member: mandatory,
			Sanctions: []models.Sanction{cadre(1, models.PartyExpulsion, "2024-02-29")}}, today: "2025-01-01",
			want: []string{"annual:7:1:0:2025-06-30 from 2025-01-01"}},
		{name: "DeadlineFeb29InCommonYear", rules: feb29, cal: models.MemberCalendar{Member: mandatory,
			Sanctions: []models.Sanction{cadre(1, models.PartyExpulsion, "2026-05-01")}}, today: "2027-03-01",
			want: []string{"annual:7:1:0:2027-02-28 from 2027-01-01"}},
		{name: "DeadlineFeb29InLeapYear", rules: feb29, cal: models.MemberCalendar{Member: mandatory,
			Sanctions: []models.Sanction{cadre(1, models.PartyExpulsion, "2027-05-01")}}, today: "2028-01-01",
			want: []string{"annual:7:1:0:2028-02-29 from 2028-01-01"}},
	})
}

func TestDueFor_Interactive(t *testing.T) {
	withUpdate := assigned(3)
	withUpdate.UpdatedAt = time.Date(2026, 5, 10, 15, 4, 5, 0, time.UTC)
	runDueCases(t, []dueCase{
		{name: "NotYetOpen", cal: models.MemberCalendar{Member: assigned(1), Assigned: date("2026-01-31")}, today: "2026-02-13"},
		{name: "January31PlusOneMonth", cal: models.MemberCalendar{Member: assigned(1), Assigned: date("2026-01-31")},
			today: "2026-02-14", want: []string{"interactive:7:0:0:2026-02-28 from 2026-02-14"}},
		{name: "LeapYear", cal: models.MemberCalendar{Member: assigned(1), Assigned: date("2024-01-31")},
			today: "2024-02-20", want: []string{"interactive:7:0:0:2024-02-29 from 2024-02-15"}},
		{name: "FromTheLastVisit", cal: models.MemberCalendar{Member: assigned(6), Assigned: date("2025-01-01"),
			Visits: []models.VisitMark{visit(1, "2025-09-01"), visit(2, "2026-03-31")}},
			today: "2026-10-15", want: []string{"interactive:7:0:0:2026-09-30 from 2026-09-16"}},
		{name: "UpdatedAtWhenAssignmentUnknown", cal: models.MemberCalendar{Member: withUpdate},
			today: "2026-08-10", want: []string{"interactive:7:0:0:2026-08-10 from 2026-07-27"}},
		{name: "CrossesTheNewYear", cal: models.MemberCalendar{Member: assigned(3),
			Visits: []models.VisitMark{visit(1, "2026-10-10")}},
			today: "2026-12-27", want: []string{"interactive:7:0:0:2027-01-10 from 2026-12-27"}},
		{name: "December31PlusTwoMonths", cal: models.MemberCalendar{Member: assigned(2),
			Visits: []models.VisitMark{visit(1, "2026-12-31")}},
			today: "2027-02-14", want: []string{"interactive:7:0:0:2027-02-28 from 2027-02-14"}},
		{name: "NoInterval", cal: models.MemberCalendar{Member: assigned(0), Assigned: date("2025-01-01")}, today: "2026-02-14"},
		{name: "NoAssignee", cal: models.MemberCalendar{Member: ordinary, Assigned: date("2025-01-01")}, today: "2026-02-14"},
	})
}

func TestDueFor_Expiry(t *testing.T) {
	// A demerit (记过) decided on 29 February 2024 ends on 28 February 2025.
	leap := []models.Sanction{sanction(1, models.GovDemerit, "2024-02-29")}
	before := "before_expiry:7:1:0:2025-02-28 from 2025-01-29"
	after := "after_expiry:7:1:0:2025-03-30 from 2025-03-01"
	cal := func(visits ...models.VisitMark) models.MemberCalendar {
		return models.MemberCalendar{Member: ordinary, Sanctions: leap, Visits: visits}
	}
	lifted := func(on string) models.MemberCalendar {
		s := leap[0]
		s.LiftedOn = dayPtr(on)
		return models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{s}}
	}
	stored := sanction(1, models.GovDemerit, "2025-01-15")
	stored.PeriodEnd = dayPtr("2026-01-15")
	extended := sanction(1, models.PartyProbation, "2024-02-29")
	extended.ProbationMonths, extended.ExtensionNo = 12, "示纪发〔2025〕2号"
	extended.Normalise()
	runDueCases(t, []dueCase{
		{name: "BeforeTheWindow", cal: cal(), today: "2025-01-28"},
		{name: "BeforeWindowOpens", cal: cal(), today: "2025-01-29", want: []string{before}},
		{name: "VisitOnFrom", cal: cal(visit(1, "2025-01-29")), today: "2025-02-10"},
		{name: "VisitOnEnd", cal: cal(visit(1, "2025-02-28")), today: "2025-02-28"},
		{name: "VisitOnEndLeavesAfter", cal: cal(visit(1, "2025-02-28")), today: "2025-03-01", want: []string{after}},
		{name: "MissedBeforeStaysOverdue", cal: cal(), today: "2025-03-05", want: []string{before, after}},
		{name: "MissedBeforeUntilAfterCloses", cal: cal(), today: "2025-03-30", want: []string{before, after}},
		{name: "MissedBeforeDropped", cal: cal(), today: "2025-03-31", want: []string{after}},
		{name: "VisitOnAfterDue", cal: cal(visit(1, "2025-03-30")), today: "2025-03-30"},
		{name: "AfterOverdueForAYear", cal: cal(), today: "2026-03-30", want: []string{after}},
		{name: "AfterDroppedAfterAYear", cal: cal(), today: "2026-03-31"},
		{name: "Lifted", cal: lifted("2025-02-20"), today: "2025-03-05"},
		{name: "LiftedLater", cal: lifted("2025-04-01"), today: "2025-03-05", want: []string{before, after}},
		{name: "CrossesTheNewYear", cal: models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{stored}},
			today: "2025-12-16", want: []string{"before_expiry:7:1:0:2026-01-15 from 2025-12-16"}},
		{name: "VisitInDecemberSatisfiesJanuaryEnd", cal: models.MemberCalendar{Member: ordinary,
			Sanctions: []models.Sanction{stored}, Visits: []models.VisitMark{visit(1, "2025-12-20")}}, today: "2026-01-10"},
		{name: "NoPeriod", cal: models.MemberCalendar{Member: ordinary,
			Sanctions: []models.Sanction{sanction(1, models.PartyExpulsion, "2024-02-29")}}, today: "2025-03-01"},
		{name: "LighterPartySanctionsGetNone", cal: models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{
			sanction(1, models.PartyWarning, "2024-02-29"), sanction(2, models.PartySeriousWarning, "2023-08-29"),
			sanction(3, models.PartyPostRemoval, "2023-02-28")}}, today: "2025-03-01"},
		{name: "ExtendedProbationMovesTheEnd", cal: models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{extended}},
			today: "2025-02-20", want: nil},
		{name: "ExtendedProbationBeforeNewEnd", cal: models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{extended}},
			today: "2026-02-20", want: []string{"before_expiry:7:1:0:2026-02-28 from 2026-01-29"}},
	})
}

func TestDueFor_Key(t *testing.T) {
	// No period, so that only key (and, a year later, annual) items come.
	expelled := []models.Sanction{sanction(1, models.PartyExpulsion, "2026-01-31")}
	liftedS := sanction(1, models.GovWarning, "2026-01-31")
	liftedS.LiftedOn = dayPtr("2026-02-01")
	probation := sanction(1, models.PartyProbation, "2026-01-31") // ends 2027-01-31, rights not yet restored
	probation.ProbationMonths = 12
	runDueCases(t, []dueCase{
		{name: "NotYetOpen", cal: models.MemberCalendar{Member: keyTarget, Sanctions: expelled}, today: "2026-04-16"},
		{name: "FromTheDecision", cal: models.MemberCalendar{Member: keyTarget, Sanctions: expelled}, today: "2026-04-17",
			want: []string{"key:7:0:0:2026-05-01 from 2026-04-17"}},
		{name: "FromTheLastVisit", cal: models.MemberCalendar{Member: keyTarget, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2026-02-20")}}, today: "2026-06-01",
			want: []string{"key:7:0:0:2026-05-21 from 2026-05-07"}},
		{name: "LeapDayVisit", cal: models.MemberCalendar{Member: keyTarget,
			Sanctions: []models.Sanction{sanction(1, models.PartyExpulsion, "2024-01-02")},
			Visits:    []models.VisitMark{visit(1, "2024-02-29")}}, today: "2024-05-15",
			want: []string{"key:7:0:0:2024-05-29 from 2024-05-15"}},
		{name: "CrossesTheNewYear", cal: models.MemberCalendar{Member: keyTarget, Sanctions: expelled,
			Visits: []models.VisitMark{visit(1, "2026-10-15")}}, today: "2026-12-30",
			want: []string{"key:7:0:0:2027-01-13 from 2026-12-30"}},
		{name: "AllLifted", cal: models.MemberCalendar{Member: keyTarget, Sanctions: []models.Sanction{liftedS}}, today: "2026-06-01"},
		{name: "InfluencePeriodOver", cal: models.MemberCalendar{Member: keyTarget,
			Sanctions: []models.Sanction{sanction(1, models.PartyWarning, "2025-01-31")}}, today: "2026-06-01",
			want: []string{"annual:7:1:0:2026-06-30 from 2026-01-01"}}, // the annual visit, but no key item
		{name: "ProbationPendingRestoration", cal: models.MemberCalendar{Member: keyTarget,
			Sanctions: []models.Sanction{probation}, Visits: []models.VisitMark{visit(1, "2027-01-10")}}, today: "2027-04-20",
			want: []string{"after_expiry:7:1:0:2027-03-02 from 2027-02-01", "key:7:0:0:2027-04-10 from 2027-03-27"}},
		{name: "NotKey", cal: models.MemberCalendar{Member: ordinary, Sanctions: expelled}, today: "2026-06-01"},
	})
}

func TestDueFor_FollowUp(t *testing.T) {
	open := func(id uint64, on string, feedback, branch bool) models.VisitMark {
		return models.VisitMark{ID: id, Date: date(on), FeedbackUnit: feedback, BranchInformed: branch}
	}
	runDueCases(t, []dueCase{
		{name: "BranchOpen", cal: models.MemberCalendar{Member: ordinary,
			Visits: []models.VisitMark{open(5, "2026-03-01", true, false)}}, today: "2026-03-01",
			want: []string{"follow_up:7:0:5:2026-03-08 from 2026-03-01 owes b"}},
		{name: "FeedbackOpenOverdue", cal: models.MemberCalendar{Member: ordinary,
			Visits: []models.VisitMark{open(5, "2026-12-28", false, true)}}, today: "2027-02-01",
			want: []string{"follow_up:7:0:5:2027-01-04 from 2026-12-28 owes u"}},
		{name: "BothOpen", cal: models.MemberCalendar{Member: ordinary,
			Visits: []models.VisitMark{open(5, "2026-03-01", false, false)}}, today: "2026-03-02",
			want: []string{"follow_up:7:0:5:2026-03-08 from 2026-03-01 owes ub"}},
		{name: "Done", cal: models.MemberCalendar{Member: ordinary,
			Visits: []models.VisitMark{open(5, "2026-03-01", true, true)}}, today: "2026-03-10"},
		{name: "FutureVisit", cal: models.MemberCalendar{Member: ordinary,
			Visits: []models.VisitMark{open(5, "2026-03-11", false, false)}}, today: "2026-03-10"},
	})
}

func TestDueFor_Combined(t *testing.T) {
	m := keyTarget
	m.Rank = models.RankSectionCadre
	cal := models.MemberCalendar{Member: m,
		Sanctions: []models.Sanction{sanction(2, models.GovWarning, "2025-12-01")}, // ends 2026-06-01
		Visits: []models.VisitMark{ // unsorted on purpose
			{ID: 9, Date: date("2026-03-01"), FeedbackUnit: false, BranchInformed: true},
			visit(8, "2025-12-20"),
		}}
	runDueCases(t, []dueCase{
		{name: "MostUrgentFirst", cal: cal, today: "2026-05-20", want: []string{
			"follow_up:7:0:9:2026-03-08 from 2026-03-01 owes u",
			"key:7:0:0:2026-05-30 from 2026-05-16",
			"before_expiry:7:2:0:2026-06-01 from 2026-05-02",
		}},
	})
}

func TestDueItem_Key(t *testing.T) {
	it := models.DueItem{Reason: models.DueBeforeExpiry, MemberID: 9_999_999, SanctionID: 9_999_999, Due: date("2027-03-01")}
	if k := it.Key(); k != "before_expiry:9999999:9999999:0:2027-03-01" || len(k) > 48 {
		t.Errorf("Key = %q (%d bytes)", k, len(k))
	}
	f := models.DueItem{Reason: models.DueFollowUp, MemberID: 9_999_999, VisitID: 9_999_999, Due: date("2027-03-01")}
	if len(f.Key()) > 48 {
		t.Errorf("follow-up key %q longer than 48 bytes", f.Key())
	}
	got, err := models.ParseDueKey(it.Key())
	if err != nil || got.Key() != it.Key() || got.MemberID != it.MemberID || !got.Due.Equal(it.Due) {
		t.Errorf("ParseDueKey(%q) = %+v, %v", it.Key(), got, err)
	}
	for _, bad := range []string{"", "soon:1:0:0:2027-03-01", "key:1:0:0", "key:0:0:0:2027-03-01", "key:1:x:0:2027-03-01",
		"key:1:0:0:2027-02-30", "key:01:0:0:2027-03-01", "key:1:0:0:2027-03-01:x", "key:-1:0:0:2027-03-01"} {
		if _, err := models.ParseDueKey(bad); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("ParseDueKey(%q) err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestCalendarRules_Validate(t *testing.T) {
	if err := models.DefaultCalendarRules().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	for name, change := range map[string]func(*models.CalendarRules){
		"Month13":     func(r *models.CalendarRules) { r.AnnualDeadlineMonth = 13 },
		"Day0":        func(r *models.CalendarRules) { r.AnnualDeadlineDay = 0 },
		"NegativeLag": func(r *models.CalendarRules) { r.BeforeDays = -1 },
		"KeyEvery0":   func(r *models.CalendarRules) { r.KeyEveryDays = 0 },
	} {
		r := models.DefaultCalendarRules()
		change(&r)
		if err := r.Validate(); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}
