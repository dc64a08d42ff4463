package visit

// The supervisor's review of saved visits (审核): approve, or return to the
// author with a comment the author corrects through /visit edit; /review
// lists what waits. Its buttons are persistent (ReviewPrefix), so those of
// a digest or a notice keep working.

import (
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// ReviewNS is the callback namespace of the return form's buttons;
// ReviewFlow the flow of its typed comment.
const (
	ReviewNS   = "rv"
	ReviewFlow = "review"
	reviewPart = "review"
)

//go:embed locales/review.*.toml
var reviewLocales embed.FS

// Work list limits.
const (
	maxReviewList    = 30 // visits listed by /review
	maxReviewButtons = 10 // of them with an open button
)

// returnDraft is a return being written: the visit and the revisions the
// reviewer read.
type returnDraft struct {
	wizard.State
	Visit uint64 `json:"v"`
	N     int    `json:"n"`
}

// returnForm asks the comment of a return; there is no review card: the
// comment sends.
func (v *Visits) returnForm() *wizard.Form[*returnDraft] {
	return &wizard.Form[*returnDraft]{
		NS: ReviewNS, Keys: "rv_",
		Fields: []*wizard.Field[*returnDraft]{
			{Name: "note", Kind: wizard.Text, Max: models.MaxReviewNoteRunes, Hidden: true,
				PromptData: func(_ *kit.Turn, d *returnDraft) []any { return []any{"No", d.Visit, "Max", models.MaxReviewNoteRunes} }},
		},
		State: func(d *returnDraft) *wizard.State { return &d.State },
		Done:  v.saveReturn,
		Cancel: func(t *kit.Turn, _ *returnDraft) error {
			endReturn(t)
			t.Show(kit.Message{Text: t.T.T("cancelled")})
			return nil
		},
	}
}

// ReviewFeature is how the dispatcher sees the review: /review, the
// persistent buttons of the visit view and the return's comment.
func (v *Visits) ReviewFeature() kit.Feature {
	return kit.Feature{
		Name:   "review",
		Cmds:   []kit.Cmd{{Name: "review", Run: v.cmdReview, Keeps: true, Aside: true}},
		NS:     ReviewNS,
		Button: v.reviewButton,
		Flows:  []string{ReviewFlow}, Text: v.reviewText,
		Drop:   endReturn,
		Prefix: ReviewPrefix, Persistent: v.reviewPersistent,
		Locales: reviewLocales,
	}
}

func endReturn(t *kit.Turn) {
	t.St.Drop(reviewPart)
	if t.St.Flow == ReviewFlow {
		t.St.Flow, t.St.Step = "", ""
	}
}

// reviewPersistent handles a pressed "rv1:…" button, checked like typed
// input and scoped to the presser.
func (v *Visits) reviewPersistent(t *kit.Turn, data string) error {
	d, err := ParseReviewData(data)
	if err != nil {
		t.Toast("rv_button_invalid")
		return nil
	}
	switch d.Action {
	case rvOpen:
		return v.openVisit(t, d.Visit)
	case rvApprove:
		return v.approve(t, d)
	case rvReturn:
		return v.startReturn(t, d)
	case rvEdit:
		t.St.Seq++ // the card's buttons expire those of earlier prompts
		return v.cmdEdit(t, idCode(d.Visit))
	case rvHistory:
		return v.cmdHistory(t, idCode(d.Visit))
	}
	t.Toast("rv_button_invalid")
	return nil
}

// openVisit shows a visit as a new message, leaving the list it was
// opened from as it is.
func (v *Visits) openVisit(t *kit.Turn, id uint64) error {
	in := t.In
	t.In.Callback, t.In.MessageID = "", 0 // Show sends rather than edits
	err := v.showVisit(t, id, "")
	t.In = in
	return err
}

// approve answers the approve button: the visit as it is now, headed by
// what happened.
func (v *Visits) approve(t *kit.Turn, d ReviewData) error {
	_, err := v.db.ReviewVisit(t.Ctx, t.Viewer, d.Visit, models.ReviewDecision{Approve: true, Revisions: d.N}, t.Env.Now())
	if done, err := v.reviewRefused(t, d.Visit, err); done || err != nil {
		return err
	}
	t.Toast("rv_approved_toast")
	return v.showVisit(t, d.Visit, t.T.T("rv_approved", "No", d.Visit))
}

// reviewRefused tells a refused decision; done is true when it was one.
func (v *Visits) reviewRefused(t *kit.Turn, id uint64, err error) (done bool, _ error) {
	var note string
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, models.ErrNotFound):
		t.Toast("ed_visit_gone", "No", id)
		t.Say("ed_visit_gone", "No", id)
		return true, nil
	case errors.Is(err, models.ErrForbidden):
		t.Toast("rv_forbidden")
		t.Say("rv_forbidden")
		return true, nil
	case errors.Is(err, models.ErrReviewed):
		note = "rv_already"
	case errors.Is(err, models.ErrStale):
		note = "rv_changed"
	default:
		return true, kit.Saving(fmt.Errorf("review visit %d: %w", id, err))
	}
	t.Toast(note, "No", id)
	return true, v.showVisit(t, id, t.T.T(note, "No", id))
}

