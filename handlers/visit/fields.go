package visit

import (
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Draft is a visit being logged or edited: the member it is about, what
// the form needs to know of them, and the form's answers (wizard.State).
type Draft struct {
	ID string `json:"id"` // the saved visit's idempotency key
	wizard.State
	MemberID   uint64          `json:"m"`
	MemberName string          `json:"mn"`
	UnitName   string          `json:"un"`
	Key        bool            `json:"k,omitempty"`
	Me         string          `json:"me,omitempty"` // the logging inspector, always among those present
	Avail      []SanctionBrief `json:"av"`
	EditOf     uint64          `json:"ed,omitempty"` // id of the saved visit being edited; 0 for a new visit

	// What the calendar needs to suggest the next visit (SuggestNext):
	// the interval of the member's interactive visits (0: none assigned)
	// and the office's rules.
	Interval int                  `json:"iv,omitempty"`
	Rules    models.CalendarRules `json:"ru"`
}

// SanctionBrief is what a draft needs of a sanction.
type SanctionBrief struct {
	ID           uint64 `json:"id"`
	Kind         string `json:"k"`
	DecisionNo   string `json:"no"`
	DecisionDate string `json:"dd"`
	PeriodEnd    string `json:"pe,omitempty"`
	Lifted       bool   `json:"l,omitempty"`
	Effective    string `json:"ef,omitempty"`
	LiftedOn     string `json:"lo,omitempty"`
	Category     string `json:"c,omitempty"`
	Enforced     bool   `json:"e,omitempty"`
}

func briefOf(sc models.Sanction) SanctionBrief {
	b := SanctionBrief{ID: sc.ID, Kind: string(sc.Kind), DecisionNo: sc.DecisionNo,
		DecisionDate: sc.DecisionDate.Format(kit.DateLayout), Lifted: sc.LiftedOn != nil,
		Effective: sc.EffectiveDate.Format(kit.DateLayout), Category: string(sc.Category), Enforced: sc.Enforced}
	if sc.PeriodEnd != nil {
		b.PeriodEnd = sc.PeriodEnd.Format(kit.DateLayout)
	}
	if sc.LiftedOn != nil {
		b.LiftedOn = sc.LiftedOn.Format(kit.DateLayout)
	}
	return b
}

// sanction is the brief as the calendar reads it.
func (b SanctionBrief) sanction() models.Sanction {
	day := func(s string) *time.Time {
		if t, ok := kit.ParseDay(s); ok {
			return &t
		}
		return nil
	}
	sc := models.Sanction{ID: b.ID, Kind: models.SanctionKind(b.Kind), DecisionNo: b.DecisionNo, PeriodEnd: day(b.PeriodEnd),
		LiftedOn: day(b.LiftedOn), Category: models.Rank(b.Category), Enforced: b.Enforced}
	if d := day(b.DecisionDate); d != nil {
		sc.DecisionDate, sc.EffectiveDate = *d, *d
	}
	if e := day(b.Effective); e != nil {
		sc.EffectiveDate = *e
	}
	return sc
}

// Answer codes offered as buttons.
var (
	conclCodes = []string{models.ConclusionGood, models.ConclusionFairlyGood, models.ConclusionAverage, models.ConclusionPoor}
	recCodes   = []string{models.RecommendContinue, models.RecommendPost, models.RecommendAdjustPost, models.RecommendLift}
)

// Free-text limits, in characters (the columns hold more).
const (
	maxShortText = 200
	maxLongText  = 1000
)

// Fields is the visit record, one row per answer, in the order asked. Col
// names the models.Visit field the answer is saved in (toVisit, fromVisit);
// the catalogue holds q_<name> (the question) and f_<name> (the label).
// Adding a field: a row here, the column and its migration in models, and
// the two catalogue entries in zh and en.
//
// The shortest complete path stays short (internal/apptest.ShortVisit):
// the democratic appraisal is asked only when that method was ticked, and
// the further findings (学习、整改、案件认识、管理漏洞、教育引导、诉求) are
// Extra fields, offered together by one button of the review card.
var Fields = []*wizard.Field[*Draft]{
	{Name: "sanctions", Kind: wizard.Multi, Options: sanctionOptions, Show: showSanctions,
		Applies: func(d *Draft) bool { return len(d.Avail) > 1 }},
	{Name: "date", Kind: wizard.Date, Col: "Date", Shortcuts: dateShortcuts, Check: checkDate},
	{Name: "methods", Kind: wizard.Multi, Col: "Methods", Codes: models.Methods, Labels: "method_", PerRow: 2},
	{Name: "type", Kind: wizard.Choice, Col: "Type", Codes: models.VisitTypes, Labels: "type_"},
	{Name: "inspectors", Kind: wizard.Text, Col: "Inspectors", Max: maxShortText, Parse: parseInspectors,
		Shortcuts: onlyMe, PromptData: func(_ *kit.Turn, d *Draft) []any { return []any{"Name", kit.Esc(d.Me)} }},
	{Name: "participants", Kind: wizard.Text, Col: "Participants", Max: maxShortText, Optional: true},
	{Name: "thinking", Kind: wizard.Text, Col: "Thinking", Max: maxLongText},
	{Name: "work", Kind: wizard.Text, Col: "Work", Max: maxLongText},
	appraisal("ap_morality", "AppraisalMorality"),
	appraisal("ap_ability", "AppraisalAbility"),
	appraisal("ap_diligence", "AppraisalDiligence"),
	appraisal("ap_results", "AppraisalResults"),
	appraisal("ap_integrity", "AppraisalIntegrity"),
	{Name: "ap_note", Kind: wizard.Text, Col: "AppraisalNote", Max: maxLongText, Optional: true, Applies: appraised, Conditional: true},
	{Name: "difficulties", Kind: wizard.Text, Col: "Difficulties", Max: maxLongText, Optional: true},
	{Name: "opinions", Kind: wizard.Text, Col: "Opinions", Max: maxLongText, Optional: true},
	extra("study", "Study"),
	extra("rectification", "Rectification"),
	extra("case_view", "CaseView"),
	extra("loopholes", "Loopholes"),
	{Name: "help", Kind: wizard.Text, Col: "Help", Max: maxLongText, Optional: true},
	extra("guidance", "Guidance"),
	extra("requests", "Requests"),
	{Name: "enforcement", Kind: wizard.YesNo, Col: "EnforcementOK", Labels: "enf_", Show: showEnforcement},
	{Name: "problem", Kind: wizard.Text, Col: "EnforcementProblem", Max: maxLongText, Hidden: true, Applies: enforcementProblem,
		Conditional: true},
	{Name: "pay", Kind: wizard.Amount, Col: "PayCorrectedFen", Hidden: true, Applies: enforcementProblem, Conditional: true,
		Shortcuts: func(t *kit.Turn, _ *Draft) []wizard.Option {
			return []wizard.Option{{Code: "0", Label: t.T.T("btn_pay_zero")}}
		}},
	{Name: "conclusion", Kind: wizard.Choice, Col: "Conclusion", Codes: conclCodes, Labels: "concl_", PerRow: 4},
	{Name: "recommendation", Kind: wizard.Choice, Col: "Recommendation", Codes: recCodes, Labels: "rec_"},
	{Name: "feedback", Kind: wizard.YesNo, Col: "FeedbackUnit", PerRow: 2},
	{Name: "branch", Kind: wizard.YesNo, Col: "BranchInformed", PerRow: 2},
	{Name: "next", Kind: wizard.Date, Col: "NextVisit", Optional: true, Parse: parseNext, Check: checkNext, Keeps: afterVisitDate,
		Shortcuts: suggestedNext, PromptData: suggestionData},
}

// appraisal is a grade of the democratic appraisal (德、能、勤、绩、廉),
// asked only when that method was ticked.
func appraisal(name, col string) *wizard.Field[*Draft] {
	return &wizard.Field[*Draft]{Name: name, Kind: wizard.Choice, Col: col, Codes: conclCodes, Labels: "concl_",
		PerRow: 4, Optional: true, Applies: appraised, Conditional: true}
}

// appraised reports whether the visit used a democratic appraisal.
func appraised(d *Draft) bool {
	return slices.Contains(wizard.Split(d.Get("methods")), models.MethodAppraisal)
}

// extra is an optional finding reached from the review card.
func extra(name, col string) *wizard.Field[*Draft] {
	return &wizard.Field[*Draft]{Name: name, Kind: wizard.Text, Col: col, Max: maxLongText, Optional: true, Extra: true}
}

func enforcementProblem(d *Draft) bool { return d.Get("enforcement") == "n" }

// selected are the ids of the sanctions the visit is about: the only one,
// or those ticked.
func (d *Draft) selected() []uint64 {
	if len(d.Avail) == 1 {
		return []uint64{d.Avail[0].ID}
	}
	var ids []uint64
	for _, code := range wizard.Split(d.Get("sanctions")) {
		if id, ok := kit.ParseID(code); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// selectSanctions ticks ids (those of d.Avail), in Avail's order.
func (d *Draft) selectSanctions(ids []uint64) {
	var codes []string
	for _, b := range d.Avail {
		if slices.Contains(ids, b.ID) {
			codes = append(codes, idCode(b.ID))
		}
	}
	d.Set("sanctions", strings.Join(codes, ","))
}

func sanctionOptions(t *kit.Turn, d *Draft) ([]wizard.Option, error) {
	opts := make([]wizard.Option, len(d.Avail))
	for i, b := range d.Avail {
		opts[i] = wizard.Option{Code: idCode(b.ID), Label: t.T.T("kind_"+b.Kind) + " " + b.DecisionNo}
	}
	return opts, nil
}

func showSanctions(tr kit.Tr, d *Draft) string {
	sel := d.selected()
	var parts []string
	for _, b := range d.Avail {
		if slices.Contains(sel, b.ID) {
			parts = append(parts, tr.T("kind_"+b.Kind)+" "+kit.Esc(b.DecisionNo))
		}
	}
	return strings.Join(parts, "；")
}

func dateShortcuts(t *kit.Turn, _ *Draft) []wizard.Option {
	today := t.Today()
	return []wizard.Option{
		{Code: today.Format(kit.DateLayout), Label: t.T.T("btn_today")},
		{Code: today.AddDate(0, 0, -1).Format(kit.DateLayout), Label: t.T.T("btn_yesterday")},
	}
}

// checkDate keeps a visit date between the latest decision of the chosen
// sanctions and today.
func checkDate(d *Draft, v string, today time.Time) error {
	day, _ := kit.ParseDay(v)
	if day.After(today) {
		return kit.Refuse("date_future", "Read", day)
	}
	if latest := d.latestDecision(); day.Before(latest) {
		return kit.Refuse("date_before_decision", "Read", day, "Date", latest)
	}
	return nil
}

// latestDecision is the latest decision date of the selected sanctions.
func (d *Draft) latestDecision() time.Time {
	var latest time.Time
	sel := d.selected()
	for _, b := range d.Avail {
		if t, ok := kit.ParseDay(b.DecisionDate); ok && slices.Contains(sel, b.ID) && t.After(latest) {
			latest = t
		}
	}
	return latest
}

// parseInspectors takes the names present; the logging inspector is
// always among them.
func parseInspectors(d *Draft, text string, _ time.Time) (string, error) {
	if n := kit.RuneLen(text); n > maxShortText {
		return "", kit.Refuse("too_long", "Max", maxShortText, "N", n)
	}
	if d.Me != "" && !strings.Contains(text, d.Me) {
		text = d.Me + "、" + text
	}
	return text, nil
}

func onlyMe(t *kit.Turn, d *Draft) []wizard.Option {
	return []wizard.Option{{Code: d.Me, Label: t.T.T("btn_only_me", "Name", d.Me)}}
}

func showEnforcement(tr kit.Tr, d *Draft) string {
	switch d.Get("enforcement") {
	case "y":
		return tr.T("enf_y")
	case "n":
		amount := ""
		if n := fen(d.Get("pay")); n > 0 {
			amount = kit.FormatFen(n)
		}
		return tr.T("enf_problem_value", "Problem", kit.Esc(d.Get("problem")), "Amount", amount)
	}
	return tr.T("none")
}

// visitDate is the date of the visit, or today while it has none.
func (d *Draft) visitDate(today time.Time) time.Time {
	if day, ok := kit.ParseDay(d.Get("date")); ok {
		return day
	}
	return today
}

// parseNext reads a typed next date; without a year it means the next such
// day after the visit.
func parseNext(d *Draft, text string, today time.Time) (string, error) {
	next, err := kit.ParseDate(text, d.visitDate(today).AddDate(1, 0, 0))
	if err != nil {
		return "", wizard.DateProblem(err)
	}
	return next.Format(kit.DateLayout), nil
}

func checkNext(d *Draft, v string, today time.Time) error {
	if !afterVisitDate(d, v) {
		next, _ := kit.ParseDay(v)
		return kit.Refuse("next_not_after", "Read", next, "Date", d.visitDate(today))
	}
	return nil
}

// afterVisitDate keeps a planned next visit after the visit.
func afterVisitDate(d *Draft, v string) bool {
	date := d.Get("date")
	return date == "" || v > date
}

// calendar is the member as the calendar sees them, without their
// visits: the suggestion counts the visit being logged as the last one.
func (d *Draft) calendar() models.MemberCalendar {
	m := models.Member{ID: d.MemberID, Key: d.Key}
	if d.Interval > 0 {
		assigned := int64(1) // who is assigned does not change the date
		m.AssigneeID, m.IntervalMonths = &assigned, d.Interval
	}
	cal := models.MemberCalendar{Member: m}
	for _, b := range d.Avail {
		cal.Sanctions = append(cal.Sanctions, b.sanction())
	}
	return cal
}

// suggestNext is the next visit the calendar owes after this one: the
// same rule /status, /due and the digests follow.
func (d *Draft) suggestNext(today time.Time) (models.DueItem, bool) {
	return models.SuggestNext(d.Rules, d.calendar(), d.visitDate(today))
}

func suggestedNext(t *kit.Turn, d *Draft) []wizard.Option {
	next, ok := d.suggestNext(t.Today())
	if !ok {
		return nil
	}
	label := t.T.T("btn_use_suggested", "Date", t.T.Date(next.Due), "Reason", kit.ReasonLabel(t.T, next.Reason))
	return []wizard.Option{{Code: next.Due.Format(kit.DateLayout), Label: label}}
}

func suggestionData(t *kit.Turn, d *Draft) []any {
	next, ok := d.suggestNext(t.Today())
	if !ok {
		return []any{"None", true}
	}
	return []any{"Date", t.T.Date(next.Due), "Reason", kit.ReasonLabel(t.T, next.Reason)}
}
