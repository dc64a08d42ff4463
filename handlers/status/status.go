// Package status answers /status: a member's sanctions, visits, the next
// visit due and the follow-ups still open.
package status

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

// Store is what /status needs of the database; every method scopes by the
// viewer and audits the view.
type Store interface {
	kit.MemberSearcher
	MemberStatus(ctx context.Context, v models.Viewer, r models.CalendarRules, memberID uint64, today time.Time) (models.Status, error)
}

// NS is the callback namespace of the status buttons; Flow the flow of a
// typed name.
const (
	NS       = "st"
	Flow     = "status"
	actPick  = "sp" // arg: a member offered by a search
	actClose = "cx"
)

//go:embed locales/*.toml
var locales embed.FS

// Status is the /status feature.
type Status struct{ db Store }

// New builds the feature over db.
func New(db Store) *Status { return &Status{db: db} }

// Feature is how the dispatcher sees /status.
func (s *Status) Feature() kit.Feature {
	p := kit.Picker{DB: s.db, Flow: Flow, NS: NS, Ask: "ask_status", Pick: actPick, Close: actClose, Show: s.show}
	return kit.Feature{
		Name:   "status",
		Cmds:   []kit.Cmd{{Name: "status", Run: p.Command}},
		NS:     NS,
		Button: p.Button,
		Flows:  []string{Flow},
		Text:   p.Query,
		Replay: func(t *kit.Turn, arg string) error {
			if id, ok := kit.ParseID(arg); ok {
				return s.show(t, id)
			}
			return nil
		},
		Locales: locales,
	}
}

// show renders a member's status card; the store writes the audit row of
// the view and refuses to return data if it cannot.
func (s *Status) show(t *kit.Turn, memberID uint64) error {
	today := t.Today()
	st, err := s.db.MemberStatus(t.Ctx, t.Viewer, t.Env.Rules, memberID, today)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("status of member %d: %w", memberID, err)
	}
	t.St.Flow, t.St.Step, t.St.Choices = "", "", nil
	t.Show(kit.Message{Text: card(t.T, st, today), Buttons: visitButtons(t.T, st.Visits)})
	t.Replayable(NS, strconv.FormatUint(memberID, 10))
	return nil
}

// maxLater bounds the visits listed after the next one.
const maxLater = 3

func card(tr kit.Tr, st models.Status, today time.Time) string {
	var b strings.Builder
	m := st.Member
	b.WriteString(kit.MemberTitle(tr, m, st.UnitName))
	b.WriteString("\n" + tr.T("st_class", "Class", kit.TargetClass(tr, m, st.Sanctions)))
	b.WriteString("\n" + tr.T("st_sanctions"))
	for _, sc := range st.Sanctions {
		b.WriteString("\n• " + kit.SanctionLine(tr, sc, today))
	}
	b.WriteString("\n" + tr.T("st_visits", "N", st.VisitCount))
	if v := st.LastVisit; v != nil {
		methods := tr.Labels("method_", strings.Split(v.Methods, ","))
		b.WriteString("\n" + tr.T("st_last", "Date", tr.Date(v.Date), "Methods", methods,
			"Conclusion", tr.T("concl_"+v.Conclusion), "By", kit.Esc(st.LastAuthor)))
	}
	b.WriteString(visitLines(tr, st))
	b.WriteString("\n" + nextLine(tr, st, today))
	b.WriteString(openTasks(tr, st))
	return b.String()
}

// visitLines lists the member's latest visits with their numbers and
// review states.
func visitLines(tr kit.Tr, st models.Status) string {
	var b strings.Builder
	for _, v := range st.Visits {
		methods := tr.Labels("method_", strings.Split(v.Methods, ","))
		b.WriteString("\n" + tr.T("st_visit_line", "No", v.ID, "Date", tr.Date(v.Date), "Methods", methods,
			"State", visit.ReviewLabel(tr, v.Review)))
	}
	if n := st.VisitCount - len(st.Visits); n > 0 && len(st.Visits) > 0 {
		b.WriteString("\n" + tr.T("st_visits_more", "N", n))
	}
	return b.String()
}

// maxVisitButtons bounds the card's buttons that open a visit.
const maxVisitButtons = 6

// visitButtons open the latest visits, three to a row.
func visitButtons(tr kit.Tr, visits []models.Visit) [][]kit.Button {
	var btns []kit.Button
	for _, v := range visits[:min(len(visits), maxVisitButtons)] {
		btns = append(btns, visit.OpenButton(tr.T("st_btn_visit", "No", v.ID), v.ID))
	}
	var rows [][]kit.Button
	for i := 0; i < len(btns); i += 3 {
		rows = append(rows, btns[i:min(i+3, len(btns))])
	}
	return rows
}

// NextLine is the card's line about the next visit the calendar owes:
// its reason and date, as /due and the digests give them, and the visits
// owed after it.
func nextLine(tr kit.Tr, st models.Status, today time.Time) string {
	if !st.HasNext {
		return tr.T("st_next_none")
	}
	line := tr.T("st_next", "Reason", kit.ReasonLabel(tr, st.Next.Reason), "When", kit.DueWhen(tr, st.Next.Due, today))
	if len(st.Later) == 0 {
		return line
	}
	later := make([]string, 0, maxLater)
	for _, it := range st.Later[:min(len(st.Later), maxLater)] {
		later = append(later, tr.T("st_later_item", "Date", tr.Date(it.Due), "Reason", kit.ReasonLabel(tr, it.Reason)))
	}
	return line + "\n" + tr.T("st_later", "Items", strings.Join(later, tr.T("list_sep")))
}

// openTasks lists the tasks visits left open: follow-ups, corrections of
// enforcement problems and requests to be met (never their texts).
func openTasks(tr kit.Tr, st models.Status) string {
	if len(st.OpenFollowUps)+len(st.OpenProblems)+len(st.OpenRequests) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n" + tr.T("st_followups"))
	for _, v := range st.OpenFollowUps {
		var open []string
		if !v.FeedbackUnit {
			open = append(open, tr.T("fu_unit"))
		}
		if !v.BranchInformed {
			open = append(open, tr.T("fu_branch"))
		}
		b.WriteString("\n• " + tr.T("st_followup", "No", v.ID, "Date", tr.Date(v.Date), "Open", strings.Join(open, tr.T("list_sep"))))
	}
	for _, v := range st.OpenProblems {
		b.WriteString("\n• " + tr.T("st_followup", "No", v.ID, "Date", tr.Date(v.Date), "Open", tr.T("fu_rectify")))
	}
	for _, v := range st.OpenRequests {
		b.WriteString("\n• " + tr.T("st_followup", "No", v.ID, "Date", tr.Date(v.Date), "Open", tr.T("fu_request")))
	}
	return b.String()
}
