// Package export builds the data export workbook (/export, huifang
// export): sheets 人员, 处分, 回访记录 and 统计, with headers from the
// message catalogue, real Excel dates, column widths, a frozen header row
// and filters. It writes through excelize's StreamWriter, one sheet after
// the other, so rows go out as the store reads them. Every text that a
// spreadsheet would take for a formula (models.StartsFormula) is written
// as a text cell with the text number format: Excel never runs it, not
// even after the cell is edited.
package export

import (
	"archive/zip"
	"compress/flate"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Locales are the export's message files (sheet names, headers, the
// statistics' labels) for the catalogue; the codes' labels (kinds,
// methods, categories…) are the catalogue's shared ones.
var Locales fs.FS = locales

// Tr renders catalogue messages (kit.Tr).
type Tr interface {
	T(id string, kv ...any) string
}

// Info describes an export for its statistics sheet.
type Info struct {
	Unit      string    // the unit exported, "" for the viewer's whole scope
	From, To  time.Time // the period; zero: all time
	Generated time.Time // when, in the office's time zone
	Loc       *time.Location
}

// Sheets' order.
const (
	stageNew = iota
	stageMembers
	stageSanctions
	stageVisits
	stageDone
)

// Workbook is an export being written. It is a models.ExportSink: the
// store calls Begin, then Member, Sanction and Visit for each row in that
// order; Write finishes it. Close it in any case.
type Workbook struct {
	f      *excelize.File
	tr     Tr
	info   Info
	counts models.ExportCounts
	stage  int
	sw     *excelize.StreamWriter
	row    int // rows written on the current sheet, header included
	done   int // data rows written so far, every sheet
	styles styles
	stats  stats
	labels map[string]string // catalogue labels of codes, rendered once

	progress func(done, total int)
	every    int
	cells    []any // one row's cells, reused
}

// styles are the workbook's cell style ids.
type styles struct{ head, date, text, money int }

// New starts an export workbook whose texts tr renders.
func New(tr Tr, info Info) (*Workbook, error) {
	if info.Loc == nil {
		info.Loc = time.UTC
	}
	w := &Workbook{f: excelize.NewFile(), tr: tr, info: info, labels: map[string]string{}, every: 1000}
	w.f.SetZipWriter(fastZip)
	if err := w.init(); err != nil {
		_ = w.f.Close()
		return nil, fmt.Errorf("new export: %w", err)
	}
	return w, nil
}

// OnProgress makes the workbook call fn with the rows written and the
// rows expected, about fifty times, at most every thousand rows.
func (w *Workbook) OnProgress(fn func(done, total int)) { w.progress = fn }

func (w *Workbook) init() error {
	var err error
	style := func(s *excelize.Style) int {
		id, e := w.f.NewStyle(s)
		err = errors.Join(err, e)
		return id
	}
	dateFmt, moneyFmt := "yyyy-mm-dd", "#,##0.00"
	w.styles = styles{
		head: style(&excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}),
		date:  style(&excelize.Style{CustomNumFmt: &dateFmt}),
		text:  style(&excelize.Style{NumFmt: 49}), // "@": typed text stays text
		money: style(&excelize.Style{CustomNumFmt: &moneyFmt}),
	}
	if err != nil {
		return err
	}
	names := []string{w.tr.T("x_sheet_members"), w.tr.T("x_sheet_sanctions"), w.tr.T("x_sheet_visits"), w.tr.T("x_sheet_stats")}
	if err := w.f.SetSheetName("Sheet1", names[0]); err != nil {
		return err
	}
	for _, n := range names[1:] {
		if _, err := w.f.NewSheet(n); err != nil {
			return err
		}
	}
	return nil
}

// fastZip compresses at deflate's best speed: the sheets' XML is most of
// the work of writing a large export, and the file is a third larger at
// most.
func fastZip(out io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	return zw
}

// Close releases the workbook (and its temporary files).
func (w *Workbook) Close() error { return w.f.Close() }

// Begin records how many rows of each kind follow.
func (w *Workbook) Begin(c models.ExportCounts) error {
	if w.stage != stageNew {
		return errors.New("export: Begin after rows")
	}
	w.counts = c
	// About fifty reports whatever the size, at most one per thousand rows.
	w.every = min(1000, max(1, c.Total()/50))
	return nil
}

// Member writes a row of 人员.
func (w *Workbook) Member(m models.MemberMatch) error {
	if err := w.enter(stageMembers, "x_sheet_members", memberHeads(), w.counts.Members); err != nil {
		return err
	}
	w.stats.member(&m)
	return writeRow(w, memberColumns, &m)
}

// Sanction writes a row of 处分.
func (w *Workbook) Sanction(s *models.ExportSanction) error {
	if err := w.enter(stageSanctions, "x_sheet_sanctions", sanctionHeads(), w.counts.Sanctions); err != nil {
		return err
	}
	w.stats.sanction(s)
	return writeRow(w, sanctionColumns, s)
}

// Visit writes a row of 回访记录.
func (w *Workbook) Visit(v *models.ExportVisit) error {
	if err := w.enter(stageVisits, "x_sheet_visits", visitHeads(), w.counts.Visits); err != nil {
		return err
	}
	w.stats.visit(v)
	return writeRow(w, visitColumns, v)
}

