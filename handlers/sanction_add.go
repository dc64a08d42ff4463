package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang/models"
)

// cmdSanction handles "/sanction add [member]".
func (s *session) cmdSanction(args string) error {
	verb, rest, _ := strings.Cut(args, " ")
	if !strings.EqualFold(verb, "add") && verb != "新增" {
		s.say("ro_sanction_usage")
		return nil
	}
	if !s.canEditRoster() {
		return s.refuseRoster(kindSanctionAdd)
	}
	rest = strings.TrimSpace(rest)
	s.startRoster(&RosterState{Kind: kindSanctionAdd, Step: stepAskMember})
	if rest == "" {
		s.show(Message{Text: s.t.T("ro_ask_sanction_member"), Buttons: [][]Button{{s.btn(s.t.T("btn_cancel"), "cx", "")}}})
		return nil
	}
	return s.lookup(rest, "mb", s.sanctionFor)
}

// sanctionFor starts the sanction wizard for a member the viewer may see.
func (s *session) sanctionFor(memberID uint64) error {
	m, _, _, err := s.a.store.MemberSanctions(s.ctx, s.viewer, memberID)
	if errors.Is(err, models.ErrNotFound) {
		s.endRoster()
		s.say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load member %d: %w", memberID, err)
	}
	s.startRoster(&RosterState{Kind: kindSanctionAdd, Step: "kind", MemberID: m.ID, MemberName: m.Name})
	return s.showRosterPrompt()
}

func (s *session) sanctionReview(b *strings.Builder, r *RosterState) {
	line := func(label, value string) {
		b.WriteString("\n" + s.t.T("field_line", "Label", s.t.T(label), "Value", value))
	}
	b.WriteString(s.t.T("ro_review_sanction", "Name", esc(r.MemberName)))
	kind := s.t.T("kind_" + r.SKind)
	if r.SKind == string(kindProbation) {
		kind += s.t.T("ro_paren", "Text", s.t.T("ro_months", "N", r.Probation))
	}
	line("ro_f_kind", kind)
	line("ro_f_no", esc(r.DecisionNo))
	decided, _ := parseDay(r.Decided)
	effective, _ := parseDay(r.Effective)
	line("ro_f_decided", s.t.Date(decided))
	line("ro_f_effective", s.t.Date(effective))
	end := s.t.T("st_no_period")
	if pe := models.PeriodEnd(models.SanctionKind(r.SKind), effective, r.Probation); pe != nil {
		end = s.t.Date(*pe)
	}
	line("ro_f_period_end", end)
}

// confirmSanction saves the sanction of the wizard.
func (s *session) confirmSanction() error {
	r := s.st.Roster
	if missing := sanctionMissing(r); missing != "" {
		r.Step = missing
		s.toast("incomplete")
		return s.showRosterPrompt()
	}
	rs, err := s.roster()
	if err != nil {
		return err
	}
	decided, _ := parseDay(r.Decided)
	effective, _ := parseDay(r.Effective)
	sc, err := rs.CreateSanction(s.ctx, s.viewer, models.SanctionInput{MemberID: r.MemberID,
		Kind: models.SanctionKind(r.SKind), DecisionNo: r.DecisionNo, DecisionDate: decided,
		EffectiveDate: effective, ProbationMonths: r.Probation})
	switch {
	case errors.Is(err, models.ErrDuplicate):
		r.Step = "no"
		return s.rosterRetry("ro_decision_exists")
	case isInvalid(err):
		return s.rosterRetry("ro_invalid")
	case s.rosterFail(err):
		return nil
	case err != nil:
		return fmt.Errorf("create sanction for member %d: %w", r.MemberID, err)
	}
	text := s.reviewBody()
	s.endRoster()
	s.ack("saved_short")
	s.show(Message{Text: text + "\n\n" + s.t.T("ro_sanction_saved", "No", sc.ID)})
	return nil
}

// sanctionMissing is the first unanswered step of the sanction wizard.
func sanctionMissing(r *RosterState) string {
	switch {
	case r.SKind == "":
		return "kind"
	case r.SKind == string(kindProbation) && r.Probation == 0:
		return "probation"
	case r.DecisionNo == "":
		return "no"
	case r.Decided == "":
		return "date"
	case r.Effective == "":
		return "effective"
	}
	return ""
}
