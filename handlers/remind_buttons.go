package handlers

import (
	"errors"
	"fmt"

	"github.com/huifang/huifang/models"
)

// onReminderButton handles a pressed reminder or settings button ("r1:…").
// Its data is checked like any client input, and what it does is scoped to
// the presser as if they had typed the command.
func (s *session) onReminderButton() error {
	cb, err := ParseReminderCallback(s.in.Callback)
	if err != nil {
		s.toast("rm_button_invalid")
		return nil
	}
	switch cb.Action {
	case rcVisit, rcNew:
		// New prompts with sequence-numbered buttons follow: earlier
		// prompts of the conversation expire, as with a typed /visit.
		s.st.Seq++
		return s.startVisitFor(cb.Member, cb.Sanction, cb.Arg)
	case rcSnooze:
		return s.snooze(cb)
	case rcDone:
		return s.markFollowUpDone(cb.Visit)
	case rcDigest:
		return s.setDigestFrequency(cb.Arg)
	case rcLang:
		return s.setLanguage(cb.Arg)
	}
	s.toast("rm_button_invalid")
	return nil
}

// startVisitFor opens the visit flow for a member with a sanction
// preselected. An unfinished draft of another visit is never dropped
// silently: the user chooses to resume it or to drop it (the rcNew button
// names the draft, so it drops only that one).
func (s *session) startVisitFor(memberID, sanctionID uint64, dropDraft string) error {
	m, unit, sanctions, ok, err := s.loadMember(memberID)
	if !ok || err != nil {
		return err
	}
	if d := s.st.Draft; d != nil && dropDraft != "" && draftTag(d.ID) == dropDraft {
		s.st.Draft = nil
		s.show(Message{Text: s.t.T("draft_dropped")})
	}
	if d := s.st.Draft; d != nil {
		if d.MemberID == memberID && d.EditOf == 0 {
			s.st.Flow, s.st.Pending = flowVisit, ""
			s.send(s.visitPrompt())
			return nil
		}
		s.askDropDraft(m, sanctionID)
		return nil
	}
	s.openDraft(m, unit, sanctions, sanctionID)
	return nil
}

// askDropDraft asks whether to resume the unfinished draft or drop it and
// log a visit of m instead.
func (s *session) askDropDraft(m models.Member, sanctionID uint64) {
	d := s.st.Draft
	rows := [][]Button{{s.btn(s.t.T("draft_resume"), "dr", "")}}
	if data, ok := buttonData(ReminderCallback{Action: rcNew, Member: m.ID, Sanction: sanctionID, Arg: draftTag(d.ID)}); ok {
		rows = append(rows, []Button{{Text: s.t.T("rm_draft_new", "Name", shorten(m.Name, maxLabelRunes)), Data: data}})
	}
	s.st.Pending = ""
	s.send(Message{Text: s.t.T("rm_draft_exists", "Name", esc(d.MemberName), "New", esc(m.Name)), Buttons: rows})
}

// snooze hides an item from the presser's reminders for a few days.
func (s *session) snooze(cb ReminderCallback) error {
	db, err := s.a.reminders()
	if err != nil {
		return err
	}
	err = db.Snooze(s.ctx, s.viewer, cb.itemKey(), s.today().AddDate(0, 0, snoozeDays))
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		s.toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("snooze %s: %w", cb.itemKey(), err)
	}
	s.resp.CallbackText = s.t.T("rm_snoozed", "Days", snoozeDays)
	return nil
}

// markFollowUpDone records the feedback to the unit and the branch notice
// of a visit as done, and turns the pressed list into the current one,
// headed by the item struck through.
func (s *session) markFollowUpDone(visitID uint64) error {
	db, err := s.a.reminders()
	if err != nil {
		return err
	}
	err = db.MarkFollowUp(s.ctx, s.viewer, visitID, true, true)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		s.toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark follow-up of visit %d: %w", visitID, err)
	}
	s.toast("rm_done_toast")
	m, err := s.dueMessage(s.t.T("rm_done_line", "No", visitID))
	if err != nil {
		return err
	}
	s.show(m)
	return nil
}
