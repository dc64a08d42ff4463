package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/export"
	"github.com/huifang/huifang/handlers/dataexport"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// exportArgs are `huifang export`'s own arguments.
type exportArgs struct {
	unit     string
	req      export.Request
	file     string
	given    bool // export was the command
	yearSet  bool
	rangeSet bool
}

// splitExportArgs takes export's --unit, --year, --from and --to (with
// their values, as "--unit U" or "--unit=U") and the file off args; the
// rest are configuration flags. Wrong arguments are a one-line error.
func splitExportArgs(args []string) (exportArgs, []string, error) {
	ea := exportArgs{given: true}
	var rest []string
	var from, to string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			if ea.file != "" {
				return ea, nil, fmt.Errorf("export: one file (got %q and %q)", ea.file, a)
			}
			ea.file = a
			continue
		}
		switch name {
		case "unit", "year", "from", "to":
		default:
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return ea, nil, fmt.Errorf("export: --%s needs a value", name)
			}
			i++
			value = args[i]
		}
		switch name {
		case "unit":
			ea.unit = strings.TrimSpace(value)
		case "year":
			y, ok := export.ParseYear(value)
			if !ok {
				return ea, nil, fmt.Errorf("export: --year %q is not a year", value)
			}
			ea.req.From, ea.req.To = export.YearPeriod(y)
			ea.yearSet = true
		case "from":
			from, ea.rangeSet = value, true
		case "to":
			to, ea.rangeSet = value, true
		}
	}
	if err := ea.period(from, to); err != nil {
		return ea, nil, err
	}
	if ea.file == "" {
		return ea, nil, errors.New("export: give the .xlsx file to write, e.g. huifang export --year 2026 export.xlsx")
	}
	return ea, rest, nil
}

// period checks and sets --from and --to.
func (ea *exportArgs) period(from, to string) error {
	switch {
	case ea.yearSet && ea.rangeSet:
		return errors.New("export: give --year or --from and --to, not both")
	case !ea.rangeSet:
		return nil
	case from == "" || to == "":
		return errors.New("export: give both --from and --to")
	}
	f, ok := export.ParseDate(from)
	if !ok {
		return fmt.Errorf("export: --from %q is not a date (2026-01-31)", from)
	}
	t, ok := export.ParseDate(to)
	if !ok {
		return fmt.Errorf("export: --to %q is not a date (2026-01-31)", to)
	}
	if t.Before(f) {
		return errors.New("export: --to is before --from")
	}
	ea.req.From, ea.req.To = f, t
	return nil
}

// runExport writes the export file as an administrator on the server
// (cliActorID, as import), audited like the chat's.
func runExport(ctx context.Context, cfg config.Config, log *slog.Logger, ea exportArgs, stdout io.Writer) error {
	cfg.Admins = append(cfg.Admins, cliActorID)
	cfg.AdminFactor = false
	svc, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.close()
	v := models.Viewer{TelegramID: cliActorID, Role: models.RoleAdmin}
	scope := models.ExportScope{From: ea.req.From, To: ea.req.To}
	unitName := ""
	if ea.unit != "" {
		units, err := svc.store.UnitTree(ctx, v)
		if err != nil {
			return err
		}
		found := models.MatchScope(units, ea.unit)
		if len(found) != 1 {
			return fmt.Errorf("export: --unit %q names %d units; give its number or whole name", ea.unit, len(found))
		}
		scope.UnitID, unitName = found[0].ID, found[0].Name
	}
	tr := svc.app.Tr(kit.LangZH)
	data, counts, err := dataexport.Write(ctx, svc.store, v, scope, tr, dataexport.Info(svc.app.Env(), unitName, scope), nil)
	if err != nil {
		return err
	}
	if err := os.WriteFile(ea.file, data, 0o600); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "exported %d members, %d sanctions, %d visits to %s\n", counts.Members, counts.Sanctions, counts.Visits, ea.file)
	return nil
}
