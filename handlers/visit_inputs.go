package handlers

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// stepButtons are the answer buttons of the current step.
func (s *session) stepButtons(d *Draft) [][]Button {
	if _, codes, prefix := d.choiceField(d.Step); codes != nil {
		var rows [][]Button
		for _, c := range codes {
			rows = append(rows, []Button{s.btn(s.t.T(prefix+c), "ch", c)})
		}
		return rows
	}
	switch d.Step {
	case "sanctions":
		var rows [][]Button
		for _, b := range d.Avail {
			mark := mark(slices.Contains(d.Sel, b.ID))
			rows = append(rows, []Button{s.btn(mark+s.t.T("kind_"+b.Kind)+" "+b.DecisionNo, "ts", strconv.FormatUint(b.ID, 10))})
		}
		return append(rows, []Button{s.btn(s.t.T("btn_done"), "ok", "")})
	case "date":
		return [][]Button{{s.btn(s.t.T("btn_today"), "dt", "0"), s.btn(s.t.T("btn_yesterday"), "dt", "1")}}
	case "methods":
		var rows [][]Button
		for _, c := range methodCodes {
			rows = append(rows, []Button{s.btn(mark(slices.Contains(d.Methods, c))+s.t.T("method_"+c), "tg", c)})
		}
		return append(rows, []Button{s.btn(s.t.T("btn_done"), "ok", "")})
	case "inspectors":
		return [][]Button{{s.btn(s.t.T("btn_only_me", "Name", s.displayName()), "me", "")}}
	case "enforcement":
		return [][]Button{{s.btn(s.t.T("enf_ok"), "en", "ok")}, {s.btn(s.t.T("enf_problem"), "en", "problem")}}
	case "pay":
		return [][]Button{{s.btn(s.t.T("btn_pay_zero"), "p0", "")}}
	case "feedback", "branch":
		return [][]Button{{s.btn(s.t.T("btn_yes"), "yn", "y"), s.btn(s.t.T("btn_no"), "yn", "n")}}
	case "next":
		next, reason := s.suggestNext(d)
		return [][]Button{{s.btn(s.t.T("btn_use_suggested", "Date", s.t.Date(next), "Reason", s.t.T("reason_"+string(reason))), "nx", "")}}
	}
	return nil
}

func mark(on bool) string {
	if on {
		return "✅ "
	}
	return "▫️ "
}

// stepButton applies a pressed answer button; false means the button does
// not belong to the current step.
func (s *session) stepButton(d *Draft, cb Callback) bool {
	if field, codes, _ := d.choiceField(d.Step); field != nil && cb.Action == "ch" {
		if !slices.Contains(codes, cb.Arg) {
			return false
		}
		*field = cb.Arg
		s.advance()
		return true
	}
	switch {
	case d.Step == "sanctions" && (cb.Action == "ts" || cb.Action == "ok"):
		s.sanctionButton(d, cb)
	case d.Step == "methods" && (cb.Action == "tg" || cb.Action == "ok"):
		s.methodButton(d, cb)
	case d.Step == "date" && cb.Action == "dt" && (cb.Arg == "0" || cb.Arg == "1"):
		n, _ := strconv.Atoi(cb.Arg)
		s.setDate(s.today().AddDate(0, 0, -n))
	case d.Step == "inspectors" && cb.Action == "me":
		d.Inspectors = s.displayName()
		s.advance()
	case d.Step == "enforcement" && cb.Action == "en" && (cb.Arg == "ok" || cb.Arg == "problem"):
		d.EnfSet, d.EnfOK = true, cb.Arg == "ok"
		if d.EnfOK {
			d.EnfProblem, d.PayFen = "", 0
		}
		s.advance()
	case d.Step == "pay" && cb.Action == "p0":
		d.PayFen = 0
		s.advance()
	case (d.Step == "feedback" || d.Step == "branch") && cb.Action == "yn" && (cb.Arg == "y" || cb.Arg == "n"):
		if d.Step == "feedback" {
			d.FeedbackSet, d.Feedback = true, cb.Arg == "y"
		} else {
			d.BranchSet, d.Branch = true, cb.Arg == "y"
		}
		s.advance()
	case d.Step == "next" && cb.Action == "nx":
		next, _ := s.suggestNext(d)
		d.Next = next.Format(dateLayout)
		s.advance()
	default:
		return false
	}
	return true
}

func (s *session) sanctionButton(d *Draft, cb Callback) {
	if cb.Action == "ok" {
		if len(d.Sel) == 0 {
			s.toast("pick_one")
			s.show(s.visitPrompt())
			return
		}
		s.advance()
		return
	}
	id, ok := parseID(cb.Arg)
	if !ok || !slices.ContainsFunc(d.Avail, func(b SanctionBrief) bool { return b.ID == id }) {
		s.toast("button_expired")
		return
	}
	if i := slices.Index(d.Sel, id); i >= 0 {
		d.Sel = slices.Delete(d.Sel, i, i+1)
	} else {
		d.Sel = append(d.Sel, id)
	}
	s.show(s.visitPrompt())
}

