package models_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

// The classes of target a calendar row is about: an ordinary member, a
// mandatory one (by the category recorded with the sanction) and a key
// target.
const (
	clsOrdinary  = "ordinary"
	clsMandatory = "mandatory"
	clsKey       = "key"
)

// calOf is the calendar of member 7 of a class with one sanction of kind
// decided and effective on 2025-03-10 (a probation of months, if any) and
// the visits given.
func calOf(kind models.SanctionKind, months int, class string, visits ...models.VisitMark) models.MemberCalendar {
	s := sanction(1, kind, "2025-03-10")
	s.ProbationMonths = months
	m := ordinary
	switch class {
	case clsMandatory:
		s.Category = models.RankCivilServant
	case clsKey:
		m = keyTarget
	}
	s.Normalise()
	return models.MemberCalendar{Member: m, Sanctions: []models.Sanction{s}, Visits: visits}
}

// agreedVisit is a visit on on at which the next visit was agreed for next.
func agreedVisit(id uint64, on, next string) models.VisitMark {
	v := visit(id, on)
	v.Next = dayPtr(next)
	return v
}

// nextString renders NextVisit as "<reason> <due>", or "-" for none.
func nextString(cal models.MemberCalendar, today string) string {
	it, ok := models.NextVisit(models.CalendarRules{}, cal, date(today))
	if !ok {
		return "-"
	}
	return string(it.Reason) + " " + it.Due.Format(time.DateOnly)
}

