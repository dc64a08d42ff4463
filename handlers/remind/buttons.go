package remind

import (
	"errors"
	"fmt"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// persistent handles a pressed reminder or settings button ("r1:…"). Its
// data is checked like any client input, and what it does is scoped to
// the presser as if they had typed the command.
func (r *Remind) persistent(t *kit.Turn, data string) error {
	cb, err := ParseReminderCallback(data)
	if err != nil {
		t.Toast("rm_button_invalid")
		return nil
	}
	switch cb.Action {
	case rcVisit, rcNew:
		// New prompts with sequence-numbered buttons follow: earlier
		// prompts of the conversation expire, as with a typed /visit.
		t.St.Seq++
		return r.startVisit(t, cb)
	case rcSnooze:
		return r.snooze(t, cb)
	case rcDone:
		return r.markFollowUpDone(t, cb.Visit)
	case rcRectified:
		return r.startRectify(t, cb.Visit)
	case rcMet:
		return r.markRequestsMet(t, cb.Visit)
	case rcDigest:
		return r.setDigestFrequency(t, cb.Arg)
	case rcLang:
		return r.setLanguage(t, cb.Arg)
	}
	t.Toast("rm_button_invalid")
	return nil
}

// button handles the feature's conversation buttons: the rectification
// form's, and "resume the draft" of the question askDropDraft asks.
func (r *Remind) button(t *kit.Turn, cb kit.Callback) error {
	if d := kit.Part[Draft](t.St, part); d != nil && wizard.IsAction(cb.Action) {
		handled, err := r.rectify.Button(t, d, cb)
		if handled || err != nil {
			return err
		}
	}
	if cb.Action == actResume && r.draft.Unfinished != nil {
		if _, open := r.draft.Unfinished(t); open {
			t.St.Pending = ""
			return r.draft.Resume(t)
		}
	}
	t.Toast("button_expired")
	return nil
}

// startVisit opens the visit form for the button's member with its
// sanction preselected. An unfinished draft of another visit is never
// dropped silently: the user chooses to resume it or to drop it (the rcNew
// button names the draft, so it drops only that one).
func (r *Remind) startVisit(t *kit.Turn, cb ReminderCallback) error {
	err := r.visits.Start(t, cb.Member, cb.Sanction, cb.Arg)
	var open visit.ErrDraftOpen
	if errors.As(err, &open) {
		r.askDropDraft(t, open)
		return nil
	}
	if err != nil {
		return fmt.Errorf("start visit of member %d: %w", cb.Member, err)
	}
	return nil
}

// askDropDraft asks whether to resume the unfinished draft or drop it and
// log a visit of the member the reminder named instead.
func (r *Remind) askDropDraft(t *kit.Turn, open visit.ErrDraftOpen) {
	rows := [][]kit.Button{{t.Btn(t.T.T("draft_resume"), NS, actResume, "")}}
	drop := ReminderCallback{Action: rcNew, Member: open.Member.ID, Sanction: open.Sanction, Arg: visit.DraftTag(open.Draft)}
	if data, ok := buttonData(drop); ok && isDraftTag(drop.Arg) {
		label := t.T.T("rm_draft_new", "Name", shorten(open.Member.Name, maxLabelRunes))
		rows = append(rows, []kit.Button{{Text: label, Data: data}})
	}
	t.St.Pending = ""
	t.Send(kit.Message{Text: t.T.T("rm_draft_exists", "Name", kit.Esc(open.DraftName), "New", kit.Esc(open.Member.Name)), Buttons: rows})
}

// snooze hides an item from the presser's reminders for a few days.
func (r *Remind) snooze(t *kit.Turn, cb ReminderCallback) error {
	err := r.db.Snooze(t.Ctx, t.Viewer, cb.itemKey(), t.Today().AddDate(0, 0, snoozeDays))
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		t.Toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("snooze %s: %w", cb.itemKey(), err)
	}
	t.Toast("rm_snoozed", "Days", snoozeDays)
	return nil
}

// markFollowUpDone records the feedback to the unit and the branch notice
// of a visit as done, and turns the pressed list into the current one,
// headed by the item struck through.
func (r *Remind) markFollowUpDone(t *kit.Turn, visitID uint64) error {
	err := r.db.MarkFollowUp(t.Ctx, t.Viewer, visitID, true, true)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		t.Toast("rm_button_invalid")
		return nil
	}
	if errors.Is(err, models.ErrForbidden) {
		t.Toast("rm_done_forbidden")
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark follow-up of visit %d: %w", visitID, err)
	}
	t.Toast("rm_done_toast")
	m, err := r.dueMessage(t, t.T.T("rm_done_line", "No", visitID))
	if err != nil {
		return err
	}
	t.Show(m)
	return nil
}
