package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/models"
)

// testToday is the today all tests parse with.
var testToday = time.Date(2026, 1, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// day is UTC midnight of a date.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sheet is one sheet of a test workbook.
type sheet struct {
	name string
	rows [][]any
}

// mustXLSX builds a workbook from sheets, in order.
func mustXLSX(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	tb.Cleanup(func() {
		if err := f.Close(); err != nil {
			tb.Error(err)
		}
	})
	for i, s := range sheets {
		if i == 0 {
			must(tb, f.SetSheetName("Sheet1", s.name))
		} else if _, err := f.NewSheet(s.name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.rows {
			if row == nil {
				continue
			}
			must(tb, f.SetSheetRow(s.name, fmt.Sprintf("A%d", r+1), &row))
		}
	}
	buf, err := f.WriteToBuffer()
	must(tb, err)
	return buf.Bytes()
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// csvOf writes records as CSV text, quoting where needed.
func csvOf(rows ...[]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvQuote(v))
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

// anyRow turns strings into a workbook row.
func anyRow(cells []string) []any {
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = c
	}
	return row
}

// headersOf returns a sheet's template headers.
func headersOf(k sheetKind) []string {
	var h []string
	for _, c := range columnsOf(k) {
		h = append(h, c.zh)
	}
	return h
}

// englishHeadersOf returns a sheet's English headers.
func englishHeadersOf(k sheetKind) []string {
	var h []string
	for _, c := range columnsOf(k) {
		h = append(h, c.en)
	}
	return h
}

// rejections renders rejections as "sheet:row:column:reason" for compact
// comparison.
func rejections(rs []models.ImportRejection) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s:%d:%s:%s", r.Sheet, r.Row, r.Column, r.Reason))
	}
	return out
}

// checkKnownCodes fails when a rejection carries a code ReasonCodes lacks,
// or a row number below 2.
func checkKnownCodes(tb testing.TB, res Result) {
	tb.Helper()
	codes := ReasonCodes()
	for _, r := range res.Rejected {
		if !slices.Contains(codes, r.Reason) || r.Row < 2 || (r.Sheet != "members" && r.Sheet != "sanctions") {
			tb.Errorf("bad rejection %+v", r)
		}
	}
}

// wantErr fails unless errors.Is(err, want) (or err is nil when want is).
func wantErr(tb testing.TB, err, want error) {
	tb.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		tb.Fatalf("error %v, want %v", err, want)
	}
}
