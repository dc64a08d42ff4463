package handlers

import (
	"slices"
	"strings"

	"github.com/huifang/huifang/models"
)

// Steps of the visit flow, in order after the member is chosen.
const (
	stepMember = "member" // typing a name (no draft yet)
	stepPick   = "pick"   // choosing among several members (no draft yet)
	stepReview = "review"
)

var stepOrder = []string{
	"sanctions", "date", "methods", "type", "inspectors", "participants",
	"thinking", "work", "difficulties", "opinions", "help",
	"enforcement", "problem", "pay", "conclusion", "recommendation",
	"feedback", "branch", "next",
}

var (
	methodCodes = []string{models.MethodTalk, models.MethodHome, models.MethodRelatives, models.MethodGroup, models.MethodAppraisal}
	typeCodes   = []string{models.TypeTalk, models.TypeRecommend, models.TypeInteractive}
	conclCodes  = []string{models.ConclusionGood, models.ConclusionFairlyGood, models.ConclusionAverage, models.ConclusionPoor}
	recCodes    = []string{models.RecommendContinue, models.RecommendPost, models.RecommendLift}
)

// Free-text limits, in characters.
const (
	maxShortText = 200
	maxLongText  = 1000
)

func applies(d *Draft, step string) bool {
	switch step {
	case "sanctions":
		return len(d.Avail) > 1
	case "problem", "pay":
		return d.EnfSet && !d.EnfOK
	}
	return true
}

func optional(step string) bool {
	switch step {
	case "participants", "difficulties", "opinions", "help":
		return true
	}
	return false
}

// nextStep is the first applicable step after cur ("" = from the start).
func nextStep(d *Draft, cur string) string {
	i := slices.Index(stepOrder, cur)
	for _, st := range stepOrder[i+1:] {
		if applies(d, st) {
			return st
		}
	}
	return stepReview
}

// prevStep is the last applicable step before cur, or "" at the start.
func prevStep(d *Draft, cur string) string {
	i := slices.Index(stepOrder, cur)
	if cur == stepReview {
		i = len(stepOrder)
	}
	for j := i - 1; j >= 0; j-- {
		if applies(d, stepOrder[j]) {
			return stepOrder[j]
		}
	}
	return ""
}

// textField is the draft field a free-text step fills, with its limit.
func (d *Draft) textField(step string) (*string, int) {
	switch step {
	case "participants":
		return &d.Participants, maxShortText
	case "thinking":
		return &d.Thinking, maxLongText
	case "work":
		return &d.Work, maxLongText
	case "difficulties":
		return &d.Difficulties, maxLongText
	case "opinions":
		return &d.Opinions, maxLongText
	case "help":
		return &d.Help, maxLongText
	case "problem":
		return &d.EnfProblem, maxLongText
	}
	return nil, 0
}

// choiceField is the draft field a single-choice step fills, its codes
// and the catalogue prefix of their labels.
func (d *Draft) choiceField(step string) (*string, []string, string) {
	switch step {
	case "type":
		return &d.Type, typeCodes, "type_"
	case "conclusion":
		return &d.Conclusion, conclCodes, "concl_"
	case "recommendation":
		return &d.Recommend, recCodes, "rec_"
	}
	return nil, nil, ""
}

// advance moves past the current step: on to the next one, or back to the
// review card when the step was opened from it.
func (s *session) advance() {
	d := s.st.Draft
	needsMore := d.Step == "enforcement" && !d.EnfOK || d.Step == "problem"
	if d.Review && !needsMore {
		d.Step, d.Review = stepReview, false
	} else {
		d.Step = nextStep(d, d.Step)
	}
	s.show(s.visitPrompt())
}

func (s *session) back() {
	d := s.st.Draft
	if d.Review {
		d.Step, d.Review = stepReview, false
		s.show(s.visitPrompt())
		return
	}
	prev := prevStep(d, d.Step)
	if prev == "" {
		s.st.Draft, s.st.Step = nil, stepMember
		s.show(Message{Text: s.t.T("ask_member"), Buttons: [][]Button{{s.btn(s.t.T("btn_cancel"), "cx", "")}}})
		return
	}
	d.Step = prev
	s.show(s.visitPrompt())
}

