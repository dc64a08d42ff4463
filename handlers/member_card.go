package handlers

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang/models"
)

// openMember shows a member's card.
func (s *session) openMember(id uint64) error { return s.showCard(id, "") }

// showCard loads a member the viewer may see and shows their card, with
// note (a confirmation of the change just made) above it.
func (s *session) showCard(id uint64, note string) error {
	m, unit, sanctions, err := s.a.store.MemberSanctions(s.ctx, s.viewer, id)
	if errors.Is(err, models.ErrNotFound) {
		s.endRoster()
		s.say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load member %d: %w", id, err)
	}
	s.startRoster(&RosterState{Kind: kindMemberEdit, Step: stepCard, MemberID: m.ID, MemberName: m.Name,
		UnitID: m.UnitID, Key: m.Key, Assignee: assigneeOf(m)})
	text, err := s.cardText(m, unit, sanctions)
	if err != nil {
		return err
	}
	if note != "" {
		text = note + "\n\n" + text
	}
	msg := Message{Text: text}
	if s.canEditRoster() {
		msg.Buttons = s.cardButtons(m, sanctions)
	}
	s.show(msg)
	return nil
}

// cardText renders a member: unit, post, rank, target class, the
// interactive-visit assignment and the sanctions.
func (s *session) cardText(m models.Member, unit string, sanctions []models.Sanction) (string, error) {
	var b strings.Builder
	b.WriteString(s.t.T("st_title", "Name", esc(m.Name), "Unit", esc(unit), "Post", esc(m.Post), "No", m.ID))
	b.WriteString("\n" + s.t.T("ro_card_rank", "Rank", s.t.T("rank_"+string(m.Rank))))
	b.WriteString("\n" + s.t.T("st_class", "Class", s.targetClass(m)))
	if m.Key && m.KeyReason != "" {
		b.WriteString("\n" + s.t.T("ro_card_key_reason", "Reason", esc(m.KeyReason)))
	}
	if id := assigneeOf(m); id != 0 {
		name, err := s.userName(id)
		if err != nil {
			return "", err
		}
		b.WriteString("\n" + s.t.T("ro_card_assignee", "Name", name, "N", m.IntervalMonths))
	}
	if len(sanctions) == 0 {
		b.WriteString("\n" + s.t.T("ro_card_no_sanctions"))
		return b.String(), nil
	}
	b.WriteString("\n" + s.t.T("st_sanctions"))
	today := s.today()
	for _, sc := range sanctions {
		b.WriteString("\n• " + s.sanctionLine(sc, today))
		if sc.LiftDecisionNo != "" {
			b.WriteString(s.t.T("ro_card_lift_no", "No", esc(sc.LiftDecisionNo)))
		}
	}
	return b.String(), nil
}

// userName is the escaped name of an assigned user; the assignment was
// checked against the member's scope when it was made.
func (s *session) userName(telegramID int64) (string, error) {
	u, err := s.a.store.FindUser(s.ctx, telegramID)
	if errors.Is(err, models.ErrNotFound) {
		return s.t.T("ro_card_assignee_gone"), nil
	}
	if err != nil {
		return "", fmt.Errorf("find assignee: %w", err)
	}
	return esc(u.Name), nil
}

// cardButtons are the edits an admin can make from a card.
func (s *session) cardButtons(m models.Member, sanctions []models.Sanction) [][]Button {
	rows := [][]Button{
		{s.btn("✏️ "+s.t.T("ro_f_name"), "ed", "name"), s.btn("✏️ "+s.t.T("ro_f_post"), "ed", "post")},
		{s.btn("✏️ "+s.t.T("ro_f_rank"), "ed", "rank"), s.btn("✏️ "+s.t.T("ro_f_unit"), "ed", "unit")},
	}
	if m.Key {
		rows = append(rows, []Button{s.btn(s.t.T("ro_btn_unmark_key"), "uk", "")})
	} else {
		rows = append(rows, []Button{s.btn(s.t.T("ro_btn_mark_key"), "ky", "")})
	}
	rows = append(rows, []Button{s.btn(s.t.T("ro_btn_assign"), "am", "")},
		[]Button{s.btn(s.t.T("ro_btn_add_sanction"), "sa", "")})
	for _, sc := range sanctions {
		if !liftable(sc) {
			continue
		}
		label := s.t.T("ro_btn_lift", "Kind", s.t.T("kind_"+string(sc.Kind)), "No", sc.DecisionNo)
		if sc.Kind == kindProbation {
			label = s.t.T("ro_btn_restore", "No", sc.DecisionNo)
		}
		rows = append(rows, []Button{s.btn(label, "lf", strconv.FormatUint(sc.ID, 10))})
	}
	return append(rows, []Button{s.btn(s.t.T("ro_btn_close"), "cx", "")})
}

// liftable reports whether a sanction can still be lifted (or, after a
// probation, party rights restored); an expulsion cannot.
func liftable(sc models.Sanction) bool {
	return sc.LiftedOn == nil && sc.Kind != models.PartyExpulsion && sc.Kind != models.GovExpulsion
}

// cardButton handles a button of the member card.
func (s *session) cardButton(cb Callback) error {
	r := s.st.Roster
	if !s.canEditRoster() {
		s.toast("button_expired")
		return nil
	}
	switch {
	case cb.Action == "ed" && slices.Contains([]string{"name", "post", "rank", "unit"}, cb.Arg):
		r.Step = cb.Arg
	case cb.Action == "ky":
		r.Step = "reason"
	case cb.Action == "uk":
		no, empty := false, ""
		return s.patchMember(models.MemberPatch{Key: &no, KeyReason: &empty}, "ro_done_unkey")
	case cb.Action == "am":
		return s.startAssign()
	case cb.Action == "sa":
		return s.sanctionFor(r.MemberID)
	case cb.Action == "lf":
		return s.startLift(cb.Arg)
	default:
		s.toast("button_expired")
		return nil
	}
	return s.showRosterPrompt()
}

// startAssign asks for the inspector of interactive visits.
func (s *session) startAssign() error {
	r := s.st.Roster
	users, err := s.assignees(r.UnitID)
	if err != nil {
		return err
	}
	if len(users) == 0 && r.Assignee == 0 {
		s.say("ro_no_inspectors")
		return nil
	}
	r.Step = "assign"
	return s.showRosterPrompt()
}

// startLift asks for the date a sanction was lifted.
func (s *session) startLift(arg string) error {
	r := s.st.Roster
	id, ok := parseID(arg)
	_, _, sanctions, err := s.a.store.MemberSanctions(s.ctx, s.viewer, r.MemberID)
	if err != nil {
		if s.rosterFail(err) {
			return nil
		}
		return fmt.Errorf("load member %d: %w", r.MemberID, err)
	}
	i := slices.IndexFunc(sanctions, func(sc models.Sanction) bool { return ok && sc.ID == id && liftable(sc) })
	if i < 0 {
		s.toast("button_expired")
		return nil
	}
	sc := sanctions[i]
	r.SanctionID, r.SKind, r.Decided, r.Step = sc.ID, string(sc.Kind), sc.DecisionDate.Format(dateLayout), "lift_date"
	r.DecisionNo, r.Effective = "", ""
	return s.showRosterPrompt()
}
