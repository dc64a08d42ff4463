package roster

// Lifting a sanction (or, after a party probation, restoring party
// rights) from the card: the date, then the decision number.

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// liftForm asks for the date and the decision number; there is no review
// card: the number saves.
func (r *Roster) liftForm() *wizard.Form[*Draft] {
	return &wizard.Form[*Draft]{
		NS: NS, Keys: "ro_",
		Fields: []*wizard.Field[*Draft]{
			{Name: "lift_date", Kind: wizard.Date, Hidden: true, Check: checkLiftDate, Shortcuts: todayShortcut,
				PromptData: liftData},
			{Name: "lift_no", Kind: wizard.Text, Hidden: true, Parse: line(maxDecisionNo), PromptData: liftData},
		},
		State:   func(d *Draft) *wizard.State { return &d.State },
		Heading: editHeading,
		Done:    r.saveLift,
		Back:    r.backToCard,
		Cancel:  r.cancel,
	}
}

func restoring(d *Draft) bool { return d.SKind == string(models.PartyProbation) }

func liftData(t *kit.Turn, d *Draft) []any {
	return []any{"Kind", t.T.T("kind_" + d.SKind), "Restore", restoring(d)}
}

func todayShortcut(t *kit.Turn, _ *Draft) []wizard.Option {
	return []wizard.Option{{Code: t.Today().Format(kit.DateLayout), Label: t.T.T("btn_today")}}
}

// checkLiftDate keeps a lifting between the decision and today.
func checkLiftDate(d *Draft, v string, today time.Time) error {
	day, _ := kit.ParseDay(v)
	if day.After(today) {
		return kit.Refuse("ro_date_future")
	}
	if decided, _ := kit.ParseDay(d.Decided); day.Before(decided) {
		return kit.Refuse("ro_date_before_decision", "Date", decided)
	}
	return nil
}

// startLift asks for the date a sanction of the card's member was lifted.
func (r *Roster) startLift(t *kit.Turn, card *Draft, arg string) error {
	id, ok := kit.ParseID(arg)
	_, _, sanctions, err := r.db.MemberSanctions(t.Ctx, t.Viewer, card.MemberID)
	if err != nil {
		if failed(t, err) {
			return nil
		}
		return fmt.Errorf("load member %d: %w", card.MemberID, err)
	}
	i := slices.IndexFunc(sanctions, func(sc models.Sanction) bool { return ok && sc.ID == id && liftable(sc) })
	if i < 0 {
		t.Toast("button_expired")
		return nil
	}
	sc := sanctions[i]
	d := &Draft{Kind: kindLift, MemberID: card.MemberID, MemberName: card.MemberName, UnitID: card.UnitID,
		Assignee: card.Assignee, SanctionID: sc.ID, SKind: string(sc.Kind), Decided: sc.DecisionDate.Format(kit.DateLayout)}
	start(t, d)
	return r.lift.Begin(t, d)
}

// saveLift records the sanction lifted and shows the card again.
func (r *Roster) saveLift(t *kit.Turn, d *Draft) error {
	on, _ := kit.ParseDay(d.Get("lift_date"))
	err := r.db.LiftSanction(t.Ctx, t.Viewer, d.SanctionID, on, d.Get("lift_no"))
	switch {
	case errors.Is(err, models.ErrDuplicate): // lifted meanwhile
		return r.showCard(t, d.MemberID, t.T.T("ro_lifted_already"))
	case errors.Is(err, models.ErrInvalid):
		d.Step = "lift_no"
		return r.lift.Retry(t, d, kit.Refuse("ro_invalid"))
	case failed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("lift sanction %d: %w", d.SanctionID, err)
	}
	done := t.T.T("ro_done_lift")
	if restoring(d) {
		done = t.T.T("ro_done_restore")
	}
	t.Ack("saved_short")
	return r.showCard(t, d.MemberID, done)
}
