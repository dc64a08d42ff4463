package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
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
	// 30,000 rows blank but for a space in column A, then a member.
	xlsxProbe("BlankRows", ErrTooManyRows, func() part { return sheetPart(then(inlineRows(2, 30_000, 1, " "), memberRow(30_002))) }),
	{name: "CSVBlankRows", file: "a.csv", want: ErrTooManyRows, build: func(testing.TB) []byte { return blankCSV(1_000_000) }},
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