// TestNextVisit_Table pins the next visit of every sanction kind for every
// class of target, never visited and visited, on four days: before the
// window of the period's end opens, on its last day, the day after and
// forty days after (for the permanent kinds: four days across two years).
// Decided and effective 2025-03-10.
func TestNextVisit_Table(t *testing.T) {
	const (
		key      = "key 2025-06-08" // 90 days after the decision, never visited
		keyV     = "key 2025-06-30" // 90 days after the visit of 2025-04-01
		annual   = "annual 2026-06-30"
		enforced = "enforcement 2025-04-10"
	)
	days := func(end string) []string {
		e := date(end)
		return []string{e.AddDate(0, 0, -31).Format(time.DateOnly), end, e.AddDate(0, 0, 1).Format(time.DateOnly),
			e.AddDate(0, 0, 40).Format(time.DateOnly)}
	}
	permanent := []string{"2025-12-01", "2026-03-01", "2026-07-01", "2027-07-01"}
	four := func(s string) []string { return []string{s, s, s, s} }
	none := four("-")
	visited := []models.VisitMark{visit(1, "2025-04-01")}
	for _, tc := range []struct {
		kind   models.SanctionKind
		months int
		class  string
		visits []models.VisitMark
		days   []string
		want   []string
	}{
		// 影响期 kinds: no expiry visit, nothing lifted; a key target's
		// visits stop when the period is over.
		{models.PartyWarning, 0, clsOrdinary, nil, days("2026-03-10"), none},
		{models.PartyWarning, 0, clsMandatory, nil, days("2026-03-10"), four(annual)},
		{models.PartyWarning, 0, clsKey, nil, days("2026-03-10"), []string{key, key, annual, annual}},
		{models.PartySeriousWarning, 0, clsOrdinary, nil, days("2026-09-10"), none},
		{models.PartySeriousWarning, 0, clsMandatory, nil, days("2026-09-10"), four(annual)},
		{models.PartySeriousWarning, 0, clsKey, nil, days("2026-09-10"), []string{key, key, annual, annual}},
		{models.PartyPostRemoval, 0, clsOrdinary, nil, days("2027-03-10"), none},
		{models.PartyPostRemoval, 0, clsMandatory, nil, days("2027-03-10"), none}, // the 2026 annual visit was dropped
		{models.PartyPostRemoval, 0, clsKey, nil, days("2027-03-10"), []string{key, key, "-", "-"}},
		// 留党察看: visits before and after its end; a key target stays one
		// until party rights are restored.
		{models.PartyProbation, 12, clsOrdinary, nil, days("2026-03-10"),
			[]string{"before_expiry 2026-03-10", "before_expiry 2026-03-10", "before_expiry 2026-03-10", "after_expiry 2026-04-09"}},
		{models.PartyProbation, 12, clsMandatory, nil, days("2026-03-10"),
			[]string{"before_expiry 2026-03-10", "before_expiry 2026-03-10", "before_expiry 2026-03-10", "after_expiry 2026-04-09"}},
		{models.PartyProbation, 12, clsKey, nil, days("2026-03-10"), four(key)},
		{models.PartyProbation, 24, clsOrdinary, nil, days("2027-03-10"),
			[]string{"before_expiry 2027-03-10", "before_expiry 2027-03-10", "before_expiry 2027-03-10", "after_expiry 2027-04-09"}},
		{models.PartyProbation, 24, clsKey, nil, days("2027-03-10"), four(key)},
		// 开除党籍: permanent, no expiry visit ever.
		{models.PartyExpulsion, 0, clsOrdinary, nil, permanent, none},
		{models.PartyExpulsion, 0, clsMandatory, nil, permanent, []string{annual, annual, annual, "-"}},
		{models.PartyExpulsion, 0, clsKey, nil, permanent, four(key)},
		// 政务处分 with a period: visits before and after its end.
		{models.GovWarning, 0, clsOrdinary, nil, days("2025-09-10"),
			[]string{"before_expiry 2025-09-10", "before_expiry 2025-09-10", "before_expiry 2025-09-10", "after_expiry 2025-10-10"}},
		{models.GovWarning, 0, clsMandatory, nil, days("2025-09-10"),
			[]string{"before_expiry 2025-09-10", "before_expiry 2025-09-10", "before_expiry 2025-09-10", "after_expiry 2025-10-10"}},
		{models.GovWarning, 0, clsKey, nil, days("2025-09-10"),
			[]string{key, key, "before_expiry 2025-09-10", "after_expiry 2025-10-10"}},
		{models.GovDemerit, 0, clsOrdinary, nil, days("2026-03-10"),
			[]string{"before_expiry 2026-03-10", "before_expiry 2026-03-10", "before_expiry 2026-03-10", "after_expiry 2026-04-09"}},
		{models.GovDemerit, 0, clsMandatory, nil, days("2026-03-10"),
			[]string{"before_expiry 2026-03-10", "before_expiry 2026-03-10", "before_expiry 2026-03-10", "after_expiry 2026-04-09"}},
		{models.GovDemerit, 0, clsKey, nil, days("2026-03-10"),
			[]string{key, key, "before_expiry 2026-03-10", "after_expiry 2026-04-09"}},
		{models.GovMajorDemerit, 0, clsOrdinary, nil, days("2026-09-10"),
			[]string{"before_expiry 2026-09-10", "before_expiry 2026-09-10", "before_expiry 2026-09-10", "after_expiry 2026-10-10"}},
		{models.GovMajorDemerit, 0, clsMandatory, nil, days("2026-09-10"), four(annual)},
		{models.GovMajorDemerit, 0, clsKey, nil, days("2026-09-10"), []string{key, key, annual, annual}},
		// 降级 and heavier: the enforcement check first, overdue until a visit.
		{models.GovDemotion, 0, clsOrdinary, nil, days("2027-03-10"), four(enforced)},
		{models.GovDemotion, 0, clsMandatory, nil, days("2027-03-10"), four(enforced)},
		{models.GovDemotion, 0, clsKey, nil, days("2027-03-10"), four(enforced)},
		{models.GovDismissal, 0, clsOrdinary, nil, days("2027-03-10"), four(enforced)},
		{models.GovDismissal, 0, clsKey, nil, days("2027-03-10"), four(enforced)},
		{models.GovExpulsion, 0, clsOrdinary, nil, permanent, four(enforced)},
		{models.GovExpulsion, 0, clsMandatory, nil, permanent, four(enforced)},
		// Visited on 2025-04-01: the check is recorded, a key target's
		// next visit counts from it.
		{models.GovDemotion, 0, clsOrdinary, visited, days("2027-03-10"),
			[]string{"before_expiry 2027-03-10", "before_expiry 2027-03-10", "before_expiry 2027-03-10", "after_expiry 2027-04-09"}},
		{models.GovDemotion, 0, clsMandatory, visited, days("2027-03-10"),
			[]string{"before_expiry 2027-03-10", "before_expiry 2027-03-10", "before_expiry 2027-03-10", "after_expiry 2027-04-09"}},
		{models.GovDemotion, 0, clsKey, visited, days("2027-03-10"),
			[]string{keyV, keyV, "before_expiry 2027-03-10", "after_expiry 2027-04-09"}},
		{models.GovExpulsion, 0, clsOrdinary, visited, permanent, none},
		{models.GovExpulsion, 0, clsMandatory, visited, permanent, []string{annual, annual, annual, "-"}},
		{models.GovExpulsion, 0, clsKey, visited, permanent, four(keyV)},
		{models.PartyProbation, 12, clsKey, visited, days("2026-03-10"), four(keyV)},
		// A date agreed at the last visit: earlier than what is required, it
		// is the next visit; later, the required one comes first.
		{models.PartyWarning, 0, clsOrdinary, []models.VisitMark{agreedVisit(1, "2025-04-01", "2025-05-01")},
			days("2026-03-10"), four("agreed 2025-05-01")},
		{models.GovDemerit, 0, clsOrdinary, []models.VisitMark{agreedVisit(1, "2025-04-01", "2026-01-01")},
			days("2026-03-10"), four("agreed 2026-01-01")},
		{models.GovDemerit, 0, clsKey, []models.VisitMark{agreedVisit(1, "2025-04-01", "2030-01-01")},
			days("2026-03-10"), []string{keyV, keyV, "before_expiry 2026-03-10", "after_expiry 2026-04-09"}},
	} {
		name := fmt.Sprintf("%s/%d/%s/visits=%d", tc.kind, tc.months, tc.class, len(tc.visits))
		t.Run(name, func(t *testing.T) {
			cal := calOf(tc.kind, tc.months, tc.class, tc.visits...)
			for i, d := range tc.days {
				if got := nextString(cal, d); got != tc.want[i] {
					t.Errorf("on %s: next %q, want %q", d, got, tc.want[i])
				}
			}
		})
	}
}

