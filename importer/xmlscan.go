package importer

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strconv"
)

// The functions here size an XML part without decoding it, fast enough to
// run over every part before excelize decodes any. They are conservative:
// they never miss an element encoding/xml would decode, but take for one
// what only looks like it (in a comment or a CDATA section), which can
// only make a limit trip early. A '<' cannot appear unescaped in text or
// in an attribute value of well-formed XML, so every '<' starts a tag.

// tag is one tag of an XML part.
type tag struct {
	local []byte // name without its namespace prefix
	attrs []byte // what lies between the name and the tag's end
	end   bool   // </name>
	empty bool   // <name/>
}

// nextTag returns the first tag of b at or after i, and the index after
// it; ok is false when there is none. Comments, CDATA sections, the
// DOCTYPE and processing instructions are not tags, but the scan goes on
// inside them.
func nextTag(b []byte, i int) (t tag, next int, ok bool) {
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 || i+j+1 >= len(b) {
			return tag{}, len(b), false
		}
		i += j + 1
		if c := b[i]; c == '!' || c == '?' {
			continue
		}
		t.end = b[i] == '/'
		if t.end {
			i++
		}
		n := i
		for n < len(b) && !isNameEnd(b[n]) {
			n++
		}
		t.local = localName(b[i:n])
		end := tagEnd(b, n)
		t.attrs = b[n:end]
		t.empty = end > n && b[end-1] == '/'
		return t, min(end+1, len(b)), true
	}
}

// tagEnd returns the index of the '>' closing a tag whose attributes start
// at i, skipping quoted values (which may hold '>'), or len(b).
func tagEnd(b []byte, i int) int {
	var quote byte
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return i
}

func isNameEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>'
}

func localName(name []byte) []byte {
	return name[bytes.LastIndexByte(name, ':')+1:]
}

// attrValue returns the raw value of the last attribute of attrs whose
// local name is name, the one excelize's cell reader keeps.
func attrValue(attrs []byte, name string) (string, bool) {
	var (
		value string
		found bool
	)
	for {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return value, found
		}
		key := localName(bytes.TrimRight(attrs[:eq], " \t\r\n"))
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return value, found
		}
		closing := bytes.IndexByte(rest[1:], rest[0])
		if closing < 0 {
			return value, found
		}
		if string(key) == name {
			value, found = string(rest[1:1+closing]), true
		}
		attrs = rest[closing+2:]
	}
}

// columnOf returns the 1-based column of a cell reference such as "XFD7"
// or "$b$2", as excelize reads it; ok is false when ref is not one.
func columnOf(ref string) (int, bool) {
	if bytes.IndexByte([]byte(ref), '&') >= 0 {
		ref = html.UnescapeString(ref) // r="&#88;FD1" is XFD1 to encoding/xml
	}
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		switch {
		case ref[i] == '$':
		case 'a' <= c && c <= 'z':
			if col = col*26 + int(c-'a'+1); col > 1<<20 {
				return col, true // far beyond any sheet; no overflow
			}
		default:
			return col, col > 0 && i < len(ref) && ref[i] >= '0' && ref[i] <= '9'
		}
	}
	return 0, false
}

// rootName returns the local name of the first element of an XML part of
// which head is the start; ok is false when head holds none, or is not
// XML text in an encoding whose tags are ASCII (UTF-16, say): such a part
// cannot be scanned, so it is not passed on.
func rootName(head []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(head))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", false
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, true
		}
	}
}

// countTags returns the number of start tags in b, and of those named
// name.
func countTags(b []byte, name string) (all, named int) {
	for i := 0; ; {
		t, next, ok := nextTag(b, i)
		if !ok {
			return all, named
		}
		i = next
		if !t.end {
			all++
			if string(t.local) == name {
				named++
			}
		}
	}
}

// cellScan tracks the row and cell a worksheet scan is in.
type cellScan struct {
	row, col  int    // of the last <row> and <c>, as excelize numbers them
	ref       string // the last cell's reference, for messages
	cells     int    // cells in this row
	filled    int    // of which with content
	depth     int    // elements open
	cellDepth int    // depth of the open cell with content; -1: none
	inCell    int    // elements inside it
}

// checkSheetCells refuses a worksheet with a cell that has content beyond
// column MaxColumns, a row with more than MaxColumns such cells or more
// than maxRowCells cells in all, or a cell of more than maxCellElements
// elements: what would make excelize's row reader allocate far more than
// the file's size, or work for seconds on one row.
func checkSheetCells(b []byte) error {
	s := cellScan{cellDepth: -1}
	for i := 0; ; {
		t, next, ok := nextTag(b, i)
		if !ok {
			return nil
		}
		i = next
		if err := s.take(t); err != nil {
			return err
		}
	}
}

// take follows one tag. A cell is open until the end tag that closes it,
// whatever lies inside (excelize decodes an inline string whole, nested
// <c> elements and all), and every element inside counts toward it.
func (s *cellScan) take(t tag) error {
	if t.end {
		if s.depth--; s.depth == s.cellDepth {
			s.cellDepth = -1
		}
		return nil
	}
	if !t.empty {
		defer func() { s.depth++ }()
	}
	if s.cellDepth >= 0 {
		if s.inCell++; s.inCell > maxCellElements {
			return fmt.Errorf("%w: cell %s holds more than %d XML elements", ErrTooComplex, s.where(), maxCellElements)
		}
		return nil
	}
	switch string(t.local) {
	case "row":
		s.row++
		v, _ := attrValue(t.attrs, "r")
		if n, err := strconv.Atoi(v); err == nil {
			s.row = n // a bad number or none: excelize refuses or counts on
		}
		s.col, s.cells, s.filled = 0, 0, 0
	case "c":
		return s.cell(t)
	}
	return nil
}

// cell follows a <c> tag.
func (s *cellScan) cell(t tag) error {
	s.col++
	s.ref = ""
	if s.cells++; s.cells > maxRowCells {
		return fmt.Errorf("%w: row %d has more than %d cells", ErrTooComplex, s.row, maxRowCells)
	}
	if v, ok := attrValue(t.attrs, "r"); ok {
		s.ref = v
		if col, ok := columnOf(v); ok {
			s.col = col
		}
	}
	if t.empty {
		return nil // no value: excelize skips it
	}
	s.filled++
	s.cellDepth, s.inCell = s.depth, 0
	return s.checkWidth()
}

func (s *cellScan) checkWidth() error {
	switch {
	case s.col > MaxColumns:
		return fmt.Errorf("%w: cell %s has content beyond column %s", ErrCellBeyondHeader, s.where(), columnLetters(MaxColumns-1))
	case s.filled > MaxColumns:
		return fmt.Errorf("%w: row %d has more than %d cells with content", ErrCellBeyondHeader, s.row, MaxColumns)
	}
	return nil
}

// where names the current cell for messages.
func (s *cellScan) where() string {
	if s.ref != "" {
		return s.ref
	}
	return fmt.Sprintf("%s%d", columnLetters(min(s.col, 1<<20)-1), s.row)
}
