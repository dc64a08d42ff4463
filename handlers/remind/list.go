package remind

import (
	"slices"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
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
	return v.who(it.MemberID, names) + " · " + kit.ItemLabel(v.t, it) + " · " + v.when(it)
}

// who names a member the viewer may see, or gives only the number.
func (v *view) who(id uint64, names map[uint64]models.MemberMatch) string {
	m, ok := names[id]
	if !ok {
		return v.t.T("rm_hidden_member", "ID", id)
	}
	return v.t.T("rm_member", "Name", kit.Esc(m.Member.Name), "Unit", kit.Esc(m.UnitName))
}

// when says by when the item is due and how many days are left or over.
func (v *view) when(it models.DueItem) string { return kit.DueWhen(v.t, it.Due, v.today) }

// itemButtons are, per listed item the viewer may see (at most
// maxItemButtons items), its rows: log a visit (or mark a task after a
// visit done) and snooze.
func (v *view) itemButtons(items []models.DueItem, names map[uint64]models.MemberMatch) [][]kit.Button {
	var rows [][]kit.Button
	n := 0
	for i, it := range items {
		m, ok := names[it.MemberID]
		if !ok {
			continue
		}
		if n == maxItemButtons {
			break
		}
		n++
		rows = append(rows, v.itemRows(i+1, it, m.Member.Name)...)
	}
	return rows
}

// itemRows are the buttons of the no-th item of a list, about the member
// called name: its action and snooze, and for a follow-up with both parts
// open a second row, since each part is marked by its own button.
func (v *view) itemRows(no int, it models.DueItem, name string) [][]kit.Button {
	label := []any{"No", no, "Name", shorten(name, maxLabelRunes)}
	var acts []kit.Button
	add := func(c ReminderCallback, text string) {
		if data, ok := buttonData(c); ok {
			acts = append(acts, kit.Button{Text: v.t.T(text, label...), Data: data})
		}
	}
	switch {
	case it.Reason == models.DueFollowUp && it.VisitID != 0:
		// Which part is open is unknown only in reminders planned before
		// items said so: both are offered, and the store marks only an
		// open one.
		if it.Owed == nil || it.Owed.Unit {
			add(ReminderCallback{Action: rcDone, Visit: it.VisitID, Arg: doneUnit}, "rm_btn_done_unit")
		}
		if it.Owed == nil || it.Owed.Branch {
			add(ReminderCallback{Action: rcDone, Visit: it.VisitID, Arg: doneBranch}, "rm_btn_done_branch")
		}
	case !it.Reason.Visit() && it.VisitID != 0:
		action, text := taskButton(it.Reason)
		add(ReminderCallback{Action: action, Visit: it.VisitID}, text)
	case it.Reason.Visit():
		add(ReminderCallback{Action: rcVisit, Member: it.MemberID, Sanction: it.SanctionID}, "rm_btn_visit")
	}
	first := slices.Clone(acts[:min(1, len(acts))])
	if data, ok := snoozeData(it); ok {
		first = append(first, kit.Button{Text: v.t.T("rm_btn_snooze", "Days", snoozeDays), Data: data})
	}
	if !it.Reason.Visit() && it.VisitID != 0 { // a task after a visit: the visit opens
		first = append(first, visit.OpenButton(v.t.T("btn_open_visit", "No", it.VisitID), it.VisitID))
	}
	var rows [][]kit.Button
	if len(first) > 0 {
		rows = append(rows, first)
	}
	for _, b := range acts[min(1, len(acts)):] {
		rows = append(rows, []kit.Button{b})
	}
	return rows
}

// taskButton is the action and label of the button that marks a
// rectification or requests met.
func taskButton(r models.DueReason) (action, label string) {
	if r == models.DueRectify {
		return rcRectified, "rm_btn_rectified"
	}
	return rcMet, "rm_btn_met"
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
