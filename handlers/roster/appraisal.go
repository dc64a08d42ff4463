package roster

// The unit's appraisal of a member (单位鉴定), kept per member in the
// archive, recorded from the card: its text, then its date.

import (
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// maxAppraisal bounds the appraisal's text, in characters (models keeps
// the same limit).
const maxAppraisal = 2000

// appraisalForm asks for the text and the date; there is no review card:
// the date saves.
func (r *Roster) appraisalForm() *wizard.Form[*Draft] {
	return &wizard.Form[*Draft]{
		NS: NS, Keys: "ro_",
		Fields: []*wizard.Field[*Draft]{
			{Name: "appraisal", Kind: wizard.Text, Hidden: true, Parse: line(maxAppraisal)},
			{Name: "appraisal_date", Kind: wizard.Date, Hidden: true, Check: notFuture, Shortcuts: todayShortcut},
		},
		State:   func(d *Draft) *wizard.State { return &d.State },
		Heading: editHeading,
		Done:    r.saveAppraisal,
		Back:    r.backToCard,
		Cancel:  r.cancel,
	}
}

// startAppraisal asks for the unit's appraisal of the card's member.
func (r *Roster) startAppraisal(t *kit.Turn, card *Draft) error {
	d := &Draft{Kind: kindAppraise, MemberID: card.MemberID, MemberName: card.MemberName, UnitID: card.UnitID, Assignee: card.Assignee}
	start(t, d)
	return r.appraise.Begin(t, d)
}

// saveAppraisal records the appraisal and shows the card again.
func (r *Roster) saveAppraisal(t *kit.Turn, d *Draft) error {
	text := d.Get("appraisal")
	on, _ := kit.ParseDay(d.Get("appraisal_date"))
	return r.patch(t, d, models.MemberPatch{UnitAppraisal: &text, UnitAppraisalDate: &on}, t.T.T("ro_done_appraisal"),
		func(pr *kit.Problem) error {
			d.Step = "appraisal"
			return r.appraise.Retry(t, d, pr)
		})
}
