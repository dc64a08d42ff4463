package roster

// Assigning the inspector of a member's interactive visits from the card:
// who (or nobody), then every how many months.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Limits of the interval of interactive visits, in months; intervalCodes
// are offered as buttons, others are typed.
const (
	minInterval = 1
	maxInterval = 24
)

var intervalCodes = []string{"1", "2", "3", "6", "12"}

// noAssignee is the answer of the "clear the assignment" button.
const noAssignee = "0"

// assignForm asks for the inspector and the interval; there is no review
// card: the last answer saves.
func (r *Roster) assignForm() *wizard.Form[*Draft] {
	return &wizard.Form[*Draft]{
		NS: NS, Keys: "ro_",
		Fields: []*wizard.Field[*Draft]{
			{Name: "assign", Kind: wizard.Pick, Hidden: true, Options: r.assigneeOptions, Shortcuts: clearAssignee},
			{Name: "interval", Kind: wizard.Choice, Hidden: true, Codes: intervalCodes, Label: monthsLabel,
				PerRow: len(intervalCodes), Parse: parseInterval, Applies: assigning, PromptData: r.intervalData},
		},
		State:   func(d *Draft) *wizard.State { return &d.State },
		Heading: editHeading,
		Done:    r.saveAssignment,
		Back:    r.backToCard,
		Cancel:  r.cancel,
	}
}

func assigning(d *Draft) bool { return d.Get("assign") != noAssignee }

// clearAssignee offers to clear an assignment the member has.
func clearAssignee(t *kit.Turn, d *Draft) []wizard.Option {
	if d.Assignee == 0 {
		return nil
	}
	return []wizard.Option{{Code: noAssignee, Label: t.T.T("ro_btn_clear_assignee")}}
}

// parseInterval takes a typed number of months (full-width digits too).
func parseInterval(_ *Draft, text string, _ time.Time) (string, error) {
	n, err := strconv.Atoi(kit.Fold(text))
	if err != nil || n < minInterval || n > maxInterval {
		return "", kit.Refuse("ro_interval_range", "Min", minInterval, "Max", maxInterval)
	}
	return strconv.Itoa(n), nil
}

// intervalData names the chosen inspector in the interval question. The
// button's label also holds the unit, so the name is looked up; if that
// fails the label is shown.
func (r *Roster) intervalData(t *kit.Turn, d *Draft) []any {
	name := d.Labels["assign"]
	if id, err := strconv.ParseInt(d.Get("assign"), 10, 64); err == nil {
		if u, err := r.db.FindUser(t.Ctx, id); err == nil {
			name = u.Name
		}
	}
	return []any{"Name", kit.Esc(name), "Min", minInterval, "Max", maxInterval}
}

// startAssign asks for the inspector of interactive visits.
func (r *Roster) startAssign(t *kit.Turn, card *Draft) error {
	users, err := r.assignees(t, card.UnitID)
	if err != nil {
		return err
	}
	if len(users) == 0 && card.Assignee == 0 {
		t.Say("ro_no_inspectors")
		return nil
	}
	d := &Draft{Kind: kindAssign, MemberID: card.MemberID, MemberName: card.MemberName, UnitID: card.UnitID, Assignee: card.Assignee}
	start(t, d)
	return r.assign.Begin(t, d)
}

// assigneeOptions offer the inspectors who may visit the member (the first
// maxUnitButtons of them).
func (r *Roster) assigneeOptions(t *kit.Turn, d *Draft) ([]wizard.Option, error) {
	users, err := r.assignees(t, d.UnitID)
	if err != nil {
		return nil, err
	}
	users = users[:min(len(users), maxUnitButtons)]
	opts := make([]wizard.Option, len(users))
	for i, u := range users {
		opts[i] = wizard.Option{Code: strconv.FormatInt(u.TelegramID, 10), Label: u.Name + " · " + u.UnitName}
	}
	return opts, nil
}

// assignees are the users who may make the member's interactive visits:
// active inspectors and supervisors of the viewer's subtree whose unit is
// the member's unit or one above it (models checks the same rule).
func (r *Roster) assignees(t *kit.Turn, memberUnit uint64) ([]models.UserRow, error) {
	units, err := r.subtreeUnits(t)
	if err != nil {
		return nil, err
	}
	paths := make(map[uint64]string, len(units))
	for _, u := range units {
		paths[u.ID] = u.Path
	}
	users, err := r.db.ListUsers(t.Ctx, t.Viewer)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []models.UserRow
	memberPath := paths[memberUnit]
	for _, u := range users {
		p, ok := paths[u.UnitID]
		if ok && memberPath != "" && (u.Role == models.RoleInspector || u.Role == models.RoleSupervisor) && strings.HasPrefix(memberPath, p) {
			out = append(out, u)
		}
	}
	return out, nil
}

// saveAssignment saves the assignment, or clears it.
func (r *Roster) saveAssignment(t *kit.Turn, d *Draft) error {
	p, done, step := models.MemberPatch{}, t.T.T("ro_done_assign"), "interval"
	if assigning(d) {
		id, _ := strconv.ParseInt(d.Get("assign"), 10, 64)
		n, _ := strconv.Atoi(d.Get("interval"))
		p.AssigneeID, p.IntervalMonths = &id, &n
	} else {
		var none int64
		zero := 0
		p.AssigneeID, p.IntervalMonths = &none, &zero
		done, step = t.T.T("ro_done_unassign"), "assign"
	}
	return r.patch(t, d, p, done, func(pr *kit.Problem) error {
		d.Step = step
		return r.assign.Retry(t, d, pr)
	})
}
