// Package reports renders the year-end figures (models.Figures) as the
// documents the office hands in: an .xlsx workbook (Workbook) and a PNG
// chart for the chat (Chart). It holds no wording: every label comes from
// the caller's catalogue through a Text function (handlers/report's
// locales list the keys).
package reports

import (
	"fmt"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/models"
)

// Text renders a catalogue message (kit.Tr.T).
type Text func(id string, kv ...any) string

// measure is one figure of the summary: its label key and its value in a
// tally.
type measure struct {
	key   string
	value func(models.Tally) any
}

var measures = []measure{
	{"rp_m_visited", func(t models.Tally) any { return t.Visited }},
	{"rp_m_mandatory_visited", func(t models.Tally) any { return t.MandatoryVisited }},
	{"rp_m_mandatory", func(t models.Tally) any { return t.Mandatory }},
	{"rp_m_key_visited", func(t models.Tally) any { return t.KeyVisited }},
	{"rp_m_key", func(t models.Tally) any { return t.Key }},
	{"rp_m_enforced", func(t models.Tally) any { return t.Enforced }},
	{"rp_m_pay", func(t models.Tally) any { return float64(t.PayFen) / 100 }},
	{"rp_m_recommended", func(t models.Tally) any { return t.Recommended }},
	{"rp_m_lifted", func(t models.Tally) any { return t.Lifted }},
	{"rp_m_visits", func(t models.Tally) any { return t.Visits }},
}

// book is a workbook being written.
type book struct {
	x      *excelize.File
	tr     Text
	head   int // style ids
	text   int
	date   int
	yuan   int
	errors []error
}

// Workbook builds the year-end workbook of f: sheet 汇总 (the figures by
// unit and category), the visits by method and by type per month with a
// chart of the visits per month, and one sheet per list behind a figure.
// Every text cell is stored as a string; one that would start a formula
// (models.StartsFormula) also gets the text number format.
func Workbook(f models.Figures, tr Text) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	b := &book{x: x, tr: tr}
	var err error
	if b.head, err = x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}); err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	if b.text, err = x.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return nil, fmt.Errorf("text style: %w", err)
	}
	if b.date, err = x.NewStyle(&excelize.Style{NumFmt: 14}); err != nil {
		return nil, fmt.Errorf("date style: %w", err)
	}
	if b.yuan, err = x.NewStyle(&excelize.Style{NumFmt: 4}); err != nil {
		return nil, fmt.Errorf("yuan style: %w", err)
	}
	summary := tr("rp_sheet_summary")
	if err := x.SetSheetName("Sheet1", summary); err != nil {
		return nil, fmt.Errorf("name sheet: %w", err)
	}
	b.summary(summary, f)
	b.byCode(tr("rp_sheet_method"), "method_", models.Methods, f.ByMethod, f.PerMonth, true)
	b.byCode(tr("rp_sheet_type"), "type_", models.VisitTypes, f.ByType, f.PerMonth, false)
	for _, l := range models.FigureLists {
		b.list(tr("rp_sheet_"+string(l)), l, f.Lists[l])
	}
	if len(b.errors) > 0 {
		return nil, fmt.Errorf("write workbook: %w", b.errors[0])
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func (b *book) check(err error) {
	if err != nil {
		b.errors = append(b.errors, err)
	}
}

// set writes v at column col (1-based), row row of sheet: texts as
// strings (formula-like ones with the text format), dates as dates.
func (b *book) set(sheet string, col, row int, v any) {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		b.check(err)
		return
	}
	switch v := v.(type) {
	case string:
		b.check(b.x.SetCellStr(sheet, cell, v))
		if models.StartsFormula(v) {
			b.check(b.x.SetCellStyle(sheet, cell, cell, b.text))
		}
	case *time.Time:
		if v != nil {
			b.check(b.x.SetCellValue(sheet, cell, *v))
			b.check(b.x.SetCellStyle(sheet, cell, cell, b.date))
		}
	case float64:
		b.check(b.x.SetCellValue(sheet, cell, v))
		b.check(b.x.SetCellStyle(sheet, cell, cell, b.yuan))
	default:
		b.check(b.x.SetCellValue(sheet, cell, v))
	}
}

// header writes a header row, freezes the rows above and including it
// and the first column, and sets the columns' widths.
func (b *book) header(sheet string, row int, texts []string, widths []float64) {
	for i, t := range texts {
		b.set(sheet, i+1, row, t)
	}
	last, _ := excelize.CoordinatesToCellName(len(texts), row)
	first, _ := excelize.CoordinatesToCellName(1, 1)
	b.check(b.x.SetCellStyle(sheet, first, last, b.head))
	split := "B" + strconv.Itoa(row+1)
	b.check(b.x.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: row, TopLeftCell: split, ActivePane: "bottomRight"}))
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		b.check(b.x.SetColWidth(sheet, col, col, w))
	}
}

