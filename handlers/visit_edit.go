package handlers

// Editing a saved visit (issue 3): /visit edit <no> opens the saved visit
// as a draft on the review card; every field is edited with the steps of a
// new visit; Confirm asks for a reason and saves a new version, the store
// keeping the previous one.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// editStore is what editing visits, their history and the audit view need
// of the database beyond Store; *models.Store implements it. Every method
// scopes by the viewer, checks the role and writes its own audit row.
type editStore interface {
	GetVisit(ctx context.Context, v models.Viewer, id uint64) (models.Visit, []uint64, error)
	UpdateVisit(ctx context.Context, actor models.Viewer, id uint64, updated models.Visit, sanctionIDs []uint64, reason string, now time.Time) (models.VisitRevision, error)
	VisitHistory(ctx context.Context, v models.Viewer, id uint64) ([]models.VisitRevision, error)
	ListAudit(ctx context.Context, v models.Viewer, f models.AuditFilter) ([]models.AuditEvent, error)
}

// edits returns the store's visit-edit and audit methods.
func (s *session) edits() (editStore, error) { return s.a.store, nil }

// stepEditReason is the draft step that waits for the reason of an edit,
// after Confirm. The draft is marked Review so that Back returns to the card.
const stepEditReason = "edit_reason"

// editWindow is how long the author may edit a visit after saving it.
const editWindow = 7 * 24 * time.Hour

// maxReasonRunes bounds the reason of an edit (models keeps 512).
const maxReasonRunes = 512

