package visit

// /visit <no>: a saved visit read back whole, with its review state and
// the buttons of what the reader may do with it.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// VisitButtons add a row of buttons about saved visit visitID (the
// record form of the documents feature, say) under the message that says
// it was saved and under every view of it, after the view's own. Set
// before updates flow.
type VisitButtons func(t *kit.Turn, visitID uint64) []kit.Button

// AddVisitButtons adds a row of buttons about a saved visit.
func (v *Visits) AddVisitButtons(b VisitButtons) { v.visitRows = append(v.visitRows, b) }

// visitButtons are the rows AddVisitButtons added, for visit id.
func (v *Visits) visitButtons(t *kit.Turn, id uint64) [][]kit.Button {
	var rows [][]kit.Button
	for _, f := range v.visitRows {
		if row := f(t, id); len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

// showVisit answers /visit <no> and the open buttons: the record whole,
// audited by the store; out of scope is told as not found.
func (v *Visits) showVisit(t *kit.Turn, id uint64, note string) error {
	rec, err := v.db.ViewVisit(t.Ctx, t.Viewer, id)
	if errors.Is(err, models.ErrNotFound) {
		if t.In.Callback != "" {
			t.Toast("ed_visit_gone", "No", id)
		}
		t.Say("ed_visit_gone", "No", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("view visit %d: %w", id, err)
	}
	text := viewText(t, rec)
	if note != "" {
		text = note + "\n\n" + text
	}
	t.Show(kit.Message{Text: text, Buttons: v.viewButtons(t, rec)})
	return nil
}

// viewText is the record: its number and state, the member and the
// sanctions, who wrote it and when, every field, and the review.
func viewText(t *kit.Turn, rec models.VisitRecord) string {
	vs := rec.Visit
	var b strings.Builder
	b.WriteString(t.T.T("vw_title", "No", vs.ID, "State", ReviewLabel(t.T, vs.Review)))
	b.WriteString("\n" + t.T.T("vw_member", "Name", kit.Esc(rec.Member.Name), "Unit", kit.Esc(rec.UnitName), "MemberNo", rec.Member.ID))
	for _, sc := range rec.Sanctions {
		b.WriteString("\n• " + kit.SanctionLine(t.T, sc, t.Today()))
	}
	author := kit.Esc(rec.AuthorName)
	if author == "" {
		author = t.T.T("vw_user_id", "ID", vs.AuthorID)
	}
	b.WriteString("\n" + t.T.T("vw_author", "By", author, "At", t.Env.Stamp(t.T, vs.CreatedAt), "N", rec.Revisions))
	d := recordDraft(t, rec)
	b.WriteString("\n" + table.AllLines(t.T, d))
	if line := reviewLine(t, rec); line != "" {
		b.WriteString("\n\n" + line)
	}
	return b.String()
}

// recordDraft is a saved record as a draft, for the form's lines.
func recordDraft(t *kit.Turn, rec models.VisitRecord) *Draft {
	d := newDraft(t, rec.Member, rec.UnitName, rec.Sanctions)
	fromVisit(d, rec.Visit, rec.SanctionIDs)
	return d
}

// reviewLine says who reviewed the visit and when, with the comment of a
// return; "" while it waits.
func reviewLine(t *kit.Turn, rec models.VisitRecord) string {
	vs := rec.Visit
	if vs.ReviewerID == nil || vs.ReviewedAt == nil || vs.Review == models.ReviewPending {
		return ""
	}
	who := kit.Esc(rec.ReviewerName)
	if who == "" {
		who = t.T.T("vw_user_id", "ID", *vs.ReviewerID)
	}
	line := t.T.T("vw_reviewed", "State", ReviewLabel(t.T, vs.Review), "By", who, "At", t.Env.Stamp(t.T, *vs.ReviewedAt))
	if vs.Review == models.ReviewReturned && vs.ReviewNote != "" {
		line += "\n" + t.T.T("vw_note", "Note", kit.Esc(vs.ReviewNote))
	}
	return line
}

// ReviewLabel names a review state: 待审核, 已审核, 退回修改.
func ReviewLabel(tr kit.Tr, s models.ReviewState) string {
	switch s {
	case models.ReviewPending, models.ReviewApproved, models.ReviewReturned:
		return tr.T("review_" + string(s))
	}
	return tr.T("review_approved") // before review existed
}

// viewButtons: approve and return for a reviewer of a pending visit
// (not their own, unless an admin), edit for who may edit it, its
// history when it has one, then the rows added by AddVisitButtons.
func (v *Visits) viewButtons(t *kit.Turn, rec models.VisitRecord) [][]kit.Button {
	vs := rec.Visit
	var rows [][]kit.Button
	if canReview(t, vs) {
		rows = append(rows, []kit.Button{
			rvButton(t.T.T("btn_approve"), ReviewData{Action: rvApprove, Visit: vs.ID, N: rec.Revisions}),
			rvButton(t.T.T("btn_return"), ReviewData{Action: rvReturn, Visit: vs.ID, N: rec.Revisions}),
		})
	}
	var row []kit.Button
	if t.IsAdmin() || vs.AuthorID == t.Viewer.TelegramID && (vs.Review == models.ReviewReturned || t.Env.Now().Sub(vs.CreatedAt) <= editWindow) {
		row = append(row, rvButton(t.T.T("btn_edit_visit"), ReviewData{Action: rvEdit, Visit: vs.ID}))
	}
	if rec.Revisions > 0 {
		row = append(row, rvButton(t.T.T("btn_history"), ReviewData{Action: rvHistory, Visit: vs.ID}))
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return append(rows, v.visitButtons(t, vs.ID)...)
}

// canReview reports whether the turn's user may approve or return vs now.
func canReview(t *kit.Turn, vs models.Visit) bool {
	return vs.Review == models.ReviewPending && models.MayReview(t.Viewer) &&
		(vs.AuthorID != t.Viewer.TelegramID || t.IsAdmin())
}

func rvButton(label string, d ReviewData) kit.Button {
	return kit.Button{Text: label, Data: d.String()}
}
