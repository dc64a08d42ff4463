package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/report"
	"github.com/huifang/huifang/handlers/roster"
	"github.com/huifang/huifang/models"
)

// reportFlags are the report subcommand's own flags.
type reportFlags struct {
	year            int
	unit, xlsx, png string
}

// splitReportArgs takes --year, --unit, --xlsx and --png (each with its
// value after a space or "=") off args; the rest are configuration flags.
func splitReportArgs(args []string) (reportFlags, []string, error) {
	var f reportFlags
	var rest []string
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch name {
		case "year", "unit", "xlsx", "png":
		default: // configuration flags and their values

			rest = append(rest, args[i])
			continue
		}
		if !strings.HasPrefix(args[i], "-") {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return f, nil, fmt.Errorf("report: --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		switch name {
		case "year":
			y, err := strconv.Atoi(value)
			if err != nil || y < 2000 || y > 2100 {
				return f, nil, fmt.Errorf("report: --year %q: want a year from 2000 to 2100", value)
			}
			f.year = y
		case "unit":
			f.unit = value
		case "xlsx":
			f.xlsx = value
		case "png":
			f.png = value
		}
	}
	return f, rest, nil
}

// runReport prints the year-end sentence and figures of the whole roster
// (or one unit's subtree) and writes the workbook and the chart when
// asked, read as the command line's actor (an administrator, audited).
func runReport(ctx context.Context, cfg config.Config, log *slog.Logger, rf reportFlags, stdout io.Writer) error {
	cat, err := kit.NewCatalogue(kit.Locales, roster.New(nil).Feature().Locales, report.Locales)
	if err != nil {
		return err
	}
	tr := cat.Lang("zh")
	today := time.Now().In(cfg.Timezone)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if rf.year == 0 {
		rf.year = report.DefaultYear(today)
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	v := models.Viewer{TelegramID: cliActorID, Role: models.RoleAdmin}
	var unit *models.Unit
	if rf.unit != "" {
		units, err := store.UnitTree(ctx, v)
		if err != nil {
			return fmt.Errorf("report: units: %w", err)
		}
		found := models.MatchScope(units, rf.unit)
		if len(found) != 1 {
			return fmt.Errorf("report: --unit %q matches %d units, want one", rf.unit, len(found))
		}
		unit = &found[0]
	}
	out, err := report.Build(ctx, store, tr, v, rf.year, unit, today)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	printFigures(stdout, tr, out)
	for _, w := range []struct {
		file string
		data []byte
	}{{rf.xlsx, out.XLSX}, {rf.png, out.PNG}} {
		if w.file == "" {
			continue
		}
		if err := os.WriteFile(w.file, w.data, 0o600); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		fmt.Fprintln(stdout, w.file)
	}
	return nil
}

// printFigures prints the sentence and the figures by unit.
func printFigures(w io.Writer, tr kit.Tr, out report.Output) {
	fmt.Fprintln(w, out.Scope)
	fmt.Fprintln(w, out.Sentence)
	f := out.Figures
	line := func(name string, t models.Tally) {
		fmt.Fprintf(w, "%s\tN=%d\ta/b=%d/%d\tc/d=%d/%d\tM=%d\tX=%s\tK=%d\tJ=%d\tvisits=%d\n", name, t.Visited,
			t.MandatoryVisited, t.Mandatory, t.KeyVisited, t.Key, t.Enforced, report.Yuan(t.PayFen), t.Recommended, t.Lifted, t.Visits)
	}
	for _, u := range f.Rows {
		line(u.Name, f.UnitTotal(u.ID))
	}
	line(tr.T("rp_total"), f.Total)
	if n := len(f.Lists[models.ListNotFinal]); n > 0 {
		fmt.Fprintln(w, tr.T("rp_not_final", "N", n))
	}
}