func (s *session) methodButton(d *Draft, cb Callback) {
	if cb.Action == "ok" {
		if len(d.Methods) == 0 {
			s.toast("pick_one")
			s.show(s.visitPrompt())
			return
		}
		s.advance()
		return
	}
	if !slices.Contains(methodCodes, cb.Arg) {
		s.toast("button_expired")
		return
	}
	if i := slices.Index(d.Methods, cb.Arg); i >= 0 {
		d.Methods = slices.Delete(d.Methods, i, i+1)
	} else {
		// Keep the catalogue's order whatever order they were pressed in.
		d.Methods = append(d.Methods, cb.Arg)
		slices.SortFunc(d.Methods, func(a, b string) int {
			return slices.Index(methodCodes, a) - slices.Index(methodCodes, b)
		})
	}
	s.show(s.visitPrompt())
}

func (s *session) typedDate(text string) {
	d, err := ParseDate(text, s.today())
	if err != nil {
		s.retry(dateError(err))
		return
	}
	s.setDate(d)
}

func dateError(err error) string {
	if errors.Is(err, ErrDateInvalid) {
		return "date_invalid"
	}
	return "date_format"
}

// setDate checks a visit date: not in the future, not before a decision.
func (s *session) setDate(date time.Time) {
	d := s.st.Draft
	if date.After(s.today()) {
		s.retry("date_future")
		return
	}
	if latest := s.latestDecision(d); date.Before(latest) {
		s.retry("date_before_decision", "Date", s.t.Date(latest))
		return
	}
	d.Date = date.Format(dateLayout)
	if d.Next != "" && d.Next <= d.Date {
		d.Next = "" // the planned next visit must stay after the visit
	}
	s.advance()
}

// latestDecision is the latest decision date of the selected sanctions.
func (s *session) latestDecision(d *Draft) time.Time {
	var latest time.Time
	for _, b := range d.Avail {
		if !slices.Contains(d.Sel, b.ID) {
			continue
		}
		if t, err := time.Parse(dateLayout, b.DecisionDate); err == nil && t.After(latest) {
			latest = t
		}
	}
	return latest
}

func (s *session) typedNext(text string) {
	d := s.st.Draft
	visit, _ := time.Parse(dateLayout, d.Date)
	// Without a year, a typed day means the next such day after the visit.
	next, err := ParseDate(text, visit.AddDate(1, 0, 0))
	if err != nil {
		s.retry(dateError(err))
		return
	}
	if !next.After(visit) {
		s.retry("next_not_after", "Date", s.t.Date(visit))
		return
	}
	d.Next = next.Format(dateLayout)
	s.advance()
}

func (s *session) typedPay(text string) {
	fen, err := ParseAmount(text)
	if err != nil {
		id := "amount_format"
		if errors.Is(err, ErrAmountRange) {
			id = "amount_range"
		}
		s.retry(id)
		return
	}
	s.st.Draft.PayFen = fen
	s.advance()
}

// typedInspectors takes the names present; the logging inspector is
// always among them.
func (s *session) typedInspectors(text string) {
	if n := runeLen(text); n > maxShortText {
		s.retry("too_long", "Max", maxShortText, "N", n)
		return
	}
	me := s.displayName()
	if me != "" && !strings.Contains(text, me) {
		text = me + "、" + text
	}
	s.st.Draft.Inspectors = text
	s.advance()
}

// suggestNext proposes the next visit date from the rules in models.
func (s *session) suggestNext(d *Draft) (time.Time, models.NextReason) {
	visit, err := time.Parse(dateLayout, d.Date)
	if err != nil {
		visit = s.today()
	}
	var sanctions []models.Sanction
	for _, b := range d.Avail {
		sc := models.Sanction{ID: b.ID, Kind: models.SanctionKind(b.Kind)}
		if t, err := time.Parse(dateLayout, b.PeriodEnd); err == nil {
			sc.PeriodEnd = &t
		}
		if b.Lifted {
			sc.LiftedOn = &visit
		}
		sanctions = append(sanctions, sc)
	}
	return models.SuggestNextVisit(models.Member{Key: d.Key}, sanctions, visit)
}

// promptData is the template data of the current question.
func (s *session) promptData(d *Draft) []any {
	switch d.Step {
	case "inspectors":
		return []any{"Name", esc(s.displayName())}
	case "next":
		next, reason := s.suggestNext(d)
		return []any{"Date", s.t.Date(next), "Reason", s.t.T("reason_" + string(reason))}
	}
	return nil
}
