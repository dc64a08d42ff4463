package handlers

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// reviewCard shows the whole draft with an edit button per field. It is
// the only place findings are echoed back to Telegram.
func (s *session) reviewCard() Message {
	d := s.st.Draft
	text := s.reviewText() + "\n\n" + s.t.T("review_hint")
	var rows [][]Button
	var row []Button
	for _, st := range stepOrder {
		if !applies(d, st) || st == "problem" || st == "pay" {
			continue
		}
		row = append(row, s.btn("✏️ "+s.t.T("f_"+st), "ed", st))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	rows = append(rows, []Button{s.btn(s.t.T("btn_confirm"), "cf", ""), s.btn(s.t.T("btn_cancel"), "cx", "")})
	return Message{Text: text, Buttons: rows}
}

// reviewText is the draft's title and fields, as on the review card.
func (s *session) reviewText() string {
	d := s.st.Draft
	var b strings.Builder
	if d.EditOf != 0 {
		b.WriteString(s.t.T("ed_review_title", "No", d.EditOf, "Name", esc(d.MemberName), "Unit", esc(d.UnitName)))
	} else {
		b.WriteString(s.t.T("review_title", "Name", esc(d.MemberName), "Unit", esc(d.UnitName)))
	}
	for _, st := range stepOrder {
		if !applies(d, st) || st == "problem" || st == "pay" {
			continue
		}
		b.WriteString("\n" + s.t.T("field_line", "Label", s.t.T("f_"+st), "Value", s.fieldValue(d, st)))
	}
	return b.String()
}

// fieldValue renders one field of the draft for the review card.
func (s *session) fieldValue(d *Draft, step string) string {
	empty := s.t.T("none")
	if field, _ := d.textField(step); field != nil {
		if *field == "" {
			return empty
		}
		return esc(*field)
	}
	if field, _, prefix := d.choiceField(step); field != nil {
		return s.t.T(prefix + *field)
	}
	switch step {
	case "sanctions":
		var parts []string
		for _, b := range d.Avail {
			if slices.Contains(d.Sel, b.ID) {
				parts = append(parts, s.t.T("kind_"+b.Kind)+" "+esc(b.DecisionNo))
			}
		}
		return strings.Join(parts, "；")
	case "date", "next":
		v := d.Date
		if step == "next" {
			v = d.Next
		}
		if t, err := time.Parse(dateLayout, v); err == nil {
			return s.t.Date(t)
		}
		return empty
	case "methods":
		return joinLabels(s.t, "method_", d.Methods)
	case "inspectors":
		return esc(d.Inspectors)
	case "enforcement":
		if d.EnfOK {
			return s.t.T("enf_ok")
		}
		return s.t.T("enf_problem_value", "Problem", esc(d.EnfProblem), "Amount", FormatFen(d.PayFen))
	case "feedback":
		return s.yesNo(d.Feedback)
	case "branch":
		return s.yesNo(d.Branch)
	}
	return empty
}

func (s *session) yesNo(v bool) string {
	if v {
		return s.t.T("btn_yes")
	}
	return s.t.T("btn_no")
}

func (s *session) reviewButton(cb Callback) error {
	d := s.st.Draft
	switch {
	case cb.Action == "ed" && slices.Contains(stepOrder, cb.Arg) && applies(d, cb.Arg):
		d.Step, d.Review = cb.Arg, true
		s.show(s.visitPrompt())
		return nil
	case cb.Action == "cf":
		return s.confirm()
	}
	s.toast("button_expired")
	return nil
}

// confirm saves a new visit, or asks for the reason of an edit. The draft
// id is the visit's idempotency key, so a confirm repeated after a crash or
// by a second replica saves once.
func (s *session) confirm() error {
	d := s.st.Draft
	if missing := firstMissing(d); missing != "" {
		d.Step = missing
		s.toast("incomplete")
		s.show(s.visitPrompt())
		return nil
	}
	if d.EditOf != 0 {
		return s.confirmEdit()
	}
	v := d.toVisit()
	if _, err := s.a.store.CreateVisit(s.ctx, s.viewer, &v, d.Sel); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			s.say("member_gone")
			return nil
		}
		return fmt.Errorf("save visit of member %d: %w", d.MemberID, err)
	}
	s.show(Message{Text: s.reviewText() + "\n\n" + s.t.T("saved", "No", v.ID)})
	s.toast("saved_short")
	s.st.Draft, s.st.Flow, s.st.Step = nil, "", ""
	return nil
}

// firstMissing returns the first required step without an answer, or "".
func firstMissing(d *Draft) string {
	switch {
	case len(d.Sel) == 0:
		return "sanctions"
	case d.Date == "":
		return "date"
	case len(d.Methods) == 0:
		return "methods"
	case d.Type == "":
		return "type"
	case d.Inspectors == "":
		return "inspectors"
	case d.Thinking == "":
		return "thinking"
	case d.Work == "":
		return "work"
	case !d.EnfSet:
		return "enforcement"
	case !d.EnfOK && d.EnfProblem == "":
		return "problem"
	case d.Conclusion == "":
		return "conclusion"
	case d.Recommend == "":
		return "recommendation"
	case !d.FeedbackSet:
		return "feedback"
	case !d.BranchSet:
		return "branch"
	case d.Next == "":
		return "next"
	}
	return ""
}

func (d *Draft) toVisit() models.Visit {
	date, _ := time.Parse(dateLayout, d.Date)
	v := models.Visit{
		IdemKey: d.ID, MemberID: d.MemberID, Date: date,
		Methods: strings.Join(d.Methods, ","), Type: d.Type,
		Inspectors: d.Inspectors, Participants: d.Participants,
		Thinking: d.Thinking, Work: d.Work, Difficulties: d.Difficulties,
		Opinions: d.Opinions, Help: d.Help,
		EnforcementOK: d.EnfOK, EnforcementProblem: d.EnfProblem, PayCorrectedFen: d.PayFen,
		Conclusion: d.Conclusion, Recommendation: d.Recommend,
		FeedbackUnit: d.Feedback, BranchInformed: d.Branch,
	}
	if next, err := time.Parse(dateLayout, d.Next); err == nil {
		v.NextVisit = &next
	}
	return v
}
