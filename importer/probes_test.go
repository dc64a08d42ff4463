package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

// Probe files: small workbooks that unpack or expand into a great deal of
// work. They are built in code, part by part, so that no large binary sits
// in the repository.

// xmlns is the SpreadsheetML namespace.
const xmlns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

// part replaces or adds one file of a workbook. write streams its content,
// so a part of hundreds of MB never sits in memory. declared, when not
// zero, is the uncompressed size the zip directory claims: a lie.
type part struct {
	name     string
	write    func(w *bufio.Writer) error
	declared uint64
}

// mustPatchXLSX returns the workbook base with parts replaced or added.
func mustPatchXLSX(tb testing.TB, base []byte, parts ...part) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	must(tb, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replaced := map[string]bool{}
	for _, p := range parts {
		replaced[p.name] = true
	}
	for _, f := range zr.File {
		if !replaced[f.Name] {
			must(tb, zw.Copy(f))
		}
	}
	for _, p := range parts {
		must(tb, writePart(zw, p))
	}
	must(tb, zw.Close())
	return out.Bytes()
}

// writePart deflates p into zw, declaring its true size unless p lies.
func writePart(zw *zip.Writer, p part) error {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	counter := &countWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(fw, crc, counter), 64<<10)
	if err := p.write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	size := counter.n
	if p.declared != 0 {
		size = p.declared
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: size})
	if err != nil {
		return err
	}
	_, err = w.Write(comp.Bytes())
	return err
}

type countWriter struct{ n uint64 }

func (c *countWriter) Write(b []byte) (int, error) {
	c.n += uint64(len(b))
	return len(b), nil
}

// probeBase is a workbook with one sheet, 人员, holding the members
// header as shared strings 0 to 5: the part names probes replace are
// xl/worksheets/sheet1.xml and xl/sharedStrings.xml.
func probeBase(tb testing.TB) []byte {
	tb.Helper()
	return mustXLSX(tb, sheet{"人员", [][]any{anyRow(memberHeader)}})
}

// repeated is a part made of head, n times unit, and tail.
func repeated(name, head, unit, tail string, n int) part {
	return part{name: name, write: func(w *bufio.Writer) error {
		w.WriteString(head)
		for range n {
			w.WriteString(unit)
		}
		_, err := w.WriteString(tail)
		return err
	}}
}

// sharedStringsPart is a shared-string table of the members header (so
// that a probe's header row still reads), then before, n times unit, and
// after.
func sharedStringsPart(before, unit, after string, n int) part {
	var head strings.Builder
	fmt.Fprintf(&head, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="%s">`, xmlns)
	for _, h := range memberHeader {
		fmt.Fprintf(&head, "<si><t>%s</t></si>", h)
	}
	head.WriteString(before)
	return repeated("xl/sharedStrings.xml", head.String(), unit, after+"</sst>", n)
}

// sheetPart is a worksheet whose first row is the members header (shared
// strings 0 to 5), followed by what rows writes.
func sheetPart(rows func(w *bufio.Writer)) part {
	return part{name: "xl/worksheets/sheet1.xml", write: func(w *bufio.Writer) error {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="%s"><sheetData><row r="1">`, xmlns)
		for i := range memberHeader {
			fmt.Fprintf(w, `<c r="%s1" t="s"><v>%d</v></c>`, columnLetters(i), i)
		}
		w.WriteString("</row>")
		rows(w)
		_, err := w.WriteString("</sheetData></worksheet>")
		return err
	}}
}

// inlineRows writes rows from to from+n-1, each with one inline-string
// cell in column col (1-based) holding text.
func inlineRows(from, n, col int, text string) func(w *bufio.Writer) {
	letters := columnLetters(col - 1)
	return func(w *bufio.Writer) {
		for r := from; r < from+n; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="%s%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, letters, r, text)
		}
	}
}

