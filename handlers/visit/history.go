package visit

// /history <no>: who created a visit, and who changed what in it and why.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// cmdHistory answers /history <no>.
func (v *Visits) cmdHistory(t *kit.Turn, args string) error {
	id, ok := kit.ParseID(args)
	if !ok {
		t.Say("ed_history_usage")
		return nil
	}
	saved, revs, err := v.db.VisitHistory(t.Ctx, t.Viewer, id)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("ed_visit_gone", "No", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("history of visit %d: %w", id, err)
	}
	t.Send(kit.Message{Text: v.historyText(t, saved, revs),
		Buttons: [][]kit.Button{{OpenButton(t.T.T("btn_open_visit", "No", id), id)}}})
	return nil
}

func (v *Visits) historyText(t *kit.Turn, saved models.Visit, revs []models.VisitRevision) string {
	names := map[int64]string{}
	var b strings.Builder
	b.WriteString(t.T.T("ed_history_title", "No", saved.ID, "Date", t.T.Date(saved.Date)))
	b.WriteString("\n" + t.T.T("ed_history_created", "By", v.editorName(t, names, saved.AuthorID), "At", stamp(t, saved.CreatedAt)))
	if len(revs) == 0 {
		b.WriteString("\n" + t.T.T("ed_history_none"))
	}
	for _, r := range revs {
		b.WriteString("\n\n" + t.T.T("ed_history_rev", "Version", r.Version, "By", v.editorName(t, names, r.EditorID), "At", stamp(t, r.At)))
		b.WriteString("\n" + t.T.T("ed_history_reason", "Reason", kit.Esc(r.Reason)))
		b.WriteString("\n" + t.T.T("ed_history_changed", "Fields", ChangedLabels(t.T, r.Changed)))
	}
	return b.String()
}

// editorName is a user's name, escaped, or their Telegram id when they are
// not (or no longer) registered; names caches the look-ups of one answer.
func (v *Visits) editorName(t *kit.Turn, names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	n := strconv.FormatInt(id, 10)
	if u, err := v.db.FindUser(t.Ctx, id); err == nil && u.Name != "" {
		n = kit.Esc(u.Name)
	}
	names[id] = n
	return n
}

// stamp renders an instant in the office's time zone, its date in the
// user's language: "2026年12月3日 19:53".
func stamp(t *kit.Turn, at time.Time) string {
	local := at.In(t.Env.Loc)
	return t.T.Date(models.DateOf(local)) + " " + local.Format("15:04")
}

// ChangedLabels renders the store's comma-separated changed columns of a
// visit (a revision's, an audit row's) by the labels of their fields; a
// name without a field is shown as it is.
func ChangedLabels(tr kit.Tr, changed string) string {
	var labels []string
	for _, name := range strings.Split(changed, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if f := fieldOfColumn(name); f != "" {
			labels = append(labels, tr.T("f_"+f))
		} else {
			labels = append(labels, kit.Esc(name))
		}
	}
	if len(labels) == 0 {
		return tr.T("none")
	}
	return strings.Join(labels, tr.T("list_sep"))
}

// fieldOfColumn is the field saved in a column of the visits table (by the
// store's snake_case name; "sanctions" for the links), or "".
func fieldOfColumn(column string) string {
	for _, fd := range Fields {
		if fd.Col == "" && fd.Name == column || fd.Col != "" && snake(fd.Col) == column {
			return fd.Name
		}
	}
	return ""
}

// snake is GORM's column name of a Go field name: EnforcementOK →
// enforcement_ok, PayCorrectedFen → pay_corrected_fen.
func snake(name string) string {
	var b strings.Builder
	r := []rune(name)
	for i, c := range r {
		upper := c >= 'A' && c <= 'Z'
		if upper && i > 0 && (r[i-1] < 'A' || r[i-1] > 'Z' || i+1 < len(r) && (r[i+1] < 'A' || r[i+1] > 'Z')) {
			b.WriteByte('_')
		}
		if upper {
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
