package importer

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestColumnOf(t *testing.T) {
	for _, tc := range []struct {
		ref  string
		want int
		ok   bool
	}{
		{"A1", 1, true}, {"XFD7", 16384, true}, {"iv300", 256, true}, {"$B$2", 2, true},
		{"&#88;FD1", 16384, true}, {"ZZZZZZZ1", 1 << 20, true},
		{"A", 0, false}, {"12", 0, false}, {"", 0, false}, {" A1", 0, false},
	} {
		got, ok := columnOf(tc.ref)
		if ok != tc.ok || ok && min(got, 1<<20) != tc.want {
			t.Errorf("columnOf(%q) = %d, %v; want %d, %v", tc.ref, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCheckSheetCells(t *testing.T) {
	wide := strings.Repeat("<c><v>1</v></c>", MaxColumns)
	for _, tc := range []struct {
		name, rows string
		want       error
	}{
		{"OK", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="IV1"><v>2</v></c></row>`, nil},
		{"EmptyFarRight", `<row r="1"><c r="XFD1" s="3"/><c r="XFD1"/></row>`, nil},
		{"FarRight", `<row r="1"><c r="IW1"><v>1</v></c></row>`, ErrCellBeyondHeader},
		{"FarRightLowerCase", `<row r="1"><c r="xfd1" t="inlineStr"><is><t> </t></is></c></row>`, ErrCellBeyondHeader},
		{"FarRightEscaped", `<row r="1"><c r="&#88;FD1"><v>1</v></c></row>`, ErrCellBeyondHeader},
		{"FarRightPrefixed", `<x:row><x:c x:r="XFD1"><x:v>1</x:v></x:c></x:row>`, ErrCellBeyondHeader},
		{"FarRightLastAttr", `<row><c r="A1" foo=">" r='XFD1'><f>1</f></c></row>`, ErrCellBeyondHeader},
		{"NoRefsWide", "<row>" + wide + "</row><row>" + wide + "</row>", nil},
		{"NoRefsTooWide", "<row>" + wide + "<c><v>1</v></c></row>", ErrCellBeyondHeader},
		{"SameCellOverAndOver", "<row>" + strings.Repeat(`<c r="A1"><v>1</v></c>`, MaxColumns+1) + "</row>", ErrCellBeyondHeader},
		{"EmptyCells", "<row>" + strings.Repeat("<c/>", maxRowCells) + "</row>", nil},
		{"TooManyEmptyCells", "<row>" + strings.Repeat("<c/>", maxRowCells+1) + "</row>", ErrTooComplex},
		{"RichCell", `<row><c t="inlineStr"><is>` + strings.Repeat("<r><t>a</t></r>", (maxCellElements-1)/2) + "</is></c></row>", nil},
		{"RichCellTooLarge", `<row><c t="inlineStr"><is>` + strings.Repeat("<r><t>a</t></r>", maxCellElements/2) + "</is></c></row>", ErrTooComplex},
		{"RichCellNested", `<row><c t="inlineStr"><is>` + strings.Repeat(`<c r="A1"></c>`+strings.Repeat("<r><t>a</t></r>", 300), 3) + "</is></c></row>", ErrTooComplex},
		{"NestedCellsOneCell", `<row><c r="A1"><c r="XFD1"><v>1</v></c></c></row>`, nil}, // excelize reads one cell, A1
		// Conservative: a cell in a comment counts.
		{"Comment", `<!-- <c r="XFD1"><v>1</v></c> --><row/>`, ErrCellBeyondHeader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `<?xml version="1.0"?><worksheet xmlns="` + xmlns + `"><sheetData>` + tc.rows + "</sheetData></worksheet>"
			wantErr(t, checkSheetCells([]byte(body)), tc.want)
		})
	}
}

func TestRootName(t *testing.T) {
	for _, tc := range []struct {
		head, want string
	}{
		{`<?xml version="1.0" encoding="UTF-8"?>` + "\r\n<!-- x --><worksheet xmlns='a'><sheetData>", "worksheet"},
		{"\xEF\xBB\xBF<x:sst xmlns:x='a'>", "sst"},
		{`<?xml version="1.0" encoding="windows-1252"?><Relationships>`, "Relationships"},
		{"\xFF\xFE<\x00w\x00", ""},        // UTF-16: cannot be scanned
		{"\x89PNG\r\n\x1a\n", ""},         // a picture
		{`<?xml version="1.0"?><wor`, ""}, // cut short
	} {
		if got, _ := rootName([]byte(tc.head)); got != tc.want {
			t.Errorf("rootName(%q) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestCSVWidth(t *testing.T) {
	for _, tc := range []struct {
		text       string
		most, line int
	}{
		{"", 0, 0},
		{"a,b\r\n1,2,3\r\n", 3, 2},
		{"\n\r\na\n\"x,y\nz\",2,3,4\n", 4, 4},
		{`"a"b,c` + "\n", 1, 1}, // a bare quote leaves the field open: the comma is in it
		{`"a""b",c,d`, 3, 1},    // a doubled quote
		{`"a"` + "\r\n,,,\r\n", 4, 2},
		{`"never closed,,,` + "\n,,,", 1, 1},
	} {
		most, line := csvWidth(tc.text, ',')
		if most != tc.most || line != tc.line {
			t.Errorf("csvWidth(%q) = %d, %d; want %d, %d", tc.text, most, line, tc.most, tc.line)
		}
		if want := csvReaderWidth(t, tc.text, ','); want != most {
			t.Errorf("csvWidth(%q) = %d, encoding/csv reads %d", tc.text, most, want)
		}
	}
}

// csvReaderWidth returns the most fields of a record as parseCSV's reader
// reads text.
func csvReaderWidth(tb testing.TB, text string, comma rune) int {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = comma, -1, true
	most := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return most
		}
		if err != nil {
			tb.Fatalf("read %q: %v", text, err)
		}
		most = max(most, len(rec))
	}
}