func TestDueFor_Enforcement(t *testing.T) {
	demoted := sanction(1, models.GovDemotion, "2026-01-15")
	demoted.EffectiveDate = date("2026-02-01")
	enforced := demoted
	enforced.Enforced = true
	item := []string{"enforcement:7:1:0:2026-03-01 from 2026-02-01"}
	cal := func(s models.Sanction, visits ...models.VisitMark) models.MemberCalendar {
		return models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{s}, Visits: visits}
	}
	runDueCases(t, []dueCase{
		{name: "BeforeItTakesEffect", cal: cal(demoted), today: "2026-01-31"},
		{name: "OpensWhenItTakesEffect", cal: cal(demoted), today: "2026-02-01", want: item},
		{name: "OverdueUntilRecorded", cal: cal(demoted), today: "2027-06-01", want: item},
		{name: "VisitBeforeEffectDoesNotCount", cal: cal(demoted, visit(1, "2026-01-20")), today: "2026-02-10", want: item},
		{name: "VisitRecordsTheCheck", cal: cal(demoted, visit(1, "2026-02-10")), today: "2026-03-10"},
		{name: "FoundEnforced", cal: cal(enforced), today: "2026-03-10"},
		{name: "DemeritNeedsNone", cal: cal(sanction(1, models.GovDemerit, "2026-01-15")), today: "2026-03-10"},
	})
}

