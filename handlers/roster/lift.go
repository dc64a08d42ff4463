package roster

// The end of a sanction, from the card, as its kind has it: after a
// probation, party rights restored (the date, never before the end of the
// probation, and the decision number); a governmental sanction, lifted by
// itself at the end of its period, may have its lifting decision's number
// recorded (optional). A one-year probation may be extended once by a
// year (the decision number). Nothing is lifted for the other kinds.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Kinds of end a card offers (Draft.End).
const (
	endRestore = "restore" // 恢复党员权利
	endLift    = "lift"    // 解除 of a governmental sanction
	endExtend  = "extend"  // the extension of a probation
)

// endForms are the forms of the three ends; none has a review card: the
// last answer saves.
func (r *Roster) endForms() map[string]*wizard.Form[*Draft] {
	form := func(fields ...*wizard.Field[*Draft]) *wizard.Form[*Draft] {
		return &wizard.Form[*Draft]{NS: NS, Keys: "ro_", Fields: fields,
			State: func(d *Draft) *wizard.State { return &d.State }, Heading: editHeading,
			Done: r.saveEnd, Back: r.backToCard, Cancel: r.cancel}
	}
	return map[string]*wizard.Form[*Draft]{
		endRestore: form(
			&wizard.Field[*Draft]{Name: "restore_date", Kind: wizard.Date, Hidden: true, Check: checkRestoreDate,
				Shortcuts: todayShortcut, PromptData: endData},
			&wizard.Field[*Draft]{Name: "restore_no", Kind: wizard.Text, Hidden: true, Parse: line(maxDecisionNo), PromptData: endData}),
		endLift: form(&wizard.Field[*Draft]{Name: "lift_no", Kind: wizard.Text, Hidden: true, Optional: true,
			Parse: line(maxDecisionNo), PromptData: endData}),
		endExtend: form(&wizard.Field[*Draft]{Name: "extend_no", Kind: wizard.Text, Hidden: true,
			Parse: line(maxDecisionNo), PromptData: endData}),
	}
}

// endData names the sanction and its period's last day in the questions.
func endData(t *kit.Turn, d *Draft) []any {
	end, _ := kit.ParseDay(d.PeriodEnd)
	return []any{"Kind", t.T.T("kind_" + d.SKind), "No", kit.Esc(d.SanctionNo), "End", t.T.Date(end)}
}

func todayShortcut(t *kit.Turn, _ *Draft) []wizard.Option {
	return []wizard.Option{{Code: t.Today().Format(kit.DateLayout), Label: t.T.T("btn_today")}}
}

// checkRestoreDate keeps the restoration of party rights between the last
// day of the probation and today.
func checkRestoreDate(d *Draft, v string, today time.Time) error {
	day, _ := kit.ParseDay(v)
	if day.After(today) {
		return kit.Refuse("ro_date_future")
	}
	if end, _ := kit.ParseDay(d.PeriodEnd); day.Before(end) {
		return kit.Refuse("ro_restore_before_end", "Date", end)
	}
	return nil
}

// endOf is the end a card may record for sc on today, or "".
func endOf(sc models.Sanction, today time.Time) string {
	switch {
	case !sc.LiftableOn(today):
		return ""
	case sc.Kind == models.PartyProbation:
		return endRestore
	}
	return endLift
}

// endButtons are the card's buttons that record the end of a sanction or
// extend a probation.
func endButtons(t *kit.Turn, sanctions []models.Sanction) [][]kit.Button {
	var rows [][]kit.Button
	for _, sc := range sanctions {
		id := strconv.FormatUint(sc.ID, 10)
		if e := endOf(sc, t.Today()); e != "" {
			label := t.T.T("ro_btn_"+e, "Kind", t.T.T("kind_"+string(sc.Kind)), "No", sc.DecisionNo)
			rows = append(rows, []kit.Button{t.Btn(label, NS, actLift, id)})
		}
		if sc.Extensible() {
			rows = append(rows, []kit.Button{t.Btn(t.T.T("ro_btn_extend", "No", sc.DecisionNo), NS, actExtend, id)})
		}
	}
	return rows
}

// startEnd asks for what records the end (or the extension) of a
// sanction of the card's member.
func (r *Roster) startEnd(t *kit.Turn, card *Draft, arg string, extend bool) error {
	id, ok := kit.ParseID(arg)
	_, _, sanctions, err := r.db.MemberSanctions(t.Ctx, t.Viewer, card.MemberID)
	if err != nil {
		if failed(t, err) {
			return nil
		}
		return fmt.Errorf("load member %d: %w", card.MemberID, err)
	}
	i := slices.IndexFunc(sanctions, func(sc models.Sanction) bool { return ok && sc.ID == id })
	end := ""
	switch {
	case i < 0:
	case extend && sanctions[i].Extensible():
		end = endExtend
	case !extend:
		end = endOf(sanctions[i], t.Today())
	}
	if end == "" {
		t.Toast("button_expired")
		return nil
	}
	sc := sanctions[i]
	d := &Draft{Kind: kindLift, MemberID: card.MemberID, MemberName: card.MemberName, UnitID: card.UnitID,
		Assignee: card.Assignee, SanctionID: sc.ID, SKind: string(sc.Kind), SanctionNo: sc.DecisionNo, End: end,
		Decided: sc.DecisionDate.Format(kit.DateLayout), PeriodEnd: sc.End().Format(kit.DateLayout)}
	start(t, d)
	return r.ends[end].Begin(t, d)
}

// saveEnd records the end (or the extension) and shows the card again.
func (r *Roster) saveEnd(t *kit.Turn, d *Draft) error {
	var err error
	switch d.End {
	case endRestore:
		on, _ := kit.ParseDay(d.Get("restore_date"))
		err = r.db.LiftSanction(t.Ctx, t.Viewer, d.SanctionID, on, d.Get("restore_no"))
	case endLift:
		err = r.db.LiftSanction(t.Ctx, t.Viewer, d.SanctionID, t.Today(), d.Get("lift_no"))
	case endExtend:
		err = r.db.ExtendProbation(t.Ctx, t.Viewer, d.SanctionID, d.Get("extend_no"))
	}
	switch {
	case errors.Is(err, models.ErrDuplicate): // recorded meanwhile
		return r.showCard(t, d.MemberID, t.T.T("ro_lifted_already"))
	case errors.Is(err, models.ErrInvalid):
		f := r.ends[d.End]
		d.Step = f.Fields[len(f.Fields)-1].Name
		return f.Retry(t, d, kit.Refuse("ro_invalid"))
	case failed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("record the end of sanction %d: %w", d.SanctionID, err)
	}
	t.Ack("saved_short")
	return r.showCard(t, d.MemberID, t.T.T("ro_done_"+d.End))
}
