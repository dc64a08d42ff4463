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
}

// SanctionBrief is what a draft needs of a sanction.
type SanctionBrief struct {
	ID           uint64 `json:"id"`
	Kind         string `json:"k"`
	DecisionNo   string `json:"no"`
	DecisionDate string `json:"dd"`
	PeriodEnd    string `json:"pe,omitempty"`
	Lifted       bool   `json:"l,omitempty"`
}

func briefOf(sc models.Sanction) SanctionBrief {
	b := SanctionBrief{ID: sc.ID, Kind: string(sc.Kind), DecisionNo: sc.DecisionNo,
		DecisionDate: sc.DecisionDate.Format(kit.DateLayout), Lifted: sc.LiftedOn != nil}
	if sc.PeriodEnd != nil {
		b.PeriodEnd = sc.PeriodEnd.Format(kit.DateLayout)
	}
	return b
}

// Answer codes offered as buttons.
var (
	methodCodes = []string{models.MethodTalk, models.MethodHome, models.MethodRelatives, models.MethodGroup, models.MethodAppraisal}
	typeCodes   = []string{models.TypeTalk, models.TypeRecommend, models.TypeInteractive}
	conclCodes  = []string{models.ConclusionGood, models.ConclusionFairlyGood, models.ConclusionAverage, models.ConclusionPoor}
	recCodes    = []string{models.RecommendContinue, models.RecommendPost, models.RecommendLift}
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
var Fields = []*wizard.Field[*Draft]{
	{Name: "sanctions", Kind: wizard.Multi, Options: sanctionOptions, Show: showSanctions,
		Applies: func(d *Draft) bool { return len(d.Avail) > 1 }},
	{Name: "date", Kind: wizard.Date, Col: "Date", Shortcuts: dateShortcuts, Check: checkDate},
	{Name: "methods", Kind: wizard.Multi, Col: "Methods", Codes: methodCodes, Labels: "method_"},
	{Name: "type", Kind: wizard.Choice, Col: "Type", Codes: typeCodes, Labels: "type_"},
	{Name: "inspectors", Kind: wizard.Text, Col: "Inspectors", Max: maxShortText, Parse: parseInspectors,
		Shortcuts: onlyMe, PromptData: func(_ *kit.Turn, d *Draft) []any { return []any{"Name", kit.Esc(d.Me)} }},
	{Name: "participants", Kind: wizard.Text, Col: "Participants", Max: maxShortText, Optional: true},
	{Name: "thinking", Kind: wizard.Text, Col: "Thinking", Max: maxLongText},
	{Name: "work", Kind: wizard.Text, Col: "Work", Max: maxLongText},
	{Name: "difficulties", Kind: wizard.Text, Col: "Difficulties", Max: maxLongText, Optional: true},
	{Name: "opinions", Kind: wizard.Text, Col: "Opinions", Max: maxLongText, Optional: true},
	{Name: "help", Kind: wizard.Text, Col: "Help", Max: maxLongText, Optional: true},
	{Name: "enforcement", Kind: wizard.YesNo, Col: "EnforcementOK", Labels: "enf_", Show: showEnforcement},
	{Name: "problem", Kind: wizard.Text, Col: "EnforcementProblem", Max: maxLongText, Hidden: true, Applies: enforcementProblem,
		Conditional: true},
	{Name: "pay", Kind: wizard.Amount, Col: "PayCorrectedFen", Hidden: true, Applies: enforcementProblem, Conditional: true,
		Shortcuts: func(t *kit.Turn, _ *Draft) []wizard.Option {
			return []wizard.Option{{Code: "0", Label: t.T.T("btn_pay_zero")}}
		}},
	{Name: "conclusion", Kind: wizard.Choice, Col: "Conclusion", Codes: conclCodes, Labels: "concl_"},
	{Name: "recommendation", Kind: wizard.Choice, Col: "Recommendation", Codes: recCodes, Labels: "rec_"},
	{Name: "feedback", Kind: wizard.YesNo, Col: "FeedbackUnit", PerRow: 2},
	{Name: "branch", Kind: wizard.YesNo, Col: "BranchInformed", PerRow: 2},
	{Name: "next", Kind: wizard.Date, Col: "NextVisit", Parse: parseNext, Check: checkNext, Keeps: afterVisitDate,
		Shortcuts: suggestedNext, PromptData: suggestionData},
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
		return tr.T("enf_problem_value", "Problem", kit.Esc(d.Get("problem")), "Amount", kit.FormatFen(fen(d.Get("pay"))))
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

// suggestNext proposes the next visit date from the rules in models.
func (d *Draft) suggestNext(today time.Time) (time.Time, models.NextReason) {
	visit := d.visitDate(today)
	var sanctions []models.Sanction
	for _, b := range d.Avail {
		sc := models.Sanction{ID: b.ID, Kind: models.SanctionKind(b.Kind)}
		if t, ok := kit.ParseDay(b.PeriodEnd); ok {
			sc.PeriodEnd = &t
		}
		if b.Lifted {
			sc.LiftedOn = &visit
		}
		sanctions = append(sanctions, sc)
	}
	return models.SuggestNextVisit(models.Member{Key: d.Key}, sanctions, visit)
}

func suggestedNext(t *kit.Turn, d *Draft) []wizard.Option {
	next, reason := d.suggestNext(t.Today())
	label := t.T.T("btn_use_suggested", "Date", t.T.Date(next), "Reason", t.T.T("reason_"+string(reason)))
	return []wizard.Option{{Code: next.Format(kit.DateLayout), Label: label}}
}

func suggestionData(t *kit.Turn, d *Draft) []any {
	next, reason := d.suggestNext(t.Today())
	return []any{"Date", t.T.Date(next), "Reason", t.T.T("reason_" + string(reason))}
}