// startReturn asks the comment of a return in a message of its own.
func (v *Visits) startReturn(t *kit.Turn, d ReviewData) error {
	if !models.MayReview(t.Viewer) {
		t.Toast("rv_forbidden")
		return nil
	}
	t.St.Seq++ // the form's buttons expire those of earlier prompts
	dr := &returnDraft{Visit: d.Visit, N: d.N}
	dr.Step = v.ret.Next(dr, "")
	kit.SetPart(t.St, reviewPart, dr)
	t.St.Flow, t.St.Step, t.St.Choices = ReviewFlow, "", nil
	m, err := v.ret.Prompt(t, dr)
	if err != nil {
		return err
	}
	t.Send(m)
	return nil
}

// reviewText takes the typed comment of a return.
func (v *Visits) reviewText(t *kit.Turn, text string) error {
	d := kit.Part[returnDraft](t.St, reviewPart)
	if d == nil {
		endReturn(t)
		t.Say("rv_button_invalid")
		return nil
	}
	return v.ret.Text(t, d, text)
}

// reviewButton handles the return form's buttons (Cancel).
func (v *Visits) reviewButton(t *kit.Turn, cb kit.Callback) error {
	if d := kit.Part[returnDraft](t.St, reviewPart); d != nil {
		handled, err := v.ret.Button(t, d, cb)
		if handled || err != nil {
			return err
		}
	}
	t.Toast("button_expired")
	return nil
}

// saveReturn returns the visit with the comment and tells its author in
// their chat.
func (v *Visits) saveReturn(t *kit.Turn, d *returnDraft) error {
	note := strings.TrimSpace(d.Get("note"))
	endReturn(t)
	vs, err := v.db.ReviewVisit(t.Ctx, t.Viewer, d.Visit, models.ReviewDecision{Note: note, Revisions: d.N}, t.Env.Now())
	if errors.Is(err, models.ErrInvalid) {
		t.Say("rv_note_invalid", "Max", models.MaxReviewNoteRunes)
		return nil
	}
	if done, err := v.reviewRefused(t, d.Visit, err); done || err != nil {
		return err
	}
	t.Send(kit.Message{Text: t.T.T("rv_returned", "No", d.Visit, "Note", kit.Esc(note))})
	if vs.AuthorID != t.Viewer.TelegramID {
		v.notifyAuthor(t, vs, note)
	}
	return nil
}

// notifyAuthor tells the author of a returned visit, in their language,
// its number and the comment, with buttons to read and to correct it. It
// goes out as a notice to another chat (paced with the bulk messages).
func (v *Visits) notifyAuthor(t *kit.Turn, vs models.Visit, note string) {
	tr := t.Env.Cat.Lang(kit.LangZH)
	if u, err := v.db.FindUser(t.Ctx, vs.AuthorID); err == nil {
		tr = t.Env.Cat.Lang(u.Lang)
	}
	msg := kit.Message{Protect: true,
		Text: tr.T("rv_returned_notice", "No", vs.ID, "By", kit.Esc(t.DisplayName()), "Note", kit.Esc(note)),
		Buttons: [][]kit.Button{{OpenButton(tr.T("btn_open_visit", "No", vs.ID), vs.ID),
			rvButton(tr.T("btn_edit_visit"), ReviewData{Action: rvEdit, Visit: vs.ID})}}}
	t.Resp.Notify = append(t.Resp.Notify, kit.Outgoing{ChatID: vs.AuthorID, Message: msg})
}

// cmdReview answers /review: the pending visits of the asker's units,
// oldest first, each with a button that opens it.
func (v *Visits) cmdReview(t *kit.Turn, _ string) error {
	if !models.MayReview(t.Viewer) {
		t.Say("rv_only_reviewers")
		return nil
	}
	list, total, err := v.db.PendingReviews(t.Ctx, t.Viewer, maxReviewList)
	if errors.Is(err, models.ErrForbidden) {
		t.Say("rv_only_reviewers")
		return nil
	}
	if err != nil {
		return fmt.Errorf("pending reviews of %d: %w", t.Viewer.TelegramID, err)
	}
	if total == 0 {
		t.Say("rv_none")
		return nil
	}
	names := map[int64]string{}
	var b strings.Builder
	b.WriteString(t.T.T("rv_list_title", "N", total))
	var btns []kit.Button
	for i, p := range list {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + t.T.T("rv_list_item", "No", p.ID, "Name", kit.Esc(p.MemberName),
			"Unit", kit.Esc(p.UnitName), "Date", t.T.Date(p.Date), "By", v.editorName(t, names, p.AuthorID),
			"At", t.Env.Stamp(t.T, p.CreatedAt)))
		if i < maxReviewButtons {
			btns = append(btns, OpenButton(t.T.T("btn_open_pending", "No", p.ID, "Name", p.MemberName), p.ID))
		}
	}
	if total > len(list) {
		b.WriteString("\n" + t.T.T("rv_list_more", "N", total-len(list)))
	}
	t.Send(kit.Message{Text: b.String(), Buttons: wizard.Rows(btns, 2)})
	return nil
}
