// Package dataexport is /export: the data export workbook (package
// export) of the asker's scope, a unit of it and a period, sent as a
// protected file. Write is the same file for the command line.
package dataexport

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"github.com/huifang/huifang/internal/memlimit"
	"time"

	"github.com/huifang/huifang/export"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what /export needs of the database.
type Store interface {
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
	Export(ctx context.Context, v models.Viewer, scope models.ExportScope, sink models.ExportSink) (models.ExportCounts, error)
}

// MaxFile is the largest file Telegram takes from a bot (50 MB).
const MaxFile = 50 << 20

// Export is the /export feature.
type Export struct {
	db      Store
	maxFile int
}

// New makes /export; maxFile bounds the file sent (0: MaxFile).
func New(db Store, maxFile int) *Export {
	if maxFile <= 0 {
		maxFile = MaxFile
	}
	return &Export{db: db, maxFile: maxFile}
}

// Feature is how the dispatcher sees /export. Exports are an
// administrator's action (TELEGRAM.md: a bulk export only when an admin
// asks for that file).
func (e *Export) Feature() kit.Feature {
	return kit.Feature{Name: "export", Locales: locales,
		Cmds: []kit.Cmd{{Name: "export", Run: e.run, Menu: true, Admin: true}}}
}

func (e *Export) run(t *kit.Turn, args string) error {
	if !t.IsAdmin() {
		t.Say("x_admin_only")
		return nil
	}
	req, err := export.ParseArgs(args)
	var ae *export.ArgError
	if errors.As(err, &ae) {
		t.Say("x_err_"+ae.Code, "Usage", t.T.T("x_usage"))
		return nil
	}
	scope := models.ExportScope{From: req.From, To: req.To}
	unitName := ""
	if req.Unit != "" {
		unit, err := kit.PickScope(t, e.db, req.Unit)
		if err != nil || unit == nil {
			return err
		}
		scope.UnitID, unitName = unit.ID, unit.Name
	}
	p := t.Progress(t.T.T("x_progress_start"))
	data, counts, err := Write(t.Ctx, e.db, t.Viewer, scope, t.T, Info(t.Env, unitName, scope), func(done, total int) {
		p.Set(t.T.T("x_progress", "Done", done, "Total", total))
	})
	if err != nil {
		p.Finish(t.T.T("x_progress_failed"))
		if errors.Is(err, context.DeadlineExceeded) {
			t.Say("x_too_slow")
			return nil
		}
		return fmt.Errorf("export: %w", err)
	}
	p.Finish(t.T.T("x_progress_done", "Total", counts.Total()))
	if len(data) > e.maxFile {
		t.Say("x_too_large", "Size", fmt.Sprintf("%.1f", float64(len(data))/(1<<20)), "Max", e.maxFile>>20)
		return nil
	}
	caption := t.T.T("x_caption", "Members", counts.Members, "Sanctions", counts.Sanctions, "Visits", counts.Visits)
	t.Send(kit.Message{Text: caption, Document: &kit.File{Name: FileName(t.T, unitName, t.Today()), Data: data}})
	return nil
}

// Info is the export's description for its statistics sheet.
func Info(env *kit.Env, unit string, scope models.ExportScope) export.Info {
	return export.Info{Unit: unit, From: scope.From, To: scope.To, Generated: env.Now(), Loc: env.Loc}
}

// Write builds the export of scope that v may see (audited by the store
// with the members it holds) and returns the .xlsx; progress, if not nil,
// hears of every thousand rows.
func Write(ctx context.Context, db Store, v models.Viewer, scope models.ExportScope, tr export.Tr, info export.Info,
	progress func(done, total int)) (_ []byte, _ models.ExportCounts, err error) {
	defer memlimit.Raise(memlimit.Export)()
	w, err := export.New(tr, info)
	if err != nil {
		return nil, models.ExportCounts{}, err
	}
	defer func() { err = errors.Join(err, w.Close()) }()
	if progress != nil {
		w.OnProgress(progress)
	}
	counts, err := db.Export(ctx, v, scope, w)
	if err != nil {
		return nil, counts, err
	}
	var buf bytes.Buffer
	if err := w.Write(&buf); err != nil {
		return nil, counts, err
	}
	return buf.Bytes(), counts, nil
}

// FileName is the export's file name: 回访数据导出_<unit or 全部>_<date>.xlsx.
func FileName(tr kit.Tr, unit string, day time.Time) string {
	if unit == "" {
		unit = tr.T("x_file_all")
	}
	return tr.T("x_file_name", "Unit", unit, "Date", day.Format("20060102"))
}