func TestDueFor_Agreed(t *testing.T) {
	cal := func(visits ...models.VisitMark) models.MemberCalendar {
		return models.MemberCalendar{Member: ordinary, Sanctions: []models.Sanction{sanction(1, models.PartyWarning, "2026-01-05")},
			Visits: visits}
	}
	item := "agreed:7:0:1:2026-05-01 from 2026-04-17"
	runDueCases(t, []dueCase{
		{name: "NotYetOpen", cal: cal(agreedVisit(1, "2026-02-01", "2026-05-01")), today: "2026-04-16"},
		{name: "OpensLeadDaysBefore", cal: cal(agreedVisit(1, "2026-02-01", "2026-05-01")), today: "2026-04-17", want: []string{item}},
		{name: "Overdue", cal: cal(agreedVisit(1, "2026-02-01", "2026-05-01")), today: "2026-09-01", want: []string{item}},
		{name: "LaterVisitReplacesIt", cal: cal(agreedVisit(1, "2026-02-01", "2026-05-01"), visit(2, "2026-04-20")), today: "2026-06-01"},
		{name: "LaterVisitAgreesAnother", cal: cal(agreedVisit(1, "2026-02-01", "2026-05-01"), agreedVisit(2, "2026-04-20", "2026-06-01")),
			today: "2026-06-01", want: []string{"agreed:7:0:2:2026-06-01 from 2026-05-18"}},
		{name: "FutureVisitDoesNotCount", cal: cal(agreedVisit(1, "2026-02-01", "2026-05-01"), visit(2, "2026-05-20")),
			today: "2026-05-02", want: []string{item}},
	})
}

func TestDueFor_AfterVisitTasks(t *testing.T) {
	v := visit(5, "2026-03-31")
	v.OpenProblem, v.OpenRequest = true, true
	runDueCases(t, []dueCase{
		{name: "RectifyAndRequest", cal: models.MemberCalendar{Member: ordinary, Visits: []models.VisitMark{v}}, today: "2026-04-01",
			want: []string{"rectify:7:0:5:2026-04-30 from 2026-03-31", "request:7:0:5:2026-04-30 from 2026-03-31"}},
		{name: "ClosedWhenMarked", cal: models.MemberCalendar{Member: ordinary, Visits: []models.VisitMark{visit(5, "2026-03-31")}},
			today: "2026-04-01"},
	})
	if models.DueRectify.Visit() || models.DueRequest.Visit() || models.DueFollowUp.Visit() || !models.DueAgreed.Visit() {
		t.Errorf("Visit() of the reasons is wrong")
	}
}

func TestSuggestNext(t *testing.T) {
	decided := calOf(models.GovDemotion, 0, clsOrdinary)
	decided.Sanctions[0].EffectiveDate = date("2025-03-20")
	decided.Sanctions[0].Normalise()
	assigned3 := calOf(models.PartyWarning, 0, clsOrdinary)
	a := int64(555)
	assigned3.Member.AssigneeID, assigned3.Member.IntervalMonths = &a, 3
	for _, tc := range []struct {
		name string
		cal  models.MemberCalendar
		day  string
		want string
	}{
		{"InsideTheBeforeWindow", calOf(models.GovDemerit, 0, clsOrdinary), "2026-02-20", "after_expiry 2026-04-09"},
		{"LongBefore", calOf(models.GovDemerit, 0, clsOrdinary), "2025-06-01", "before_expiry 2026-03-10"},
		{"NothingOwed", calOf(models.PartyWarning, 0, clsOrdinary), "2025-06-01", "-"},
		{"KeyTarget", calOf(models.PartyProbation, 12, clsKey), "2025-06-01", "key 2025-08-30"},
		{"Mandatory", calOf(models.PartyWarning, 0, clsMandatory), "2025-06-01", "annual 2026-06-30"},
		{"Interactive", assigned3, "2025-06-01", "interactive 2025-09-01"},
		{"EnforcementNotYetInEffect", decided, "2025-03-15", "enforcement 2025-04-20"},
		{"LaterVisitsIgnored", calOf(models.GovDemerit, 0, clsOrdinary, visit(9, "2026-03-01")), "2025-06-01", "before_expiry 2026-03-10"},
		{"ExpulsionNothing", calOf(models.PartyExpulsion, 0, clsOrdinary), "2025-06-01", "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := "-"
			if it, ok := models.SuggestNext(models.CalendarRules{}, tc.cal, date(tc.day)); ok {
				got = string(it.Reason) + " " + it.Due.Format(time.DateOnly)
			}
			if got != tc.want {
				t.Errorf("SuggestNext on %s = %q, want %q", tc.day, got, tc.want)
			}
		})
	}
}

