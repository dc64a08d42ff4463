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
	"github.com/huifang/huifang/models"
)

// Store is what /status needs of the database; every method scopes by the
// viewer and audits the view.
type Store interface {
	kit.MemberSearcher
	MemberStatus(ctx context.Context, v models.Viewer, memberID uint64, today time.Time) (models.Status, error)
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
	return kit.Feature{
		Name:   "status",
		Cmds:   []kit.Cmd{{Name: "status", Run: s.cmdStatus}},
		NS:     NS,
		Button: s.button,
		Flows:  []string{Flow},
		Text:   s.query,
		Replay: func(t *kit.Turn, arg string) error {
			if id, ok := kit.ParseID(arg); ok {
				return s.show(t, id)
			}
			return nil
		},
		Locales: locales,
	}
}

// cmdStatus answers /status [name or number].
func (s *Status) cmdStatus(t *kit.Turn, args string) error {
	t.St.Flow, t.St.Step, t.St.Choices = Flow, "ask", nil
	if args == "" {
		t.Show(kit.Message{Text: t.T.T("ask_status")})
		return nil
	}
	return s.query(t, args)
}

func (s *Status) query(t *kit.Turn, q string) error {
	return kit.Lookup(t, s.db, q, NS, actPick, func(id uint64) error { return s.show(t, id) }, nil)
}

func (s *Status) button(t *kit.Turn, cb kit.Callback) error {
	switch cb.Action {
	case actPick:
		if id, ok := kit.Chosen(t, cb.Arg); ok && t.St.Flow == Flow {
			return s.show(t, id)
		}
	case actClose:
		return t.RunCommand("cancel", "")
	}
	t.Toast("button_expired")
	return nil
}

// show renders a member's status card; the store writes the audit row of
// the view and refuses to return data if it cannot.
func (s *Status) show(t *kit.Turn, memberID uint64) error {
	today := t.Today()
	st, err := s.db.MemberStatus(t.Ctx, t.Viewer, memberID, today)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("status of member %d: %w", memberID, err)
	}
	t.St.Flow, t.St.Step, t.St.Choices = "", "", nil
	t.Show(kit.Message{Text: card(t.T, st, today)})
	t.Replayable(NS, strconv.FormatUint(memberID, 10))
	return nil
}

func card(tr kit.Tr, st models.Status, today time.Time) string {
	var b strings.Builder
	m := st.Member
	b.WriteString(kit.MemberTitle(tr, m, st.UnitName))
	b.WriteString("\n" + tr.T("st_class", "Class", kit.TargetClass(tr, m)))
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
	b.WriteString("\n" + tr.T("st_next", "Date", tr.Date(st.NextDue), "Reason", tr.T("reason_"+string(st.NextReason))))
	if len(st.OpenFollowUps) > 0 {
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
	}
	return b.String()
}
