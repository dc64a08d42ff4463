package visit

// Editing a saved visit: /visit edit <no> opens the saved visit as a draft
// on its review card; every field is edited with the questions of a new
// visit; Confirm asks for a reason and saves a new version, the store
// keeping the previous one.

import (
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// stepEditReason is the draft step that waits for the reason of an edit,
// after Confirm. The draft is marked Review so that Back returns to the card.
const stepEditReason = "edit_reason"

// editWindow is how long the author may edit a visit after saving it.
const editWindow = 7 * 24 * time.Hour

// maxReasonRunes bounds the reason of an edit (models keeps 512).
const maxReasonRunes = 512

// cmdEdit answers /visit edit <no>.
func (v *Visits) cmdEdit(t *kit.Turn, args string) error {
	id, ok := kit.ParseID(args)
	if !ok {
		t.Say("ed_edit_usage")
		return nil
	}
	if d := draftOf(t); d != nil {
		// One draft at a time: the open one is finished or cancelled first.
		t.Show(kit.Message{Text: t.T.T("draft_exists", "Name", kit.Esc(d.MemberName)) + "\n" + t.T.T("ed_finish_draft"),
			Buttons: [][]kit.Button{{t.Btn(t.T.T("draft_resume"), NS, actResume, "")}}})
		return nil
	}
	saved, sel, ok, err := v.editableVisit(t, id)
	if err != nil || !ok {
		return err
	}
	m, unit, sanctions, err := v.db.MemberSanctions(t.Ctx, t.Viewer, saved.MemberID)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("ed_visit_gone", "No", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("load member %d of visit %d: %w", saved.MemberID, id, err)
	}
	d := savedDraft(t, saved, sel, m, unit, sanctions)
	kit.SetPart(t.St, part, d)
	t.St.Flow, t.St.Step, t.St.Choices = Flow, "", nil
	card, err := v.reviewCard(t, d)
	if err != nil {
		return err
	}
	t.Send(card)
	return nil
}

// savedDraft is a saved visit as a draft on its review card. A fresh draft
// id keeps the saved visit's key unused.
func savedDraft(t *kit.Turn, saved models.Visit, sel []uint64, m models.Member, unit string, sanctions []models.Sanction) *Draft {
	d := newDraft(t, m, unit, sanctions)
	d.EditOf = saved.ID
	fromVisit(d, saved, sel)
	d.Step, d.Reviewed = wizard.StepReview, true
	return d
}

// editableVisit loads a visit the viewer may see and edit; when ok is false
// the refusal has been said. The store checks the same rules again when
// saving: this check only spares a refusal after the reason was typed.
func (v *Visits) editableVisit(t *kit.Turn, id uint64) (saved models.Visit, sel []uint64, ok bool, err error) {
	saved, sel, err = v.db.GetVisit(t.Ctx, t.Viewer, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		t.Say("ed_visit_gone", "No", id)
		return saved, nil, false, nil
	case err != nil:
		return saved, nil, false, fmt.Errorf("load visit %d: %w", id, err)
	case t.IsAdmin():
		return saved, sel, true, nil
	case saved.AuthorID != t.Viewer.TelegramID:
		t.Say("ed_not_author", "No", id)
		return saved, nil, false, nil
	case saved.Review != models.ReviewReturned && t.Env.Now().Sub(saved.CreatedAt) > editWindow:
		t.Say("ed_window_closed", "No", id)
		return saved, nil, false, nil
	}
	return saved, sel, true, nil
}

// confirmEdit answers Confirm on an edited visit: nothing changed ends the
// edit; otherwise the reason is asked.
func (v *Visits) confirmEdit(t *kit.Turn, d *Draft) error {
	saved, sel, ok, err := v.editableVisit(t, d.EditOf)
	if err != nil {
		return err
	}
	if !ok {
		end(t)
		return nil
	}
	before := newDraft(t, models.Member{ID: d.MemberID}, "", nil)
	before.Avail = d.Avail
	fromVisit(before, saved, sel)
	before.ID = d.ID
	if sameAnswers(before, d) {
		t.Show(kit.Message{Text: savedText(t, d, d.EditOf) + "\n\n" + t.T.T("ed_unchanged", "No", d.EditOf)})
		end(t)
		return nil
	}
	if saved.Review == models.ReviewReturned && saved.ReviewNote != "" {
		// The correction of a returned visit: its reason is the comment.
		return v.saveEdit(t, d, saved.ReviewNote)
	}
	d.Step, d.Review = stepEditReason, true
	t.Show(v.editReasonPrompt(t, d))
	return nil
}

// editReasonPrompt is the card without its buttons, asking for the reason.
func (v *Visits) editReasonPrompt(t *kit.Turn, d *Draft) kit.Message {
	back := t.Btn(t.T.T("btn_back"), NS, wizard.ActBack, "")
	return kit.Message{Text: reviewText(t, d) + "\n\n" + t.T.T("ed_ask_reason", "Max", maxReasonRunes),
		Buttons: [][]kit.Button{{back, v.form.CancelButton(t)}}}
}

// typedEditReason takes the reason and saves the edit.
func (v *Visits) typedEditReason(t *kit.Turn, d *Draft, text string) error {
	if n := kit.RuneLen(text); n > maxReasonRunes {
		t.Say("too_long", "Max", maxReasonRunes, "N", n)
		t.Send(v.editReasonPrompt(t, d))
		return nil
	}
	if models.StartsFormula(text) {
		t.Say("text_formula") // the reason is kept with the revision, which may be exported
		t.Send(v.editReasonPrompt(t, d))
		return nil
	}
	return v.saveEdit(t, d, text)
}

// saveEdit saves the edited draft as a new version with reason. With
// review on, the visit waits for review again; with it off, it is approved.
func (v *Visits) saveEdit(t *kit.Turn, d *Draft, reason string) error {
	rec, sel := toVisit(d)
	rec.Review = newReviewState(t)
	rev, err := v.db.UpdateVisit(t.Ctx, t.Viewer, d.EditOf, rec, sel, reason, t.Env.Now())
	if refusal := editRefusal(err); refusal != "" {
		t.Say(refusal, "No", d.EditOf)
		end(t)
		return nil
	}
	if err != nil {
		return fmt.Errorf("update visit %d: %w", d.EditOf, err)
	}
	t.Send(kit.Message{Text: savedText(t, d, d.EditOf) + "\n\n" + t.T.T("ed_updated", "No", d.EditOf, "Version", rev.Version) +
		"\n" + t.T.T("ed_reason_was", "Reason", kit.Esc(reason)) + "\n" + t.T.T("vw_state", "State", ReviewLabel(t.T, rec.Review))})
	t.Replayable(NS, idCode(d.EditOf))
	end(t)
	return nil
}

// editRefusal is the message of an error the store refuses an edit with,
// or "" for any other error.
func editRefusal(err error) string {
	switch {
	case errors.Is(err, models.ErrEditWindow):
		return "ed_window_closed"
	case errors.Is(err, models.ErrForbidden):
		return "ed_not_author"
	case errors.Is(err, models.ErrNotFound):
		return "ed_visit_gone"
	case errors.Is(err, models.ErrInvalid):
		// The draft passed the checks of a new visit and the reason was
		// checked here, so what is left is an edit that changes nothing
		// (another edit made the same change meanwhile).
		return "ed_unchanged"
	}
	return ""
}