// Write finishes the workbook (the sheets not reached get their headers,
// then 统计) and writes it to out as .xlsx.
func (w *Workbook) Write(out io.Writer) error {
	for _, st := range []struct {
		stage int
		sheet string
		heads []head
		n     int
	}{
		{stageMembers, "x_sheet_members", memberHeads(), w.counts.Members},
		{stageSanctions, "x_sheet_sanctions", sanctionHeads(), w.counts.Sanctions},
		{stageVisits, "x_sheet_visits", visitHeads(), w.counts.Visits},
	} {
		if w.stage >= st.stage {
			continue
		}
		if err := w.enter(st.stage, st.sheet, st.heads, st.n); err != nil {
			return err
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	w.stage = stageDone
	if err := w.writeStats(); err != nil {
		return fmt.Errorf("export statistics: %w", err)
	}
	if _, err := w.f.WriteTo(out); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

// head is a column's header id and width.
type head struct {
	id    string
	width float64
}

func heads[T any](cols []column[T]) []head {
	out := make([]head, len(cols))
	for i, c := range cols {
		out[i] = head{c.head, c.width}
	}
	return out
}

func memberHeads() []head   { return heads(memberColumns) }
func sanctionHeads() []head { return heads(sanctionColumns) }
func visitHeads() []head    { return heads(visitColumns) }

// enter moves on to sheet stage (its header, widths, frozen row and
// filter over n data rows), finishing the sheet before; rows of an
// earlier sheet after a later one are an error.
func (w *Workbook) enter(stage int, sheet string, hs []head, n int) error {
	switch {
	case w.stage == stage:
		return nil
	case w.stage > stage:
		return fmt.Errorf("export: rows of sheet %d after sheet %d", stage, w.stage)
	}
	if err := w.flush(); err != nil {
		return err
	}
	w.stage = stage
	name := w.tr.T(sheet)
	last, err := excelize.CoordinatesToCellName(len(hs), max(n, 0)+1)
	if err != nil {
		return err
	}
	// Set before the stream writer takes the sheet: it writes the filter
	// the sheet holds when it starts.
	if err := w.f.AutoFilter(name, "A1:"+last, nil); err != nil {
		return fmt.Errorf("filter sheet %s: %w", name, err)
	}
	if w.sw, err = w.f.NewStreamWriter(name); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	for i, h := range hs {
		if err := w.sw.SetColWidth(i+1, i+1, h.width); err != nil {
			return err
		}
	}
	err = w.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return err
	}
	cells := make([]any, len(hs))
	for i, h := range hs {
		cells[i] = excelize.Cell{StyleID: w.styles.head, Value: w.tr.T(h.id)}
	}
	w.row = 1
	return w.sw.SetRow("A1", cells, excelize.RowOpts{Height: 20})
}

func (w *Workbook) flush() error {
	if w.sw == nil {
		return nil
	}
	sw := w.sw
	w.sw = nil
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush sheet: %w", err)
	}
	return nil
}

// writeRow writes r's cells on the current sheet.
func writeRow[T any](w *Workbook, cols []column[T], r T) error {
	if cap(w.cells) < len(cols) {
		w.cells = make([]any, len(cols))
	}
	cells := w.cells[:len(cols)]
	for i, c := range cols {
		cells[i] = w.cell(c.value(w, r))
	}
	w.row++
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	if err := w.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("write row %d: %w", w.row, err)
	}
	w.done++
	if w.progress != nil && w.done%w.every == 0 {
		w.progress(w.done, w.counts.Total())
	}
	return nil
}

// cell is the stream writer's value of v: dates and amounts with their
// number formats, formula-like texts as text cells in the text format.
func (w *Workbook) cell(v any) any {
	switch v := v.(type) {
	case time.Time:
		return excelize.Cell{StyleID: w.styles.date, Value: v}
	case float64:
		return excelize.Cell{StyleID: w.styles.money, Value: v}
	case string:
		if v == "" {
			return nil
		}
		if models.StartsFormula(v) {
			return excelize.Cell{StyleID: w.styles.text, Value: v}
		}
		return v
	}
	return v
}

// code is the catalogue label of a code (prefix+code), "" for none.
func (w *Workbook) code(prefix, code string) string {
	if code == "" {
		return ""
	}
	key := prefix + code
	if l, ok := w.labels[key]; ok {
		return l
	}
	l := w.tr.T(key)
	w.labels[key] = l
	return l
}

// codes is the labels of comma-separated codes, joined with 、.
func (w *Workbook) codes(prefix, list string) string {
	if list == "" {
		return ""
	}
	if !strings.Contains(list, ",") {
		return w.code(prefix, list)
	}
	parts := strings.Split(list, ",")
	for i, c := range parts {
		parts[i] = w.code(prefix, c)
	}
	return strings.Join(parts, "、")
}

func (w *Workbook) yesNo(b bool) string {
	if b {
		return w.code("btn_", "yes")
	}
	return w.code("btn_", "no")
}

// localDate is the date of an instant in the office's time zone.
func (w *Workbook) localDate(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	l := t.In(w.info.Loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// Build writes the workbook of plain rows to out: the same file the store
// fills through the sink.
func Build(out io.Writer, tr Tr, info Info, members []models.MemberMatch, sanctions []models.ExportSanction, visits []models.ExportVisit) (err error) {
	w, err := New(tr, info)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, w.Close()) }()
	if err := w.Begin(models.ExportCounts{Members: len(members), Sanctions: len(sanctions), Visits: len(visits)}); err != nil {
		return err
	}
	for _, m := range members {
		if err := w.Member(m); err != nil {
			return err
		}
	}
	for i := range sanctions {
		if err := w.Sanction(&sanctions[i]); err != nil {
			return err
		}
	}
	for i := range visits {
		if err := w.Visit(&visits[i]); err != nil {
			return err
		}
	}
	return w.Write(out)
}
