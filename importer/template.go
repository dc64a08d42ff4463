package importer

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the template.
const (
	sheetMembers   = "人员"
	sheetSanctions = "处分"
	sheetNotes     = "说明"
)

// exampleMember and exampleSanction are the template's example rows, in
// column order; the 示例 mark makes Parse skip them.
var (
	exampleMember   = []any{"示例：张三", "示例镇/机关党支部", "办公室主任", "科级领导干部", "是", "对处分不服、有对立情绪"}
	exampleSanction = []any{"示例：张三", "示例镇/机关党支部", "留党察看", "12", "示例纪处〔2025〕1号",
		time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)}
)

// TemplateName is the template's file name (the same as the chat's).
const TemplateName = "回访对象导入模板.xlsx"

// Template returns the template workbook: sheets 人员 and 处分 with
// Chinese headers, drop-downs for 人员类别, 是否重点, 处分种类 and 处分期限(月),
// one example row each, and a sheet 说明 explaining every column.
func Template() (_ []byte, err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close template: %w", cerr)
		}
	}()
	t := &templateBuilder{f: f}
	t.init()
	t.dataSheet(sheetMembers, memberColumns, exampleMember)
	t.dataSheet(sheetSanctions, sanctionColumns, exampleSanction)
	t.notesSheet()
	if t.err != nil {
		return nil, fmt.Errorf("build template: %w", t.err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write template: %w", err)
	}
	return buf.Bytes(), nil
}

// templateBuilder keeps the first error of a sequence of excelize calls.
type templateBuilder struct {
	f                    *excelize.File
	err                  error
	header, text, date   int // style ids
	wrap, noteHead, bold int
}

// do records err unless an earlier one is recorded.
func (t *templateBuilder) do(err error) {
	if t.err == nil && err != nil {
		t.err = err
	}
}

func (t *templateBuilder) style(s *excelize.Style) int {
	id, err := t.f.NewStyle(s)
	t.do(err)
	return id
}

// init names the sheets and makes the styles.
func (t *templateBuilder) init() {
	t.do(t.f.SetSheetName("Sheet1", sheetMembers))
	for _, s := range []string{sheetSanctions, sheetNotes} {
		_, err := t.f.NewSheet(s)
		t.do(err)
	}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	t.header = t.style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	t.text = t.style(&excelize.Style{NumFmt: 49}) // "@": digits stay text
	dateFmt := "yyyy-mm-dd"
	t.date = t.style(&excelize.Style{CustomNumFmt: &dateFmt})
	t.wrap = t.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	t.bold = t.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	t.noteHead = t.header
}

// dataSheet writes a data sheet: headers, column widths and formats,
// drop-downs, a frozen header row and the example row.
func (t *templateBuilder) dataSheet(sheet string, cols []column, example []any) {
	f := t.f
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.zh
		col := columnLetters(i)
		t.do(f.SetColWidth(sheet, col, col, c.width))
		style := t.text
		if c.field == fDecisionDate || c.field == fEffectiveDate {
			style = t.date
		}
		t.do(f.SetColStyle(sheet, col, style))
		t.dropDown(sheet, col, c.field)
	}
	last := columnLetters(len(cols) - 1)
	t.do(f.SetSheetRow(sheet, "A1", &headers))
	t.do(f.SetCellStyle(sheet, "A1", last+"1", t.header))
	t.do(f.SetRowHeight(sheet, 1, 22))
	t.do(f.SetSheetRow(sheet, "A2", &example))
	t.do(f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
}

// dropDown adds the list validation of a column, if it has one.
func (t *templateBuilder) dropDown(sheet, col string, f field) {
	var list []string
	switch f {
	case fRank:
		for _, l := range rankLabels {
			list = append(list, l.label)
		}
	case fKey:
		list = []string{"是", "否"}
	case fKind:
		for _, l := range kindLabels {
			list = append(list, l.label)
		}
	case fProbation:
		list = []string{"12", "24"}
	default:
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, MaxDataRows+1))
	t.do(dv.SetDropList(list))
	dv.SetError(excelize.DataValidationErrorStyleStop, "请从下拉列表选择", "可选："+strings.Join(list, "、"))
	t.do(t.f.AddDataValidation(sheet, dv))
}

// notesSheet writes 说明: one row per column of each sheet, then the rules
// that hold for both.
func (t *templateBuilder) notesSheet() {
	f, s := t.f, sheetNotes
	t.do(f.SetSheetRow(s, "A1", &[]string{"工作表", "列名", "英文列名", "必填", "填写说明"}))
	t.do(f.SetCellStyle(s, "A1", "E1", t.noteHead))
	for col, w := range map[string]float64{"A": 10, "B": 14, "C": 18, "D": 8, "E": 90} {
		t.do(f.SetColWidth(s, col, col, w))
	}
	row := 2
	for _, sheet := range []struct {
		name string
		cols []column
	}{{sheetMembers, memberColumns}, {sheetSanctions, sanctionColumns}} {
		for _, c := range sheet.cols {
			req := ""
			if c.required {
				req = "是"
			}
			t.do(f.SetSheetRow(s, fmt.Sprintf("A%d", row), &[]string{sheet.name, c.zh, c.en, req, noteFor(c.field)}))
			row++
		}
	}
	row++
	t.do(f.SetCellValue(s, fmt.Sprintf("A%d", row), "通用规则"))
	t.do(f.SetCellStyle(s, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), t.bold))
	for _, n := range generalNotes {
		t.do(f.SetCellValue(s, fmt.Sprintf("E%d", row), n))
		row++
	}
	t.do(f.SetCellStyle(s, "E2", fmt.Sprintf("E%d", row), t.wrap))
}

// TemplateCSV returns the two CSV templates, members and sanctions: UTF-8
// with a byte order mark so that Excel opens them right, a header row and
// the example row.
func TemplateCSV() (members, sanctions []byte) {
	return csvTemplate(memberColumns, exampleMember), csvTemplate(sanctionColumns, exampleSanction)
}

func csvTemplate(cols []column, example []any) []byte {
	var b bytes.Buffer
	b.Write(bomUTF8)
	headers := make([]string, len(cols))
	for i, c := range cols {
		headers[i] = c.zh
	}
	values := make([]string, len(example))
	for i, v := range example {
		if d, ok := v.(time.Time); ok {
			values[i] = d.Format(time.DateOnly)
		} else {
			values[i] = fmt.Sprint(v)
		}
	}
	for _, rec := range [][]string{headers, values} {
		for i, v := range rec {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvQuote(v))
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// csvQuote quotes a field when CSV needs it.
func csvQuote(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
