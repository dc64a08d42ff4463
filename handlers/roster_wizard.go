package handlers

import (
	"slices"
	"strconv"
)

// The steps of the member and sanction wizards, in order. A member card's
// edits use the same steps, one at a time.
var (
	memberAddSteps   = []string{"name", "unit", "post", "rank", "key", "reason", stepRosterRev}
	sanctionAddSteps = []string{"kind", "probation", "no", "date", "effective", stepRosterRev}
)

// rosterSteps is the step order of the wizard r runs (nil for edits).
func rosterSteps(r *RosterState) []string {
	switch r.Kind {
	case kindMemberAdd:
		return memberAddSteps
	case kindSanctionAdd:
		return sanctionAddSteps
	}
	return nil
}

// rosterApplies reports whether a wizard step is asked at all.
func rosterApplies(r *RosterState, step string) bool {
	switch step {
	case "reason":
		return r.Key
	case "probation":
		return r.SKind == string(kindProbation)
	}
	return true
}

// nextRosterStep is the first applicable step after cur.
func nextRosterStep(r *RosterState, cur string) string {
	steps := rosterSteps(r)
	for _, st := range steps[slices.Index(steps, cur)+1:] {
		if rosterApplies(r, st) {
			return st
		}
	}
	return stepRosterRev
}

// prevRosterStep is the last applicable step before cur, or "".
func prevRosterStep(r *RosterState, cur string) string {
	steps := rosterSteps(r)
	for j := slices.Index(steps, cur) - 1; j >= 0; j-- {
		if rosterApplies(r, steps[j]) {
			return steps[j]
		}
	}
	return ""
}

// rosterAnswered moves on once the current step has its answer: an edit
// is saved, a wizard shows its next question.
func (s *session) rosterAnswered() error {
	r := s.st.Roster
	if r.Kind == kindMemberEdit {
		return s.applyEdit()
	}
	r.Step = nextRosterStep(r, r.Step)
	if r.Reviewed {
		// Back from the review card and answered again: return to it,
		// unless the new answer opened a question (a key target's reason).
		r.Step = stepRosterRev
		if m := rosterMissing(r); m != "" {
			r.Step = m
		}
	}
	return s.showRosterPrompt()
}

// rosterMissing is the first unanswered required step of a wizard.
func rosterMissing(r *RosterState) string {
	if r.Kind == kindSanctionAdd {
		return sanctionMissing(r)
	}
	return memberMissing(r)
}

// rosterBack goes one question back, or from an edit back to the card.
func (s *session) rosterBack() error {
	r := s.st.Roster
	if r.Kind == kindMemberEdit {
		if r.Step == "interval" || r.Step == "lift_no" {
			r.Step = map[string]string{"interval": "assign", "lift_no": "lift_date"}[r.Step]
			return s.showRosterPrompt()
		}
		return s.openMember(r.MemberID)
	}
	if prev := prevRosterStep(r, r.Step); prev != "" {
		r.Step = prev
	}
	return s.showRosterPrompt()
}

// showRosterPrompt shows the question of the current step.
func (s *session) showRosterPrompt() error {
	m, err := s.rosterPrompt()
	if err != nil {
		return err
	}
	s.show(m)
	return nil
}

// rosterRetry answers a rejected input: the reason, then the question again.
func (s *session) rosterRetry(id string, kv ...any) error {
	s.say(id, kv...)
	m, err := s.rosterPrompt()
	if err != nil {
		return err
	}
	s.send(m)
	return nil
}

// rosterPrompt renders the question of the current step with its answer
// buttons and the Back / Skip / Cancel row.
func (s *session) rosterPrompt() (Message, error) {
	r := s.st.Roster
	if r.Step == stepRosterRev {
		return s.rosterReview(), nil
	}
	rows, err := s.rosterStepButtons(r)
	if err != nil {
		return Message{}, err
	}
	text := s.rosterHeading(r) + "\n" + s.t.T("ro_q_"+r.Step, s.rosterPromptData(r)...)
	if cur := s.rosterCurrent(r); cur != "" {
		text += "\n" + s.t.T("current_value", "Value", cur)
	}
	return Message{Text: text, Buttons: append(rows, s.rosterNav(r))}, nil
}

// rosterHeading names what the wizard is doing.
func (s *session) rosterHeading(r *RosterState) string {
	switch r.Kind {
	case kindMemberAdd:
		return s.t.T("ro_head_member_add")
	case kindSanctionAdd:
		return s.t.T("ro_head_sanction_add", "Name", esc(r.MemberName))
	}
	return s.t.T("ro_head_member_edit", "Name", esc(r.MemberName))
}

