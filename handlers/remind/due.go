package remind

import (
	"fmt"
	"slices"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// cmdDue answers /due: the user's list now, like a reminder.
func (r *Remind) cmdDue(t *kit.Turn, _ string) error {
	m, err := r.dueMessage(t, "")
	if err != nil {
		return err
	}
	t.Send(m)
	return nil
}

// dueMessage is the user's list now under an optional note: an
// inspector's own items due within dueSoonDays or overdue; a supervisor's
// or admin's subtree's overdue and soon-due items. Tasks after a visit
// (feedback, rectification, requests) are listed as long as they are
// open, so that they can be marked done from the list.
func (r *Remind) dueMessage(t *kit.Turn, note string) (kit.Message, error) {
	v := r.turnView(t, models.AuditViewDue)
	items, head, err := v.dueList(t.User.Role)
	if err != nil {
		return kit.Message{}, err
	}
	if note != "" {
		note += "\n"
	}
	if len(items) == 0 {
		return kit.Message{Text: note + t.T.T("rm_none")}, nil
	}
	return v.listMessage(note+head, items, len(items), maxDueList, "rm_more_due")
}

// dueList gathers the items dueMessage lists, most urgent first, and the
// heading for them.
func (v *view) dueList(role models.Role) ([]models.DueItem, string, error) {
	var items []models.DueItem
	if role == models.RoleInspector {
		all, err := v.db.DueItems(v.ctx, v.rules, v.today)
		if err != nil {
			return nil, "", fmt.Errorf("due items: %w", err)
		}
		horizon := v.today.AddDate(0, 0, dueSoonDays)
		for _, it := range all {
			if slices.Contains(it.Inspectors, v.viewer.TelegramID) && (!it.Due.After(horizon) || !it.Reason.Visit()) {
				items = append(items, it)
			}
		}
		sortUrgent(items)
		items, _, err = v.visible(items, maxDueList)
		if err != nil {
			return nil, "", err
		}
		return items, v.t.T("rm_due_title", "N", len(items)), nil
	}
	all, err := v.db.DueInScope(v.ctx, v.viewer, v.rules, v.today)
	if err != nil {
		return nil, "", fmt.Errorf("due items in scope: %w", err)
	}
	dd := models.NewDigestData(all, v.today)
	items = append(append(items, dd.Overdue...), dd.DueSoon...)
	for _, it := range dd.OpenFollowUps {
		if it.Due.After(v.today.AddDate(0, 0, dueSoonDays)) {
			items = append(items, it) // not among the soon-due ones yet
		}
	}
	sortUrgent(items)
	return items, v.t.T("rm_due_title_unit", "N", len(items), "Days", dueSoonDays), nil
}
