package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang/models"
)

// startMemberAdd starts the /member add wizard, at the unit when the
// name came with the command.
func (s *session) startMemberAdd(name string) error {
	if !s.canEditRoster() {
		return s.refuseRoster(kindMemberAdd)
	}
	s.startRoster(&RosterState{Kind: kindMemberAdd, Step: "name"})
	if name != "" {
		return s.typedName(name)
	}
	return s.showRosterPrompt()
}

// rosterReview is the review card of the member or sanction wizard.
func (s *session) rosterReview() Message {
	s.st.Roster.Reviewed = true
	return Message{Text: s.reviewBody() + "\n\n" + s.t.T("ro_review_hint"), Buttons: [][]Button{
		{s.btn(s.t.T("btn_confirm"), "cf", "")},
		{s.btn(s.t.T("btn_back"), "bk", ""), s.btn(s.t.T("btn_cancel"), "cx", "")},
	}}
}

// reviewBody lists the answers of the member or sanction wizard.
func (s *session) reviewBody() string {
	r := s.st.Roster
	var b strings.Builder
	if r.Kind == kindSanctionAdd {
		s.sanctionReview(&b, r)
	} else {
		s.memberReview(&b, r)
	}
	return b.String()
}

func (s *session) memberReview(b *strings.Builder, r *RosterState) {
	line := func(label, value string) {
		b.WriteString("\n" + s.t.T("field_line", "Label", s.t.T(label), "Value", value))
	}
	b.WriteString(s.t.T("ro_review_member"))
	line("ro_f_name", esc(r.Name))
	line("ro_f_unit", esc(r.UnitName))
	post := s.t.T("none")
	if r.Post != "" {
		post = esc(r.Post)
	}
	line("ro_f_post", post)
	line("ro_f_rank", s.t.T("rank_"+r.Rank))
	key := s.yesNo(r.Key)
	if r.Key {
		key += s.t.T("ro_paren", "Text", esc(r.KeyReason))
	}
	line("ro_f_key", key)
}

// confirmMember creates the member of the wizard and shows their card.
func (s *session) confirmMember() error {
	r := s.st.Roster
	if missing := memberMissing(r); missing != "" {
		r.Step = missing
		s.toast("incomplete")
		return s.showRosterPrompt()
	}
	rs, err := s.roster()
	if err != nil {
		return err
	}
	m, err := rs.CreateMember(s.ctx, s.viewer, models.MemberInput{Name: r.Name, UnitID: r.UnitID, Post: r.Post,
		Rank: models.Rank(r.Rank), Key: r.Key, KeyReason: r.KeyReason})
	switch {
	case errors.Is(err, models.ErrDuplicate):
		return s.rosterRetry("ro_member_exists")
	case errors.Is(err, models.ErrNotFound):
		r.Step = "unit"
		return s.rosterRetry("ro_unit_not_found", "Unit", esc(r.UnitName))
	case isInvalid(err):
		return s.rosterRetry("ro_invalid")
	case s.rosterFail(err):
		return nil
	case err != nil:
		return fmt.Errorf("create member: %w", err)
	}
	s.ack("saved_short")
	return s.showCard(m.ID, s.t.T("ro_member_saved", "No", m.ID))
}

// memberMissing is the first unanswered step of the member wizard.
func memberMissing(r *RosterState) string {
	switch {
	case r.Name == "":
		return "name"
	case r.UnitID == 0:
		return "unit"
	case r.Rank == "":
		return "rank"
	case r.Key && r.KeyReason == "":
		return "reason"
	}
	return ""
}
