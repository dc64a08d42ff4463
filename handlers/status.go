package handlers

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// cmdStatus answers /status [name or number].
func (s *session) cmdStatus(args string) error {
	s.st.Flow, s.st.Step, s.st.Choices = flowStatus, "ask", nil
	if args == "" {
		s.show(Message{Text: s.t.T("ask_status")})
		return nil
	}
	return s.statusQuery(args)
}

func (s *session) statusQuery(q string) error { return s.lookup(q, "sp", s.showStatus) }

func (s *session) statusPick(arg string) error {
	id, ok := s.chosen(arg)
	if s.st.Flow != flowStatus || !ok {
		s.toast("button_expired")
		return nil
	}
	return s.showStatus(id)
}

// showStatus renders a member's status card; the store writes the audit
// row of the view and refuses to return data if it cannot.
func (s *session) showStatus(memberID uint64) error {
	today := s.today()
	st, err := s.a.store.MemberStatus(s.ctx, s.viewer, memberID, today)
	if errors.Is(err, models.ErrNotFound) {
		s.say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("status of member %d: %w", memberID, err)
	}
	s.st.Flow, s.st.Step, s.st.Choices = "", "", nil
	s.show(Message{Text: s.statusCard(st, today)})
	return nil
}

func (s *session) statusCard(st models.Status, today time.Time) string {
	var b strings.Builder
	m := st.Member
	b.WriteString(s.t.T("st_title", "Name", esc(m.Name), "Unit", esc(st.UnitName), "Post", esc(m.Post), "No", m.ID))
	b.WriteString("\n" + s.t.T("st_class", "Class", s.targetClass(m)))
	b.WriteString("\n" + s.t.T("st_sanctions"))
	for _, sc := range st.Sanctions {
		b.WriteString("\n• " + s.sanctionLine(sc, today))
	}
	b.WriteString("\n" + s.t.T("st_visits", "N", st.VisitCount))
	if v := st.LastVisit; v != nil {
		methods := joinLabels(s.t, "method_", strings.Split(v.Methods, ","))
		b.WriteString("\n" + s.t.T("st_last", "Date", s.t.Date(v.Date), "Methods", methods,
			"Conclusion", s.t.T("concl_"+v.Conclusion), "By", esc(st.LastAuthor)))
	}
	b.WriteString("\n" + s.t.T("st_next", "Date", s.t.Date(st.NextDue), "Reason", s.t.T("reason_"+string(st.NextReason))))
	if len(st.OpenFollowUps) > 0 {
		b.WriteString("\n" + s.t.T("st_followups"))
		for _, v := range st.OpenFollowUps {
			var open []string
			if !v.FeedbackUnit {
				open = append(open, s.t.T("fu_unit"))
			}
			if !v.BranchInformed {
				open = append(open, s.t.T("fu_branch"))
			}
			b.WriteString("\n• " + s.t.T("st_followup", "No", v.ID, "Date", s.t.Date(v.Date), "Open", strings.Join(open, s.t.T("list_sep"))))
		}
	}
	return b.String()
}

func (s *session) targetClass(m models.Member) string {
	var parts []string
	if m.Mandatory() {
		parts = append(parts, s.t.T("class_mandatory"))
	}
	if m.Key {
		parts = append(parts, s.t.T("class_key"))
	}
	if len(parts) == 0 {
		return s.t.T("class_ordinary")
	}
	return strings.Join(parts, s.t.T("list_sep"))
}

// sanctionLine renders a sanction with its period end and days left.
func (s *session) sanctionLine(sc models.Sanction, today time.Time) string {
	line := s.t.T("kind_"+string(sc.Kind)) + " · " + esc(sc.DecisionNo) + " · " + s.t.T("st_decided", "Date", s.t.Date(sc.DecisionDate))
	switch {
	case sc.LiftedOn != nil:
		return line + " · " + s.t.T("st_lifted", "Date", s.t.Date(*sc.LiftedOn))
	case sc.PeriodEnd == nil:
		return line + " · " + s.t.T("st_no_period")
	}
	days := int(sc.PeriodEnd.Sub(today).Hours() / 24)
	if days >= 0 {
		return line + " · " + s.t.T("st_ends", "Date", s.t.Date(*sc.PeriodEnd), "Days", days)
	}
	return line + " · " + s.t.T("st_ended", "Date", s.t.Date(*sc.PeriodEnd), "Days", -days)
}