// cmdVisitEdit answers /visit edit <no>.
func (s *session) cmdVisitEdit(args string) error {
	id, ok := parseVisitNo(args)
	if !ok {
		s.say("ed_edit_usage")
		return nil
	}
	if d := s.st.Draft; d != nil {
		// One draft at a time: the open one is finished or cancelled first.
		s.show(Message{Text: s.t.T("draft_exists", "Name", esc(d.MemberName)) + "\n" + s.t.T("ed_finish_draft"),
			Buttons: [][]Button{{s.btn(s.t.T("draft_resume"), "dr", "")}}})
		return nil
	}
	v, sel, ok, err := s.editableVisit(id)
	if err != nil || !ok {
		return err
	}
	m, unit, sanctions, err := s.a.store.MemberSanctions(s.ctx, s.viewer, v.MemberID)
	if errors.Is(err, models.ErrNotFound) {
		s.say("ed_visit_gone", "No", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("load member %d of visit %d: %w", v.MemberID, id, err)
	}
	s.st.Draft = draftOf(v, sel, m, unit, sanctions)
	s.st.Flow, s.st.Step, s.st.Choices = flowVisit, "", nil
	s.send(s.reviewCard())
	return nil
}

// parseVisitNo parses a visit number, "7" or "#7".
func parseVisitNo(args string) (uint64, bool) {
	return parseID(strings.TrimPrefix(strings.TrimSpace(args), "#"))
}

// editableVisit loads a visit the viewer may see and edit; when ok is false
// the refusal has been said. The store checks the same rules again when
// saving: this check only spares a refusal after the reason was typed.
func (s *session) editableVisit(id uint64) (v models.Visit, sel []uint64, ok bool, err error) {
	db, err := s.edits()
	if err != nil {
		return v, nil, false, err
	}
	v, sel, err = db.GetVisit(s.ctx, s.viewer, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		s.say("ed_visit_gone", "No", id)
		return v, nil, false, nil
	case err != nil:
		return v, nil, false, fmt.Errorf("load visit %d: %w", id, err)
	case s.viewer.Role == models.RoleAdmin:
		return v, sel, true, nil
	case v.AuthorID != s.viewer.TelegramID:
		s.say("ed_not_author", "No", id)
		return v, nil, false, nil
	case s.a.now().Sub(v.CreatedAt) > editWindow:
		s.say("ed_window_closed", "No", id)
		return v, nil, false, nil
	}
	return v, sel, true, nil
}

// draftOf is the inverse of Draft.toVisit: the saved visit as a draft on
// its review card. A fresh draft id keeps the saved visit's key unused.
func draftOf(v models.Visit, sel []uint64, m models.Member, unit string, sanctions []models.Sanction) *Draft {
	d := &Draft{
		ID: newDraftID(), Step: stepReview, EditOf: v.ID,
		MemberID: v.MemberID, MemberName: m.Name, UnitName: unit, Key: m.Key,
		Sel: slices.Clone(sel), Date: v.Date.Format(dateLayout), Methods: strings.Split(v.Methods, ","),
		Type: v.Type, Inspectors: v.Inspectors, Participants: v.Participants,
		Thinking: v.Thinking, Work: v.Work, Difficulties: v.Difficulties, Opinions: v.Opinions, Help: v.Help,
		EnfSet: true, EnfOK: v.EnforcementOK, EnfProblem: v.EnforcementProblem, PayFen: v.PayCorrectedFen,
		Conclusion: v.Conclusion, Recommend: v.Recommendation,
		FeedbackSet: true, Feedback: v.FeedbackUnit, BranchSet: true, Branch: v.BranchInformed,
	}
	if v.NextVisit != nil {
		d.Next = v.NextVisit.Format(dateLayout)
	}
	for _, sc := range sanctions {
		d.Avail = append(d.Avail, briefOf(sc))
	}
	return d
}

// confirmEdit answers Confirm on an edited visit: nothing changed ends the
// edit; otherwise the reason is asked.
func (s *session) confirmEdit() error {
	d := s.st.Draft
	v, sel, ok, err := s.editableVisit(d.EditOf)
	if err != nil {
		return err
	}
	if !ok {
		s.endEdit()
		return nil
	}
	if editedFields(v, sel) == editedFields(d.toVisit(), d.Sel) {
		s.show(Message{Text: s.reviewText() + "\n\n" + s.t.T("ed_unchanged", "No", d.EditOf)})
		s.endEdit()
		return nil
	}
	d.Step, d.Review = stepEditReason, true
	s.show(s.editReasonPrompt())
	return nil
}

// editReasonPrompt is the card without its buttons, asking for the reason.
func (s *session) editReasonPrompt() Message {
	return Message{Text: s.reviewText() + "\n\n" + s.t.T("ed_ask_reason", "Max", maxReasonRunes),
		Buttons: [][]Button{s.navRow(stepEditReason)}}
}

// typedEditReason takes the reason and saves the edit.
func (s *session) typedEditReason(text string) error {
	if n := runeLen(text); n > maxReasonRunes {
		s.say("too_long", "Max", maxReasonRunes, "N", n)
		s.send(s.editReasonPrompt())
		return nil
	}
	d := s.st.Draft
	db, err := s.edits()
	if err != nil {
		return err
	}
	rev, err := db.UpdateVisit(s.ctx, s.viewer, d.EditOf, d.toVisit(), d.Sel, text, s.a.now())
	if refusal := editRefusal(err); refusal != "" {
		s.say(refusal, "No", d.EditOf)
		s.endEdit()
		return nil
	}
	if err != nil {
		return fmt.Errorf("update visit %d: %w", d.EditOf, err)
	}
	s.send(Message{Text: s.reviewText() + "\n\n" + s.t.T("ed_updated", "No", d.EditOf, "Version", rev.Version)})
	s.endEdit()
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

func (s *session) endEdit() {
	s.st.Draft, s.st.Flow, s.st.Step = nil, "", ""
}

// visitFields is what an edit may change of a visit, comparable with ==.
type visitFields struct {
	date, next, methods, typ, inspectors, participants    string
	thinking, work, difficulties, opinions, help, problem string
	conclusion, recommendation, sanctions                 string
	enfOK, feedback, branch                               bool
	pay                                                   int64
}

func editedFields(v models.Visit, sel []uint64) visitFields {
	ids := slices.Clone(sel)
	slices.Sort(ids)
	f := visitFields{
		date: v.Date.Format(dateLayout), methods: v.Methods, typ: v.Type,
		inspectors: v.Inspectors, participants: v.Participants, thinking: v.Thinking, work: v.Work,
		difficulties: v.Difficulties, opinions: v.Opinions, help: v.Help, problem: v.EnforcementProblem,
		conclusion: v.Conclusion, recommendation: v.Recommendation, sanctions: fmt.Sprint(ids),
		enfOK: v.EnforcementOK, feedback: v.FeedbackUnit, branch: v.BranchInformed, pay: v.PayCorrectedFen,
	}
	if v.NextVisit != nil {
		f.next = v.NextVisit.Format(dateLayout)
	}
	return f
}