// summary writes the figures by unit (rows) and, per figure, by category
// (columns: the categories and their total), with a total row.
func (b *book) summary(sheet string, f models.Figures) {
	tr := b.tr
	b.set(sheet, 1, 1, tr("rp_unit"))
	b.check(b.x.MergeCell(sheet, "A1", "A2"))
	cols := []string{}
	for _, r := range models.Ranks {
		cols = append(cols, tr("rank_"+string(r)))
	}
	cols = append(cols, tr("rp_total"))
	widths := []float64{24}
	var second []string
	second = append(second, tr("rp_unit"))
	for i, m := range measures {
		c := 2 + i*len(cols)
		b.set(sheet, c, 1, tr(m.key))
		from, _ := excelize.CoordinatesToCellName(c, 1)
		to, _ := excelize.CoordinatesToCellName(c+len(cols)-1, 1)
		b.check(b.x.MergeCell(sheet, from, to))
		for range cols {
			widths = append(widths, 12)
		}
		second = append(second, cols...)
	}
	b.header(sheet, 2, second, widths)
	row := 3
	write := func(name string, cell func(models.Rank) models.Tally, total models.Tally) {
		b.set(sheet, 1, row, name)
		for i, m := range measures {
			c := 2 + i*len(cols)
			for j, r := range models.Ranks {
				b.set(sheet, c+j, row, m.value(cell(r)))
			}
			b.set(sheet, c+len(models.Ranks), row, m.value(total))
		}
		row++
	}
	for _, u := range f.Rows {
		write(u.Name, func(r models.Rank) models.Tally { return f.Cells[u.ID][r] }, f.UnitTotal(u.ID))
	}
	write(tr("rp_total"), f.RankTotal, f.Total)
}

// byCode writes visits per code (rows) and month (columns) with totals;
// with chart, also the visits per month and their column chart.
func (b *book) byCode(sheet, prefix string, codes []string, counts map[string][12]int, perMonth [12]int, chart bool) {
	_, err := b.x.NewSheet(sheet)
	b.check(err)
	head := []string{b.tr("rp_code_" + prefix)}
	widths := []float64{22}
	for m := 1; m <= 12; m++ {
		head = append(head, b.tr("rp_month", "M", m))
		widths = append(widths, 8)
	}
	head = append(head, b.tr("rp_total"))
	widths = append(widths, 10)
	b.header(sheet, 1, head, widths)
	row := 2
	line := func(label string, n [12]int) {
		b.set(sheet, 1, row, label)
		sum := 0
		for m, v := range n {
			b.set(sheet, 2+m, row, v)
			sum += v
		}
		b.set(sheet, 14, row, sum)
		row++
	}
	for _, c := range codes {
		line(b.tr(prefix+c), counts[c])
	}
	line(b.tr("rp_visits_per_month"), perMonth)
	if !chart {
		return
	}
	total := row - 1
	b.check(b.x.AddChart(sheet, fmt.Sprintf("B%d", row+1), &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$A$%d", sheet, total),
			Categories: fmt.Sprintf("'%s'!$B$1:$M$1", sheet), Values: fmt.Sprintf("'%s'!$B$%d:$M$%d", sheet, total, total)}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: b.tr("rp_chart_title")}}},
		Legend: excelize.ChartLegend{Position: "none"},
		Format: excelize.GraphicOptions{ScaleX: 1.4, ScaleY: 1.2},
	}))
}

// list writes the rows behind one figure.
func (b *book) list(sheet string, l models.FigureList, rows []models.FigureRow) {
	_, err := b.x.NewSheet(sheet)
	b.check(err)
	tr := b.tr
	head := []string{tr("rp_col_member"), tr("rp_col_unit"), tr("rp_col_rank"), tr("rp_col_visit"), tr("rp_col_visit_date"),
		tr("rp_col_decision"), tr("rp_col_date_" + string(l)), tr("rp_col_fen"), tr("rp_col_owed"), tr("rp_col_review")}
	b.header(sheet, 1, head, []float64{12, 24, 14, 10, 12, 20, 12, 12, 12, 12})
	for i, r := range rows {
		row := i + 2
		b.set(sheet, 1, row, r.Member)
		b.set(sheet, 2, row, r.Unit)
		b.set(sheet, 3, row, tr("rank_"+string(r.Rank)))
		if r.VisitID != 0 {
			b.set(sheet, 4, row, int64(r.VisitID))
		}
		b.set(sheet, 5, row, r.VisitDate)
		if r.DecisionNo != "" {
			b.set(sheet, 6, row, r.DecisionNo)
		}
		b.set(sheet, 7, row, r.Date)
		if r.Fen != 0 || r.Date != nil && l == models.ListPay {
			b.set(sheet, 8, row, float64(r.Fen)/100)
		}
		if r.OwedFen != 0 {
			b.set(sheet, 9, row, float64(r.OwedFen)/100)
		}
		if r.VisitID != 0 {
			b.set(sheet, 10, row, tr("rp_review_"+string(r.Review)))
		}
	}
}
