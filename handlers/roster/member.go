package roster

// The member form: /member add asks it all and shows a review card; a
// member card edits one field of it at a time (card.go).

import (
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// Limits of typed roster answers, in characters (the column sizes).
const (
	maxMemberName = 64
	maxPost       = 128
	maxKeyReason  = 256
	maxDecisionNo = 64
)

// rankCodes are the ranks offered as buttons.
var rankCodes = []string{string(models.RankSectionCadre), string(models.RankCivilServant), string(models.RankOther)}

// memberForm is the member form of /member add. The catalogue holds
// ro_q_<name> (the question) and ro_f_<name> (the label).
func (r *Roster) memberForm() *wizard.Form[*Draft] {
	return &wizard.Form[*Draft]{
		NS: NS, Keys: "ro_",
		Fields: []*wizard.Field[*Draft]{
			{Name: "name", Kind: wizard.Text, Parse: parseName},
			{Name: "unit", Kind: wizard.Pick, Options: r.unitOptions, Resolve: r.resolveUnit, PerRow: 2,
				MaxButtons: maxUnitButtons, TooMany: "ro_units_type", PickMany: "ro_pick_unit", Show: showUnit},
			{Name: "post", Kind: wizard.Text, Optional: true, Parse: line(maxPost)},
			{Name: "rank", Kind: wizard.Choice, Codes: rankCodes, Labels: "rank_"},
			{Name: "key", Kind: wizard.YesNo, Show: showKey},
			{Name: "reason", Kind: wizard.Text, Hidden: true, Parse: line(maxKeyReason), Applies: isKey},
		},
		State:   func(d *Draft) *wizard.State { return &d.State },
		Heading: func(t *kit.Turn, _ *Draft) string { return t.T.T("ro_head_member_add") },
		Review:  r.memberReview,
		Done:    r.createMember,
		Saved:   r.saved,
		Cancel:  r.cancel,
	}
}

func isKey(d *Draft) bool { return d.Get("key") == "y" }

// parseName takes a member's name, cleaned as the importer cleans one.
func parseName(_ *Draft, text string, _ time.Time) (string, error) {
	return cleanLine(importer.CleanName(text), maxMemberName)
}

// showKey is "yes (reason)" or "no".
func showKey(tr kit.Tr, d *Draft) string {
	if !isKey(d) {
		return tr.YesNo(false)
	}
	return tr.YesNo(true) + tr.T("ro_paren", "Text", kit.Esc(d.Get("reason")))
}

// startAdd starts /member add, at the unit when the name came with the
// command.
func (r *Roster) startAdd(t *kit.Turn, name string) error {
	if !canEdit(t) {
		return r.refuse(t, false)
	}
	d := &Draft{Kind: kindAdd}
	start(t, d)
	d.Step = r.member.Next(d, "")
	if name != "" {
		return r.member.Text(t, d, name)
	}
	return r.member.Ask(t, d)
}

// memberReview is the review card of /member add.
func (r *Roster) memberReview(t *kit.Turn, d *Draft) (kit.Message, error) {
	return kit.Message{Text: t.T.T("ro_review_member") + r.member.Lines(t.T, d) + "\n\n" + t.T.T("ro_review_hint"),
		Buttons: reviewButtons(t, r.member)}, nil
}

// reviewButtons are Confirm, then Back and Cancel.
func reviewButtons(t *kit.Turn, f *wizard.Form[*Draft]) [][]kit.Button {
	return [][]kit.Button{{f.ConfirmButton(t)}, {f.BackButton(t), f.CancelButton(t)}}
}

// createMember saves the member of /member add and shows their card.
func (r *Roster) createMember(t *kit.Turn, d *Draft) error {
	unit, _ := kit.ParseID(d.Get("unit"))
	m, err := r.db.CreateMember(t.Ctx, t.Viewer, models.MemberInput{Name: d.Get("name"), UnitID: unit,
		Post: d.Get("post"), Rank: models.Rank(d.Get("rank")), Key: isKey(d), KeyReason: d.Get("reason")})
	switch {
	case errors.Is(err, models.ErrDuplicate):
		return r.member.Retry(t, d, kit.Refuse("ro_member_exists"))
	case errors.Is(err, models.ErrNotFound):
		// The unit left the user's subtree meanwhile: ask it again.
		d.Step = "unit"
		return r.member.Retry(t, d, kit.Refuse("ro_unit_not_found", "Unit", showUnit(t.T, d)))
	case errors.Is(err, models.ErrInvalid):
		return r.member.Retry(t, d, kit.Refuse("ro_invalid"))
	case failed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("create member: %w", err)
	}
	t.Ack("saved_short")
	return r.showCard(t, m.ID, t.T.T("ro_member_saved", "No", m.ID))
}