// TestCalendar_OneAnswer checks, for every kind, class and visit history
// on every week of four years, what makes the calendar one answer: DueFor
// is the opened part of Upcoming; NextVisit is Upcoming's first visit and,
// when due within 14 days (the reminders' horizon), also DueFor's first
// visit; a visit satisfies every visit item open on its day, so the
// suggestion after it lies later; only the kinds that have them get
// expiry visits and enforcement checks.
func TestCalendar_OneAnswer(t *testing.T) {
	kinds := []models.SanctionKind{models.PartyWarning, models.PartySeriousWarning, models.PartyPostRemoval, models.PartyProbation,
		models.PartyExpulsion, models.GovWarning, models.GovDemerit, models.GovMajorDemerit, models.GovDemotion,
		models.GovDismissal, models.GovExpulsion}
	open := visit(2, "2025-09-01")
	open.FeedbackUnit, open.OpenProblem, open.OpenRequest = false, true, true
	histories := [][]models.VisitMark{nil, {visit(1, "2025-04-01")}, {agreedVisit(1, "2025-04-01", "2025-05-01")},
		{agreedVisit(1, "2025-04-01", "2029-01-01")}, {visit(1, "2025-04-01"), open}}
	for _, kind := range kinds {
		for _, class := range []string{clsOrdinary, clsMandatory, clsKey} {
			for h, visits := range histories {
				cal := calOf(kind, 12, class, visits...)
				for d := date("2025-01-01"); d.Before(date("2029-01-01")); d = d.AddDate(0, 0, 7) {
					if msg := oneAnswer(cal, d); msg != "" {
						t.Fatalf("%s %s history %d on %s: %s", kind, class, h, d.Format(time.DateOnly), msg)
					}
				}
			}
		}
	}
}

// oneAnswer checks the invariants of TestCalendar_OneAnswer on one day.
func oneAnswer(cal models.MemberCalendar, today time.Time) string {
	r := models.CalendarRules{}
	open, all := models.DueFor(r, cal, today), models.Upcoming(r, cal, today)
	opened := slices.DeleteFunc(slices.Clone(all), func(it models.DueItem) bool { return it.From.After(today) })
	if !slices.EqualFunc(open, opened, func(a, b models.DueItem) bool { return a.Key() == b.Key() }) {
		return fmt.Sprintf("DueFor %v is not the opened part of Upcoming %v", open, all)
	}
	kind := cal.Sanctions[0].Kind
	for _, it := range all {
		switch {
		case (it.Reason == models.DueBeforeExpiry || it.Reason == models.DueAfterExpiry) && !models.ExpiryVisits(kind):
			return "an expiry visit for " + string(kind)
		case it.Reason == models.DueEnforcement && !models.EnforcementChecked(kind):
			return "an enforcement check for " + string(kind)
		}
	}
	next, ok := models.NextVisit(r, cal, today)
	if ok && !next.Due.After(today.AddDate(0, 0, 14)) {
		i := slices.IndexFunc(open, func(it models.DueItem) bool { return it.Reason.Visit() })
		if i < 0 || open[i].Key() != next.Key() {
			return fmt.Sprintf("next %s is not the first visit of DueFor %v", next.Key(), open)
		}
	}
	if s, ok := models.SuggestNext(r, cal, today); ok && !s.Due.After(today) {
		return "suggestion " + s.Key() + " not after the visit"
	}
	return ""
}
