package importer

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// FuzzParseCSV feeds arbitrary bytes as a CSV file: Parse must not panic,
// must fail with one of its errors or succeed, and every rejection must
// carry a row of 2 or more and a known code.
func FuzzParseCSV(f *testing.F) {
	members, sanctions := TemplateCSV()
	f.Add(members)
	f.Add(sanctions)
	f.Add(csvOf(memberHeader, okMember, []string{"=1", " 张\u3000三 ", "", "处级", "也许"}))
	f.Add(csvOf(sanctionHeader, okSanction, []string{"李四", "东湖镇", "留党察看一年", "24", no1, "45981", "2025-11-19"}))
	f.Add(csvOf(englishHeadersOf(kindSanctions), []string{"a", "b", "警告", "x", "", "2025年2月30日", "1999-01-01"}))
	f.Add([]byte("\r\n\"姓名\",单位\r\n\"张\r\n三\",东湖镇,多余\r\n\r\n"))
	if gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvOf(memberHeader, okMember)); err == nil {
		f.Add(gb)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse("fuzz.csv", data, testToday)
		if err != nil {
			if !errors.Is(err, ErrFileType) && !errors.Is(err, ErrTooLarge) &&
				!errors.Is(err, ErrEmpty) && !errors.Is(err, ErrHeaders) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkKnownCodes(t, res)
		for _, m := range res.Members {
			if m.Row < 2 || m.Name == "" || m.UnitName == "" || m.Rank == "" {
				t.Fatalf("bad member %+v", m)
			}
		}
		for _, s := range res.Sanctions {
			if s.Row < 2 || s.Kind == "" || s.DecisionNo == "" || s.DecisionDate.IsZero() || s.EffectiveDate.Before(s.DecisionDate) {
				t.Fatalf("bad sanction %+v", s)
			}
		}
	})
}

// FuzzCSVWidth checks that csvWidth splits records as parseCSV's
// encoding/csv reader does: the width check sees the record the reader
// would allocate for.
func FuzzCSVWidth(f *testing.F) {
	for _, s := range []string{"a,b\r\n1,2,3\r\n", "\n\r\n\"x,y\nz\",2\n", `"a"b,c`, `"a""b",c,d`, "\"a\"\r\n,,\r", "a;b\tc", ",,,\"\n\"\r\r\n"} {
		f.Add(s, byte(','))
	}
	f.Add("a\tb\t\"c\"\t\n", byte('\t'))
	f.Fuzz(func(t *testing.T, text string, comma byte) {
		if comma != ',' && comma != '\t' && comma != ';' {
			return // sniffComma gives only these
		}
		if got, want := func() int { n, _ := csvWidth(text, comma); return n }(), csvReaderWidth(t, text, rune(comma)); got != want {
			t.Fatalf("csvWidth(%q) = %d, encoding/csv reads %d fields", text, got, want)
		}
	})
}

// FuzzSheetCells feeds worksheet XML that checkSheetCells lets through to
// excelize's row reader: no row may come back wider than the check allows
// (MaxColumns cells with content, each at most in column MaxColumns).
func FuzzSheetCells(f *testing.F) {
	for _, rows := range []string{
		`<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="IV1"><v>2</v></c></row>`,
		`<row><c r="B2"><v>1</v></c><c><v>1</v></c><c r="A2"><f>1</f></c></row><row r="9"><c r="XFD9"/></row>`,
		`<x:row><x:c r="&#67;1"><x:v>1</x:v></x:c></x:row><!-- <c r="XFD1"> -->`,
	} {
		f.Add([]byte(rows))
	}
	base := mustXLSX(f, sheet{"Sheet1", [][]any{{"x"}}})
	f.Fuzz(func(t *testing.T, rows []byte) {
		body := append([]byte(`<?xml version="1.0"?><worksheet xmlns="`+xmlns+`"><sheetData>`), rows...)
		body = append(body, "</sheetData></worksheet>"...)
		if checkSheetCells(body) != nil {
			return
		}
		data := mustPatchXLSX(t, base, part{name: "xl/worksheets/sheet1.xml", write: func(w *bufio.Writer) error {
			_, err := w.Write(body)
			return err
		}})
		wb, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer wb.Close()
		it, err := wb.Rows("Sheet1")
		if err != nil {
			return
		}
		defer it.Close()
		for it.Next() {
			cells, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return
			}
			if len(cells) > 2*MaxColumns {
				t.Fatalf("a row of %d cells passed the check", len(cells))
			}
		}
	})
}

// FuzzParseXLSX feeds arbitrary bytes as a workbook, seeded with small
// workbooks and small versions of the probes: Parse must not panic, and
// must fail with one of its errors or succeed.
func FuzzParseXLSX(f *testing.F) {
	tpl, err := Template()
	must(f, err)
	f.Add(tpl)
	f.Add(mustXLSX(f, sheet{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}}, sheet{"处分", [][]any{anyRow(sanctionHeader), anyRow(okSanction)}}))
	f.Add(mustPatchXLSX(f, probeBase(f), sheetPart(inlineRows(2, 3, 300, " "))))
	f.Add(mustPatchXLSX(f, probeBase(f), sharedStringsPart("<si>", "<r><t>a</t></r>", "</si>", 3)))
	f.Add(mustPatchXLSX(f, probeBase(f), lyingSheet(8<<10)))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse("fuzz.xlsx", data, testToday)
		if err != nil {
			if !errors.Is(err, ErrFileType) && !errors.Is(err, ErrTooLarge) &&
				!errors.Is(err, ErrEmpty) && !errors.Is(err, ErrHeaders) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkKnownCodes(t, res)
	})
}
