// Package report is /report [year] [unit]: the year-end figures of the
// asker's scope (or of one unit's subtree in it) as the seed's sentence,
// then the .xlsx workbook and a PNG chart (package reports), both sent
// with protect_content. Supervisors and administrators only: the figures
// are the work of those who lead the visits, and the lists behind them
// name every member visited.
package report

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
	"github.com/huifang/huifang/reports"
)

//go:embed locales/*.toml
var locales embed.FS

// Locales are the feature's messages (also for the command line).
var Locales = locales

// Store is what /report needs of the database.
type Store interface {
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
	YearReport(ctx context.Context, v models.Viewer, year int, unitID uint64) (models.Figures, error)
}

// Report is the feature.
type Report struct{ db Store }

// New builds the feature over db.
func New(db Store) *Report { return &Report{db: db} }

// Feature is how the dispatcher sees /report.
func (r *Report) Feature() kit.Feature {
	return kit.Feature{
		Name:    "report",
		Cmds:    []kit.Cmd{{Name: "report", Run: r.cmdReport, Menu: true, Keeps: true, Admin: true}},
		Locales: locales,
	}
}

// maxFile is Telegram's upload limit for a bot.
const maxFile = 50 << 20

// DefaultYear is the year /report shows without one: the current year,
// but in January the year just ended, when offices write its summary.
func DefaultYear(today time.Time) int {
	if today.Month() == time.January {
		return today.Year() - 1
	}
	return today.Year()
}

// ParseArgs splits /report's arguments: an optional year (2000..2100)
// first, then the unit as typed. ok is false for a year out of range.
func ParseArgs(args string, today time.Time) (year int, unit string, ok bool) {
	args = strings.TrimSpace(args)
	year = DefaultYear(today)
	first, rest, _ := strings.Cut(args, " ")
	if n, err := strconv.Atoi(first); err == nil {
		if n < 2000 || n > 2100 {
			return 0, "", false
		}
		return n, strings.TrimSpace(rest), true
	}
	return year, args, true
}

// Output is one report: the sentence (HTML-safe), and the files.
type Output struct {
	Figures  models.Figures
	Scope    string // the unit's name, or the catalogue's "all units"
	Sentence string
	XLSX     []byte
	PNG      []byte
	XLSXName string
	PNGName  string
}

// Build computes the report of year for v (unit nil: v's whole scope)
// and renders it in tr's language.
func Build(ctx context.Context, db Store, tr kit.Tr, v models.Viewer, year int, unit *models.Unit, today time.Time) (Output, error) {
	var id uint64
	out := Output{Scope: tr.T("rp_scope_all")}
	if unit != nil {
		id, out.Scope = unit.ID, unit.Name
	}
	f, err := db.YearReport(ctx, v, year, id)
	if err != nil {
		return Output{}, err
	}
	out.Figures, out.Sentence = f, Sentence(tr, f)
	if out.XLSX, err = reports.Workbook(f, tr.T); err != nil {
		return Output{}, err
	}
	if out.PNG, err = reports.Chart(f, tr.T); err != nil {
		return Output{}, err
	}
	stem := fmt.Sprintf("回访年度统计_%d_%s_%s", year, out.Scope, today.Format("20060102"))
	out.XLSXName, out.PNGName = stem+".xlsx", stem+".png"
	return out, nil
}

// Sentence is the seed's sentence for f.
func Sentence(tr kit.Tr, f models.Figures) string {
	t := f.Total
	return tr.T("rp_sentence", "Year", f.Year, "N", t.Visited, "A", t.MandatoryVisited, "B", t.Mandatory,
		"C", t.KeyVisited, "D", t.Key, "M", t.Enforced, "X", Yuan(t.PayFen), "K", t.Recommended, "J", t.Lifted)
}

// Yuan renders fen as yuan with separators, without ".00".
func Yuan(fen int64) string { return strings.TrimSuffix(kit.FormatFen(fen), ".00") }

// cmdReport answers /report.
func (r *Report) cmdReport(t *kit.Turn, args string) error {
	if t.User.Role != models.RoleAdmin && t.User.Role != models.RoleSupervisor {
		t.Say("rp_forbidden")
		return nil
	}
	year, q, ok := ParseArgs(args, t.Today())
	if !ok {
		t.Say("rp_bad_year")
		return nil
	}
	if kit.RuneLen(q) > kit.MaxArgRunes {
		t.Say("rp_usage")
		return nil
	}
	var unit *models.Unit
	if q != "" {
		u, err := kit.PickScope(t, r.db, q)
		if err != nil || u == nil {
			return err
		}
		unit = u
	}
	out, err := Build(t.Ctx, r.db, t.T, t.Viewer, year, unit, t.Today())
	if errors.Is(err, models.ErrNotFound) {
		t.Say("scope_no_unit", "Q", kit.Esc(q))
		return nil
	}
	if err != nil {
		return fmt.Errorf("report %d: %w", year, err)
	}
	if len(out.XLSX) > maxFile {
		t.Say("rp_too_large", "Year", year)
		return nil
	}
	text := t.T.T("rp_header", "Year", year, "Scope", kit.Esc(out.Scope)) + "\n" + out.Sentence
	if n := len(out.Figures.Lists[models.ListNotFinal]); n > 0 {
		text += "\n" + t.T.T("rp_not_final", "N", n)
	}
	t.Send(kit.Message{Text: text, Protect: true})
	t.Send(kit.Message{Text: t.T.T("rp_file_caption", "Year", year), Protect: true,
		Document: &kit.File{Name: out.XLSXName, Data: out.XLSX}})
	t.Send(kit.Message{Protect: true, Document: &kit.File{Name: out.PNGName, Data: out.PNG, Photo: true}})
	return nil
}