// memberRow writes row r as a valid member, in inline strings.
func memberRow(r int) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>张三</t></is></c><c r="B%d" t="inlineStr"><is><t>东湖镇</t></is></c></row>`, r, r, r)
	}
}

// then runs writers in turn.
func then(writers ...func(w *bufio.Writer)) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		for _, write := range writers {
			write(w)
		}
	}
}

// probe is a file built to make today's parser work far beyond its size,
// and what Parse must say about it.
type probe struct {
	name, file string
	build      func(tb testing.TB) []byte
	want       error // nil: parses, with one member
}

// xlsxProbe is a probe workbook: probeBase with parts patched.
func xlsxProbe(name string, want error, parts ...func() part) probe {
	return probe{name: name, file: "a.xlsx", want: want, build: func(tb testing.TB) []byte {
		ps := make([]part, len(parts))
		for i, p := range parts {
			ps[i] = p()
		}
		return mustPatchXLSX(tb, probeBase(tb), ps...)
	}}
}

var probes = []probe{
	// The security review's: a shared-string table of 7.8 million entries.
	xlsxProbe("SharedStringsBomb", ErrUnpackedTooLarge, func() part { return sharedStringsPart("", "<si/>", "", 7_800_000) }),
	// Within MaxUnpackedBytes, but 3 million entries.
	xlsxProbe("SharedStringsCount", ErrTooManySharedStrings, func() part { return sharedStringsPart("", "<si/>", "", 3_000_000) }),
	// One shared string of a million runs of rich text.
	xlsxProbe("RichTextBomb", ErrTooManySharedStrings, func() part { return sharedStringsPart("<si>", "<r><t>a</t></r>", "</si>", 1_000_000) }),
	// The review's second: 100,000 rows blank but for a space in column XFD.
	xlsxProbe("XFDBlankRows", ErrCellBeyondHeader, func() part { return sheetPart(inlineRows(2, 100_000, 16384, " ")) }),
	// 30,000 rows blank but for a space in column A, then a member.
	xlsxProbe("BlankRows", ErrTooManyRows, func() part { return sheetPart(then(inlineRows(2, 30_000, 1, " "), memberRow(30_002))) }),
	// A directory entry claiming 4 KB for a sheet that inflates to 24 MB.
	xlsxProbe("LyingDirectory", ErrUnpackedTooLarge, func() part { return lyingSheet(24 << 20) }),
	// The same lie, but small: a corrupt file, not a bomb.
	xlsxProbe("LyingDirectorySmall", ErrFileType, func() part { return lyingSheet(64 << 10) }),
	// Styles of 3 million empty elements, which excelize decodes on opening.
	xlsxProbe("StylesBomb", nil, func() part { return sheetPart(memberRow(2)) }, func() part {
		return repeated("xl/styles.xml", fmt.Sprintf(`<styleSheet xmlns="%s"><cellXfs>`, xmlns), "<xf/>", "</cellXfs></styleSheet>", 3_000_000)
	}),
	// A workbook part of a million empty defined names.
	xlsxProbe("DefinedNamesBomb", ErrTooComplex, func() part {
		return repeated("xl/workbook.xml", fmt.Sprintf(`<workbook xmlns="%s" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets><definedNames>`, xmlns),
			"<definedName/>", "</definedNames></workbook>", 1_000_000)
	}),
	// One row of 3 million empty cells, read by excelize in one go.
	xlsxProbe("EmptyCellsRow", ErrTooComplex, func() part {
		return sheetPart(func(w *bufio.Writer) {
			w.WriteString(`<row r="2">`)
			for range 3_000_000 {
				w.WriteString("<c/>")
			}
			w.WriteString("</row>")
		})
	}),
	// One cell of an inline rich text of 300,000 runs.
	xlsxProbe("RichCell", ErrTooComplex, func() part {
		return sheetPart(func(w *bufio.Writer) {
			w.WriteString(`<row r="2"><c r="A2" t="inlineStr"><is>`)
			for range 300_000 {
				w.WriteString("<r><t>a</t></r>")
			}
			w.WriteString("</is></c></row>")
		})
	}),
	{name: "TooManySheets", file: "a.xlsx", want: ErrTooComplex, build: func(tb testing.TB) []byte {
		sheets := []sheet{{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}}}
		for i := range MaxSheets {
			sheets = append(sheets, sheet{fmt.Sprintf("备注%d", i), nil})
		}
		return mustXLSX(tb, sheets...)
	}},
	{name: "CSVBlankRows", file: "a.csv", want: ErrTooManyRows, build: func(testing.TB) []byte { return blankCSV(1_000_000) }},
	{name: "CSVFarField", file: "a.csv", want: ErrCellBeyondHeader, build: func(testing.TB) []byte { return farCSV(9_000_000) }},
	{name: "CSVEncoding", file: "a.csv", want: ErrEncoding, build: func(testing.TB) []byte {
		return append(csvOf(memberHeader, okMember), "\xff\xfe张三,东湖镇\r\n"...)
	}},
}

// lyingSheet is a sheet whose directory entry claims 4 KB while its data
// inflates to about unpacked bytes: a valid header and blank rows.
func lyingSheet(unpacked int) part {
	blank := strings.Repeat("<row/>", 1024)
	p := sheetPart(func(w *bufio.Writer) {
		for n := 0; n < unpacked; n += len(blank) {
			w.WriteString(blank)
		}
	})
	p.declared = 4 << 10
	return p
}

// blankCSV is a CSV file with a header, n rows of separators only, then a
// member.
func blankCSV(n int) []byte {
	var b bytes.Buffer
	b.Write(csvOf(memberHeader))
	for range n {
		b.WriteString(",,,,,\r\n")
	}
	b.Write(csvOf(okMember))
	return b.Bytes()
}

// farCSV is a CSV file whose second row has a value in the last of its n
// fields.
func farCSV(n int) []byte {
	var b bytes.Buffer
	b.Write(csvOf(memberHeader))
	b.WriteString(strings.Repeat(",", n-1))
	b.WriteString("x\r\n")
	return b.Bytes()
}
