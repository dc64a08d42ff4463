package remind

import (
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// Rendering lists of due items: scheduled reminders and /due.

// maxLabelRunes bounds a member's name in a button label.
const maxLabelRunes = 16

// reminderDelivery renders a scheduled reminder.
func (v *view) reminderDelivery(payload string) (kit.Message, error) {
	items, total, err := decodeReminder(payload)
	if err != nil {
		return kit.Message{}, err
	}
	items, dropped, err := v.visible(items, maxReminderList)
	if err != nil {
		return kit.Message{}, err
	}
	if total -= dropped; len(items) == 0 {
		return kit.Message{Text: v.t.T("rm_none")}, nil
	}
	return v.listMessage(v.t.T("rm_title", "N", total), items, total, maxReminderList, "rm_more")
}

// listMessage renders items, in the order given, as a numbered list under
// head: as many of the first limit items as fit in one message, a line
// counting the rest of total, and buttons for the first listed items.
// Items of members the viewer may not see (any more) are left out.
func (v *view) listMessage(head string, items []models.DueItem, total, limit int, moreID string) (kit.Message, error) {
	shown := items[:min(len(items), limit)]
	names, err := v.members(memberIDs(shown))
	if err != nil {
		return kit.Message{}, err
	}
	shown, dropped := inScope(shown, names) // callers dropped them already (visible): a safety net
	total -= dropped
	lines := make([]string, len(shown))
	for i, it := range shown {
		lines[i] = strconv.Itoa(i+1) + ". " + v.itemLine(it, names)
	}
	text, n := fitList(head, lines, max(total, len(items)-dropped), func(rest int) string { return v.t.T(moreID, "N", rest) })
	return kit.Message{Text: text, Buttons: v.itemButtons(shown[:n], names)}, nil
}

// fitList joins head and the first lines that fit in one message, with a
// "more" line when some of total are left out; n is how many were listed.
func fitList(head string, lines []string, total int, more func(int) string) (string, int) {
	for n := len(lines); ; n-- {
		var b strings.Builder
		b.WriteString(head)
		for _, l := range lines[:n] {
			b.WriteString("\n" + l)
		}
		if total > n {
			b.WriteString("\n" + more(total-n))
		}
		if kit.TextLen(b.String()) <= kit.MaxTextLen || n == 0 {
			return b.String(), n
		}
	}
}

// itemLine is "张三（东湖镇…）· 期满前回访 · 应于 2027年3月20日前（还有 5 天）".
func (v *view) itemLine(it models.DueItem, names map[uint64]models.MemberMatch) string {
	return v.who(it.MemberID, names) + " · " + v.reason(it.Reason) + " · " + v.when(it)
}

// who names a member the viewer may see, or gives only the number.
func (v *view) who(id uint64, names map[uint64]models.MemberMatch) string {
	m, ok := names[id]
	if !ok {
		return v.t.T("rm_hidden_member", "ID", id)
	}
	return v.t.T("rm_member", "Name", kit.Esc(m.Member.Name), "Unit", kit.Esc(m.UnitName))
}

// reason names why the item is due, as /status does.
func (v *view) reason(r models.DueReason) string { return kit.ReasonLabel(v.t, r) }

// when says by when the item is due and how many days are left or over.
func (v *view) when(it models.DueItem) string { return kit.DueWhen(v.t, it.Due, v.today) }

// itemButtons are, per listed item the viewer may see (at most
// maxItemButtons), a row: log a visit (or, for a follow-up, mark it done)
// and snooze.
func (v *view) itemButtons(items []models.DueItem, names map[uint64]models.MemberMatch) [][]kit.Button {
	var rows [][]kit.Button
	for i, it := range items {
		m, ok := names[it.MemberID]
		if !ok {
			continue
		}
		if len(rows) == maxItemButtons {
			break
		}
		if row := v.itemRow(i+1, it, m.Member.Name); len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

// itemRow is the buttons of the no-th item of a list, about the member
// called name.
func (v *view) itemRow(no int, it models.DueItem, name string) []kit.Button {
	label := []any{"No", no, "Name", shorten(name, maxLabelRunes)}
	var row []kit.Button
	switch {
	case !it.Reason.Visit() && it.VisitID != 0:
		action, text := taskButton(it.Reason)
		if data, ok := buttonData(ReminderCallback{Action: action, Visit: it.VisitID}); ok {
			row = append(row, kit.Button{Text: v.t.T(text, label...), Data: data})
		}
	case it.Reason.Visit():
		if data, ok := buttonData(ReminderCallback{Action: rcVisit, Member: it.MemberID, Sanction: it.SanctionID}); ok {
			row = append(row, kit.Button{Text: v.t.T("rm_btn_visit", label...), Data: data})
		}
	}
	if data, ok := snoozeData(it); ok {
		row = append(row, kit.Button{Text: v.t.T("rm_btn_snooze", "Days", snoozeDays), Data: data})
	}
	return row
}

// taskButton is the action and label of the button that marks a task
// after a visit done.
func taskButton(r models.DueReason) (action, label string) {
	switch r {
	case models.DueRectify:
		return rcRectified, "rm_btn_rectified"
	case models.DueRequest:
		return rcMet, "rm_btn_met"
	}
	return rcDone, "rm_btn_done"
}

// shorten cuts s to max characters, with an ellipsis.
func shorten(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// memberIDs lists the distinct members of items.
func memberIDs(items []models.DueItem) []uint64 {
	ids := make([]uint64, 0, len(items))
	for _, it := range items {
		if !slices.Contains(ids, it.MemberID) {
			ids = append(ids, it.MemberID)
		}
	}
	return ids
}

// sortUrgent orders items most urgent first, in the calendar's order
// (models.CompareDue), so that a member's first item is the next visit
// /status names.
func sortUrgent(items []models.DueItem) { slices.SortStableFunc(items, models.CompareDue) }
