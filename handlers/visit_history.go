package handlers

// /history <no>: who created a visit, and who changed what in it and why.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// cmdHistory answers /history <no>.
func (s *session) cmdHistory(args string) error {
	id, ok := parseVisitNo(args)
	if !ok {
		s.say("ed_history_usage")
		return nil
	}
	db, err := s.edits()
	if err != nil {
		return err
	}
	v, _, err := db.GetVisit(s.ctx, s.viewer, id)
	var revs []models.VisitRevision
	if err == nil {
		revs, err = db.VisitHistory(s.ctx, s.viewer, id)
	}
	if errors.Is(err, models.ErrNotFound) {
		s.say("ed_visit_gone", "No", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("history of visit %d: %w", id, err)
	}
	s.send(Message{Text: s.historyText(v, revs)})
	return nil
}

func (s *session) historyText(v models.Visit, revs []models.VisitRevision) string {
	names := map[int64]string{}
	var b strings.Builder
	b.WriteString(s.t.T("ed_history_title", "No", v.ID, "Date", s.t.Date(v.Date)))
	b.WriteString("\n" + s.t.T("ed_history_created", "By", s.editorName(names, v.AuthorID), "At", s.stamp(v.CreatedAt)))
	if len(revs) == 0 {
		b.WriteString("\n" + s.t.T("ed_history_none"))
	}
	for _, r := range revs {
		b.WriteString("\n\n" + s.t.T("ed_history_rev", "Version", r.Version, "By", s.editorName(names, r.EditorID), "At", s.stamp(r.At)))
		b.WriteString("\n" + s.t.T("ed_history_reason", "Reason", esc(r.Reason)))
		b.WriteString("\n" + s.t.T("ed_history_changed", "Fields", s.changedLabels(r.Changed)))
	}
	return b.String()
}

// editorName is a user's name, escaped, or their Telegram id when they are
// not (or no longer) registered; names caches the look-ups of one answer.
func (s *session) editorName(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	n := strconv.FormatInt(id, 10)
	if u, err := s.a.store.FindUser(s.ctx, id); err == nil && u.Name != "" {
		n = esc(u.Name)
	}
	names[id] = n
	return n
}

// stamp renders an instant in the office's time zone.
func (s *session) stamp(t time.Time) string {
	return t.In(s.a.loc).Format("2006-01-02 15:04")
}

// changedField maps the store's names of changed fields to the labels of
// the review card (f_*) or of this file (ed_f_*).
var changedField = map[string]string{
	"sanctions": "f_sanctions", "date": "f_date", "methods": "f_methods", "type": "f_type",
	"inspectors": "f_inspectors", "participants": "f_participants", "thinking": "f_thinking",
	"work": "f_work", "difficulties": "f_difficulties", "opinions": "f_opinions", "help": "f_help",
	"enforcement_ok": "f_enforcement", "enforcement_problem": "ed_f_problem", "pay_corrected_fen": "ed_f_pay",
	"conclusion": "f_conclusion", "recommendation": "f_recommendation", "feedback_unit": "f_feedback",
	"branch_informed": "f_branch", "next_visit": "f_next",
}

// changedLabels renders the comma-separated changed fields; a name without
// a label is shown as it is.
func (s *session) changedLabels(changed string) string {
	var labels []string
	for _, name := range strings.Split(changed, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if id, ok := changedField[name]; ok {
			labels = append(labels, s.t.T(id))
		} else {
			labels = append(labels, esc(name))
		}
	}
	if len(labels) == 0 {
		return s.t.T("none")
	}
	return strings.Join(labels, s.t.T("list_sep"))
}