// rosterNav is the navigation row: Back (not on a wizard's first step),
// Skip where the answer is optional, Cancel.
func (s *session) rosterNav(r *RosterState) []Button {
	var row []Button
	if r.Kind == kindMemberEdit || prevRosterStep(r, r.Step) != "" {
		row = append(row, s.btn(s.t.T("btn_back"), "bk", ""))
	}
	if r.Step == "post" {
		row = append(row, s.btn(s.t.T("btn_skip"), "sk", ""))
	}
	return append(row, s.btn(s.t.T("btn_cancel"), "cx", ""))
}

// rosterPromptData is the template data of a question.
func (s *session) rosterPromptData(r *RosterState) []any {
	switch r.Step {
	case "effective":
		if d, ok := parseDay(r.Decided); ok {
			return []any{"Date", s.t.Date(d)}
		}
	case "interval":
		return []any{"Name", esc(r.Name), "Min", minInterval, "Max", maxInterval}
	case "lift_date", "lift_no":
		return []any{"Kind", s.t.T("kind_" + r.SKind), "Restore", r.SKind == string(kindProbation)}
	}
	return nil
}

// rosterCurrent shows the answer a step already has when it is shown
// again (after Back).
func (s *session) rosterCurrent(r *RosterState) string {
	var v string
	switch r.Step {
	case "name":
		v = r.Name
	case "unit":
		v = r.UnitName
	case "post":
		v = r.Post
	case "reason":
		v = r.KeyReason
	case "no":
		v = r.DecisionNo
	case "date", "effective":
		day := r.Decided
		if r.Step == "effective" {
			day = r.Effective
		}
		if d, ok := parseDay(day); ok {
			return s.t.Date(d)
		}
	}
	if r.Kind == kindMemberEdit && r.Step != "reason" {
		return "" // an edit's current value is on the card
	}
	return esc(v)
}

// rosterInput handles typed text at a step of a wizard or an edit.
func (s *session) rosterInput(text string) error {
	r := s.st.Roster
	switch r.Step {
	case "name":
		return s.typedName(text)
	case "post", "reason", "no", "lift_no":
		return s.typedShort(text)
	case "unit":
		return s.typedUnit(text)
	case "date", "effective", "lift_date":
		return s.typedRosterDate(text)
	case "interval":
		n, err := strconv.Atoi(foldInput(text))
		if err != nil {
			return s.rosterRetry("ro_interval_range", "Min", minInterval, "Max", maxInterval)
		}
		return s.setInterval(n)
	}
	return s.rosterRetry("use_buttons")
}

// wizardButton handles a pressed button of a wizard step or an edit.
func (s *session) wizardButton(cb Callback) error {
	r := s.st.Roster
	switch {
	case cb.Action == "bk":
		return s.rosterBack()
	case cb.Action == "sk" && r.Step == "post":
		r.Post = ""
		return s.rosterAnswered()
	case cb.Action == "cf" && r.Step == stepRosterRev:
		if r.Kind == kindSanctionAdd {
			return s.confirmSanction()
		}
		return s.confirmMember()
	}
	ok, err := s.stepAnswerButton(r, cb)
	if err == nil && !ok {
		s.toast("button_expired")
	}
	return err
}

// stepAnswerButton applies an answer button of the current step; false
// means the button does not belong to it.
func (s *session) stepAnswerButton(r *RosterState, cb Callback) (bool, error) {
	switch {
	case r.Step == "unit" && cb.Action == "un":
		return true, s.pickedUnit(cb.Arg)
	case r.Step == "rank" && cb.Action == "rk" && slices.Contains(rankCodes, cb.Arg):
		r.Rank = cb.Arg
		return true, s.rosterAnswered()
	case r.Step == "key" && cb.Action == "yn" && (cb.Arg == "y" || cb.Arg == "n"):
		r.Key = cb.Arg == "y"
		if !r.Key {
			r.KeyReason = ""
		}
		return true, s.rosterAnswered()
	case r.Step == "kind" && cb.Action == "kd" && slices.Contains(kindCodes, cb.Arg):
		r.SKind = cb.Arg
		if r.SKind != string(kindProbation) {
			r.Probation = 0
		}
		return true, s.rosterAnswered()
	case r.Step == "probation" && cb.Action == "pm" && (cb.Arg == "12" || cb.Arg == "24"):
		r.Probation, _ = strconv.Atoi(cb.Arg)
		return true, s.rosterAnswered()
	case r.Step == "effective" && cb.Action == "sd":
		return true, s.setRosterDate(r.Decided)
	case r.Step == "lift_date" && cb.Action == "td":
		return true, s.setRosterDate(s.today().Format(dateLayout))
	case r.Step == "assign" && (cb.Action == "as" || cb.Action == "ac"):
		return true, s.pickedAssignee(cb)
	case r.Step == "interval" && cb.Action == "iv":
		n, err := strconv.Atoi(cb.Arg)
		if err != nil {
			return false, nil
		}
		return true, s.setInterval(n)
	}
	return false, nil
}
