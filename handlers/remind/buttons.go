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
		return r.markFollowUpDone(t, cb.Visit, cb.Arg)
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

// markFollowUpDone records one follow-up of a visit as done, the one the
// pressed button names (part: doneUnit or doneBranch), and turns the
// pressed list into the current one, headed by the part struck through.
// A button sent before parts were told apart (part "") marks nothing: it
// shows the current list, whose buttons name each open part.
func (r *Remind) markFollowUpDone(t *kit.Turn, visitID uint64, part string) error {
	if part == "" {
		return r.showDue(t, "rm_done_choose", "")
	}
	err := r.db.MarkFollowUp(t.Ctx, t.Viewer, visitID, part == doneUnit, part == doneBranch)
	switch {
	case errors.Is(err, models.ErrNotFound):
		t.Toast("rm_button_invalid")
		return nil
	case errors.Is(err, models.ErrForbidden):
		t.Toast("rm_done_forbidden")
		return nil
	case errors.Is(err, models.ErrInvalid): // that part was marked already
		return r.showDue(t, "rm_done_already", "")
	case err != nil:
		return fmt.Errorf("mark follow-up %s of visit %d: %w", part, visitID, err)
	}
	if part == doneUnit {
		return r.showDue(t, "rm_done_toast_unit", t.T.T("rm_done_line_unit", "No", visitID))
	}
	return r.showDue(t, "rm_done_toast_branch", t.T.T("rm_done_line_branch", "No", visitID))
}

// showDue answers a pressed button with toast and turns the pressed
// message into the user's list now under note.
func (r *Remind) showDue(t *kit.Turn, toast, note string) error {
	t.Toast(toast)
	m, err := r.dueMessage(t, note)
	if err != nil {
		return err
	}
	t.Show(m)
	return nil
}