// retry answers a rejected input: the reason, then the same question again.
func (s *session) retry(id string, kv ...any) {
	s.say(id, kv...)
	s.send(s.visitPrompt())
}

// visitText handles typed text in the visit flow.
func (s *session) visitText(text string) error {
	d := s.st.Draft
	if d == nil {
		return s.memberSearch(text)
	}
	if field, limit := d.textField(d.Step); field != nil {
		if n := runeLen(text); n > limit {
			s.retry("too_long", "Max", limit, "N", n)
			return nil
		}
		*field = text
		s.advance()
		return nil
	}
	switch d.Step {
	case "date":
		s.typedDate(text)
	case "next":
		s.typedNext(text)
	case "pay":
		s.typedPay(text)
	case "inspectors":
		s.typedInspectors(text)
	case stepEditReason:
		return s.typedEditReason(text)
	default:
		s.retry("use_buttons")
	}
	return nil
}

// visitButton handles a pressed button of the visit flow.
func (s *session) visitButton(cb Callback) error {
	d := s.st.Draft
	switch {
	case cb.Action == "cx":
		s.cmdCancel()
		return nil
	case d == nil && cb.Action == "mb":
		id, ok := s.chosen(cb.Arg)
		if !ok {
			s.toast("button_expired")
			return nil
		}
		return s.startDraft(id)
	case d == nil:
		s.toast("button_expired")
		return nil
	case cb.Action == "bk":
		s.back()
		return nil
	case cb.Action == "sk" && optional(d.Step):
		field, _ := d.textField(d.Step)
		*field = ""
		s.advance()
		return nil
	case d.Step == stepReview:
		return s.reviewButton(cb)
	}
	if !s.stepButton(d, cb) {
		s.toast("button_expired")
	}
	return nil
}

// navRow is the Back / Skip / Cancel row every step offers.
func (s *session) navRow(step string) []Button {
	row := []Button{s.btn(s.t.T("btn_back"), "bk", "")}
	if optional(step) {
		row = append(row, s.btn(s.t.T("btn_skip"), "sk", ""))
	}
	return append(row, s.btn(s.t.T("btn_cancel"), "cx", ""))
}

// visitPrompt renders the question of the current step.
func (s *session) visitPrompt() Message {
	d := s.st.Draft
	if d == nil {
		return Message{Text: s.t.T("ask_member")}
	}
	if d.Step == stepReview {
		return s.reviewCard()
	}
	if d.Step == stepEditReason {
		return s.editReasonPrompt()
	}
	text := s.t.T("q_"+d.Step, s.promptData(d)...)
	if cur := s.currentValue(d); cur != "" {
		text += "\n" + s.t.T("current_value", "Value", cur)
	}
	m := Message{Text: s.progress(d) + text}
	m.Buttons = append(s.stepButtons(d), s.navRow(d.Step))
	return m
}

// progress is the "[3/17]" prefix of a question.
func (s *session) progress(d *Draft) string {
	n, pos := 0, 0
	for _, st := range stepOrder {
		if applies(d, st) {
			n++
			if st == d.Step {
				pos = n
			}
		}
	}
	return s.t.T("progress", "Pos", pos, "N", n, "Name", esc(d.MemberName)) + "\n"
}

// currentValue shows an already given free-text answer when a step is
// revisited, so Back and edit never hide what was typed.
func (s *session) currentValue(d *Draft) string {
	if field, _ := d.textField(d.Step); field != nil {
		return esc(*field)
	}
	switch d.Step {
	case "inspectors":
		return esc(d.Inspectors)
	case "date", "next":
		if v := s.fieldValue(d, d.Step); v != s.t.T("none") {
			return v
		}
	}
	return ""
}

func joinLabels(t tr, prefix string, codes []string) string {
	labels := make([]string, len(codes))
	for i, c := range codes {
		labels[i] = t.T(prefix + c)
	}
	sep := "、"
	if t.lang == LangEN {
		sep = ", "
	}
	return strings.Join(labels, sep)
}
