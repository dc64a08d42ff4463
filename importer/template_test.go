package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// mustOpen opens a workbook for inspection.
func mustOpen(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	must(tb, err)
	tb.Cleanup(func() {
		if err := f.Close(); err != nil {
			tb.Error(err)
		}
	})
	return f
}

func TestTemplate_RoundTrip(t *testing.T) {
	data, err := Template()
	must(t, err)
	res, err := Parse("模板.xlsx", data, testToday)
	wantErr(t, err, ErrEmpty)
	if len(res.Members)+len(res.Sanctions)+len(res.Rejected) != 0 {
		t.Errorf("rows from the template: %+v", res)
	}
	members, sanctions := TemplateCSV()
	for _, d := range [][]byte{members, sanctions} {
		if !bytes.HasPrefix(d, bomUTF8) {
			t.Error("CSV template without BOM")
		}
		_, err := Parse("模板.csv", d, testToday)
		wantErr(t, err, ErrEmpty)
	}
}

// TestTemplate_ExampleIsValid removes the 示例 mark: the example rows must
// then pass every check, in both formats.
func TestTemplate_ExampleIsValid(t *testing.T) {
	data, err := Template()
	must(t, err)
	f := mustOpen(t, data)
	for _, s := range []string{sheetMembers, sheetSanctions} {
		must(t, f.SetCellValue(s, "A2", "张三"))
	}
	buf, err := f.WriteToBuffer()
	must(t, err)
	members, sanctions := TemplateCSV()
	for name, d := range map[string][]byte{
		"a.xlsx": buf.Bytes(),
		"m.csv":  bytes.Replace(members, []byte("示例：张三"), []byte("张三"), 1),
		"s.csv":  bytes.Replace(sanctions, []byte("示例：张三"), []byte("张三"), 1),
	} {
		res, err := Parse(name, d, testToday)
		wantErr(t, err, nil)
		if len(res.Rejected) > 0 || len(res.Members)+len(res.Sanctions) == 0 {
			t.Errorf("%s: %+v", name, res)
		}
	}
}

func TestTemplate_Layout(t *testing.T) {
	data, err := Template()
	must(t, err)
	f := mustOpen(t, data)
	if got := f.GetSheetList(); !cmp.Equal(got, []string{"人员", "处分", "说明"}) {
		t.Fatalf("sheets %q", got)
	}
	for _, s := range []struct {
		name      string
		header    []string
		dropDowns int
	}{{"人员", memberHeader, 2}, {"处分", sanctionHeader, 2}} {
		rows, err := f.GetRows(s.name)
		must(t, err)
		if !cmp.Equal(rows[0], s.header) || !strings.HasPrefix(rows[1][0], exampleMark) {
			t.Errorf("%s rows %q", s.name, rows)
		}
		styleID, err := f.GetCellStyle(s.name, "A1")
		must(t, err)
		style, err := f.GetStyle(styleID)
		must(t, err)
		if style.Font == nil || !style.Font.Bold {
			t.Errorf("%s header not bold", s.name)
		}
		dvs, err := f.GetDataValidations(s.name)
		must(t, err)
		if len(dvs) != s.dropDowns {
			t.Errorf("%s: %d drop-downs", s.name, len(dvs))
		}
		w, err := f.GetColWidth(s.name, "B")
		must(t, err)
		if w < 20 {
			t.Errorf("%s column B width %v", s.name, w)
		}
	}
	notes, err := f.GetRows("说明")
	must(t, err)
	var text strings.Builder
	for _, r := range notes {
		text.WriteString(strings.Join(r, " "))
	}
	for _, want := range append(append(memberHeader, sanctionHeader...), "党内警告", "开除党籍", "政务警告", "记大过", "科级领导干部", "示例") {
		if !strings.Contains(text.String(), want) {
			t.Errorf("说明 lacks %q", want)
		}
	}
}

func TestTemplate_KindDropDownIsAccepted(t *testing.T) {
	data, err := Template()
	must(t, err)
	dvs, err := mustOpen(t, data).GetDataValidations("处分")
	must(t, err)
	for _, dv := range dvs {
		for _, label := range strings.Split(strings.Trim(dv.Formula1, `"`), ",") {
			if dv.Sqref[0] == 'C' {
				if _, reason := parseKind(label); reason != "" {
					t.Errorf("drop-down label %q: %s", label, reason)
				}
			}
		}
	}
}
