package remind

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

// Digest limits.
const (
	maxDigestTop = 5  // entries listed per digest section, before cutting to fit
	escalateDays = 14 // DigestData.Escalations: overdue by more than this
)

// section is one part of a digest: a heading with its count, the lines of
// its first entries, how many entries it has in all and the catalogue id
// of its "and N more" line.
type section struct {
	head  string
	lines []string
	total int
	more  string
}

// cmdDigest sends a supervisor's or admin's digest now.
func (r *Remind) cmdDigest(t *kit.Turn, _ string) error {
	if t.User.Role != models.RoleSupervisor && t.User.Role != models.RoleAdmin {
		t.Say("rm_digest_only")
		return nil
	}
	v := r.turnView(t, models.AuditViewDigest)
	dd, err := v.db.Digest(t.Ctx, t.Viewer, v.rules, v.today, v.today.AddDate(0, 0, -digestDays))
	if err != nil {
		return fmt.Errorf("digest of %d: %w", t.Viewer.TelegramID, err)
	}
	m, err := v.digestMessage(models.DigestPayload{DigestData: dd})
	if err != nil {
		return err
	}
	t.Send(m)
	return nil
}

// digestDelivery renders a scheduled digest.
func (v *view) digestDelivery(payload string) (kit.Message, error) {
	p, err := decodeDigest(payload)
	if err != nil {
		return kit.Message{}, err
	}
	return v.digestMessage(p)
}

// digestMessage renders a digest as one message within Telegram's limit:
// every section's count, and as many of its top entries as fit.
func (v *view) digestMessage(p models.DigestPayload) (kit.Message, error) {
	dd, c := p.DigestData, p.Counts
	if !dd.Today.IsZero() {
		v.today = models.DateOf(dd.Today)
	}
	var top []models.DueItem
	for _, l := range [][]models.DueItem{dd.Overdue, dd.DueSoon, dd.ExpiringNoVisit, dd.KeyNotVisited, dd.OpenFollowUps, dd.Escalations} {
		top = append(top, l[:min(len(l), maxDigestTop)]...)
	}
	pending := dd.PendingReviews[:min(len(dd.PendingReviews), maxDigestTop)]
	ids := memberIDs(top)
	for _, p := range pending {
		if !slices.Contains(ids, p.MemberID) {
			ids = append(ids, p.MemberID)
		}
	}
	names, err := v.members(ids)
	if err != nil {
		return kit.Message{}, err
	}
	item := func(id string, items []models.DueItem, count, days int) section {
		n := max(count, len(items))
		return v.itemSection(v.t.T(id, "N", n, "Days", days), items, n, names, id == "rm_dg_escalations")
	}
	secs := []section{
		item("rm_dg_overdue", dd.Overdue, c.Overdue, 0),
		item("rm_dg_due_soon", dd.DueSoon, c.DueSoon, dueSoonDays),
		item("rm_dg_expiring", dd.ExpiringNoVisit, c.ExpiringNoVisit, v.rules.BeforeDays),
		v.visitsSection(dd.VisitsByInspector, c.Visits),
		item("rm_dg_key", dd.KeyNotVisited, c.KeyNotVisited, v.rules.KeyEveryDays),
		item("rm_dg_followups", dd.OpenFollowUps, c.OpenFollowUps, 0),
		item("rm_dg_escalations", dd.Escalations, c.Escalations, escalateDays),
	}
	var buttons [][]kit.Button
	if total := max(dd.PendingTotal, len(dd.PendingReviews)); total > 0 {
		secs = append(secs, v.pendingSection(pending, total, names))
		buttons = pendingButtons(v.t, pending, names)
	}
	title := v.t.T("rm_dg_title", "Since", v.t.Date(dd.Since), "Today", v.t.Date(v.today))
	return kit.Message{Text: v.fitSections(title, secs, maxDigestTop), Buttons: buttons}, nil
}

// pendingSection lists the first visits awaiting review, oldest first.
func (v *view) pendingSection(pending []models.PendingVisit, total int, names map[uint64]models.MemberMatch) section {
	sec := section{head: v.t.T("rm_dg_pending", "N", total), total: total, more: "rm_dg_more"}
	for _, p := range pending {
		sec.lines = append(sec.lines, "• "+v.t.T("rm_dg_pending_item", "No", p.ID, "Who", v.who(p.MemberID, names),
			"Date", v.t.Date(p.Date), "By", v.userName(p.AuthorID)))
	}
	return sec
}

// pendingButtons open the listed visits awaiting review whose members the
// reader may see, two to a row.
func pendingButtons(tr kit.Tr, pending []models.PendingVisit, names map[uint64]models.MemberMatch) [][]kit.Button {
	var rows [][]kit.Button
	for _, p := range pending {
		m, ok := names[p.MemberID]
		if !ok {
			continue
		}
		b := visit.OpenButton(tr.T("rm_dg_pending_btn", "No", p.ID, "Name", shorten(m.Member.Name, maxLabelRunes)), p.ID)
		if n := len(rows); n > 0 && len(rows[n-1]) < 2 {
			rows[n-1] = append(rows[n-1], b)
		} else {
			rows = append(rows, []kit.Button{b})
		}
	}
	return rows
}

// itemSection lists the first items of a digest section of total items;
// withResp adds the responsible inspectors.
func (v *view) itemSection(head string, items []models.DueItem, total int, names map[uint64]models.MemberMatch, withResp bool) section {
	sec := section{head: head, total: total, more: "rm_dg_more"}
	for _, it := range items[:min(len(items), maxDigestTop)] {
		line := "• " + v.itemLine(it, names)
		if withResp {
			line += " · " + v.responsible(it.Inspectors)
		}
		sec.lines = append(sec.lines, line)
	}
	return sec
}

// responsible names an item's responsible inspectors.
func (v *view) responsible(ids []int64) string {
	if len(ids) == 0 {
		return v.t.T("rm_dg_no_resp")
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = v.userName(id)
	}
	return v.t.T("rm_dg_resp", "Names", strings.Join(names, v.t.T("list_sep")))
}

// visitsSection counts the visits logged in the period (count, or the
// sum over inspectors if larger), per inspector, most first.
func (v *view) visitsSection(byAuthor map[int64]int, count int) section {
	authors := make([]int64, 0, len(byAuthor))
	total := 0
	for id, n := range byAuthor {
		authors = append(authors, id)
		total += n
	}
	total = max(total, count)
	slices.SortFunc(authors, func(x, y int64) int { return cmp.Or(cmp.Compare(byAuthor[y], byAuthor[x]), cmp.Compare(x, y)) })
	sec := section{head: v.t.T("rm_dg_visits", "N", total), total: len(authors), more: "rm_dg_more_people"}
	for _, id := range authors[:min(len(authors), maxDigestTop)] {
		sec.lines = append(sec.lines, "• "+v.t.T("rm_dg_visits_by", "Name", v.userName(id), "N", byAuthor[id]))
	}
	return sec
}

// fitSections joins the title and the sections, listing at most k lines
// per section, with k as large as still fits in one message.
func (v *view) fitSections(title string, secs []section, k int) string {
	for ; ; k-- {
		var b strings.Builder
		b.WriteString(title)
		for _, sec := range secs {
			b.WriteString("\n\n" + sec.head)
			n := min(k, len(sec.lines))
			for _, l := range sec.lines[:n] {
				b.WriteString("\n" + l)
			}
			if n > 0 && sec.total > n {
				b.WriteString("\n" + v.t.T(sec.more, "N", sec.total-n))
			}
		}
		if kit.TextLen(b.String()) <= kit.MaxTextLen || k == 0 {
			return b.String()
		}
	}
}
