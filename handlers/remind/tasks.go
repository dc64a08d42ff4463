package remind

// The tasks a visit leaves open besides its follow-ups, marked done from
// the reminders: an enforcement problem corrected (整改; the date and the
// pay corrected are asked), requests to the departments met (one tap).

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Flow is the flow of the typed answers of the rectification form; part
// is its draft's part of the conversation state.
const (
	Flow = "remind"
	part = "remind"
)

// Draft is the rectification being recorded: the visit that found the
// problem, its date and the pay it found to correct.
type Draft struct {
	wizard.State
	Visit uint64 `json:"v"`
	Date  string `json:"d"` // the visit's date (kit.DateLayout)
	Pay   int64  `json:"p"` // pay to correct found at the visit, in fen
}

// rectifyForm asks the day the problem was corrected and the pay
// corrected; there is no review card: the amount saves.
func (r *Remind) rectifyForm() *wizard.Form[*Draft] {
	return &wizard.Form[*Draft]{
		NS: NS, Keys: "rm_",
		Fields: []*wizard.Field[*Draft]{
			{Name: "fixed_on", Kind: wizard.Date, Hidden: true, Check: checkFixedOn, Shortcuts: fixedOnShortcuts, PromptData: fixData},
			{Name: "fixed_pay", Kind: wizard.Amount, Hidden: true, Shortcuts: payShortcuts, PromptData: fixData},
		},
		State:  func(d *Draft) *wizard.State { return &d.State },
		Done:   r.saveRectified,
		Cancel: func(t *kit.Turn, _ *Draft) error { return t.RunCommand("cancel", "") },
	}
}

func fixData(t *kit.Turn, d *Draft) []any {
	day, _ := kit.ParseDay(d.Date)
	return []any{"No", d.Visit, "Date", t.T.Date(day)}
}

func fixedOnShortcuts(t *kit.Turn, _ *Draft) []wizard.Option {
	today := t.Today()
	return []wizard.Option{{Code: today.Format(kit.DateLayout), Label: t.T.T("btn_today")},
		{Code: today.AddDate(0, 0, -1).Format(kit.DateLayout), Label: t.T.T("btn_yesterday")}}
}

// payShortcuts offer the pay found at the visit, and none.
func payShortcuts(t *kit.Turn, d *Draft) []wizard.Option {
	var opts []wizard.Option
	if d.Pay > 0 {
		opts = append(opts, wizard.Option{Code: strconv.FormatInt(d.Pay, 10), Label: t.T.T("rm_btn_pay_as_found", "Amount", kit.FormatFen(d.Pay))})
	}
	return append(opts, wizard.Option{Code: "0", Label: t.T.T("rm_btn_pay_none")})
}

// checkFixedOn keeps the correction between the visit and today.
func checkFixedOn(d *Draft, v string, today time.Time) error {
	day, _ := kit.ParseDay(v)
	if day.After(today) {
		return kit.Refuse("rm_date_future")
	}
	if visited, _ := kit.ParseDay(d.Date); day.Before(visited) {
		return kit.Refuse("rm_fixed_before_visit", "Date", visited)
	}
	return nil
}

// startRectify opens the rectification form for a visit of the presser's
// scope whose problem is open.
func (r *Remind) startRectify(t *kit.Turn, visitID uint64) error {
	v, _, err := r.db.GetVisit(t.Ctx, t.Viewer, visitID)
	if errors.Is(err, models.ErrNotFound) || err == nil && (v.EnforcementOK || v.RectifiedOn != nil) {
		t.Toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("visit %d: %w", visitID, err)
	}
	t.St.Seq++ // the form's buttons expire those of earlier prompts
	d := &Draft{Visit: visitID, Date: v.Date.Format(kit.DateLayout), Pay: v.PayCorrectedFen}
	kit.SetPart(t.St, part, d)
	t.St.Flow, t.St.Step, t.St.Choices = Flow, "", nil
	return r.rectify.Begin(t, d)
}

// saveRectified records the correction and shows the user's list again.
func (r *Remind) saveRectified(t *kit.Turn, d *Draft) error {
	on, _ := kit.ParseDay(d.Get("fixed_on"))
	pay, _ := strconv.ParseInt(d.Get("fixed_pay"), 10, 64)
	err := r.db.MarkRectified(t.Ctx, t.Viewer, d.Visit, on, pay)
	endTask(t)
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		t.Say("rm_fixed_already")
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark visit %d rectified: %w", d.Visit, err)
	}
	t.Ack("saved_short")
	m, err := r.dueMessage(t, t.T.T("rm_fixed_line", "No", d.Visit))
	if err != nil {
		return err
	}
	t.Show(m)
	return nil
}

// endTask leaves the rectification form.
func endTask(t *kit.Turn) {
	t.St.Drop(part)
	t.St.Flow, t.St.Step = "", ""
}

// markRequestsMet records the requests of a visit met today and turns the
// pressed list into the current one, headed by the item struck through.
func (r *Remind) markRequestsMet(t *kit.Turn, visitID uint64) error {
	err := r.db.MarkRequestsMet(t.Ctx, t.Viewer, visitID, t.Today())
	if errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
		t.Toast("rm_button_invalid")
		return nil
	}
	if err != nil {
		return fmt.Errorf("mark requests of visit %d met: %w", visitID, err)
	}
	t.Toast("rm_met_toast")
	m, err := r.dueMessage(t, t.T.T("rm_met_line", "No", visitID))
	if err != nil {
		return err
	}
	t.Show(m)
	return nil
}

// text takes a typed answer of the rectification form.
func (r *Remind) text(t *kit.Turn, text string) error {
	d := kit.Part[Draft](t.St, part)
	if d == nil {
		endTask(t)
		t.Say("rm_fixed_already")
		return nil
	}
	return r.rectify.Text(t, d, text)
}
