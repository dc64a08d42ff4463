package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}

	// binaryMagic starts files that are surely not CSV text: old .xls and
	// password-protected .xlsx (OLE2), PDF, images, other archives.
	binaryMagic = [][]byte{
		{0xD0, 0xCF, 0x11, 0xE0}, []byte("%PDF"), []byte("\x89PNG"), {0xFF, 0xD8, 0xFF},
		[]byte("GIF8"), {0x1F, 0x8B}, []byte("Rar!"), []byte("7z\xBC\xAF"), []byte("PK\x05\x06"),
	}
)

// parseCSV reads a CSV file holding one sheet.
func parseCSV(ctx context.Context, data []byte, today time.Time) (Result, error) {
	text, err := decodeText(data)
	if err != nil {
		return Result{}, err
	}
	comma := sniffComma(text)
	if fields, line := csvWidth(text, byte(comma)); fields > MaxColumns {
		return Result{}, fmt.Errorf("%w: csv line %d has %d fields, at most %d", ErrCellBeyondHeader, line, fields, MaxColumns)
	}
	var res Result
	p := newSheetParser("", kindUnknown, date1900, today, &res)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	var pos rowCounter
	for {
		if err := checkCtx(ctx); err != nil {
			return Result{}, fmt.Errorf("read csv: %w", err)
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Result{}, fmt.Errorf("%w: read csv: %w", ErrFileType, err)
		}
		line, _ := r.FieldPos(0)
		lastLine, _ := r.FieldPos(len(rec) - 1)
		row := pos.next(line, lastLine+strings.Count(rec[len(rec)-1], "\n"))
		if err := p.add(row, rec); err != nil {
			return Result{}, err
		}
	}
	if err := emptyCheck(p); err != nil {
		return Result{}, err
	}
	return res, nil
}

// csvWidth returns the most fields a record of text has, and the line the
// first such record starts on, splitting records as encoding/csv does with
// LazyQuotes: that way a record of millions of separators is refused
// before encoding/csv allocates a string and two positions per field.
func csvWidth(text string, comma byte) (most, mostLine int) {
	line := 1
	for i := 0; i < len(text); {
		if n := emptyLine(text[i:]); n > 0 {
			i += n
			line++
			continue
		}
		end, fields := csvRecord(text, i, comma)
		if fields > most {
			most, mostLine = fields, line
		}
		line += strings.Count(text[i:end], "\n")
		i = end
	}
	return most, mostLine
}

// emptyLine returns the length of the empty line s starts with ("\n",
// "\r\n", or a last "\r"), or 0: encoding/csv skips those.
func emptyLine(s string) int {
	switch {
	case strings.HasPrefix(s, "\n"):
		return 1
	case strings.HasPrefix(s, "\r\n"):
		return 2
	case s == "\r":
		return 1
	}
	return 0
}

// csvRecord scans the record starting at text[i] and returns where the
// next one starts and how many fields this one has.
func csvRecord(text string, i int, comma byte) (end, fields int) {
	for {
		fields++
		if i < len(text) && text[i] == '"' {
			end, more := csvQuoted(text, i+1, comma)
			if !more {
				return end, fields
			}
			i = end
			continue
		}
		j := strings.IndexAny(text[i:], string(rune(comma))+"\n")
		switch {
		case j < 0:
			return len(text), fields
		case text[i+j] == '\n':
			return i + j + 1, fields
		}
		i += j + 1
	}
}

// csvQuoted scans a quoted field whose text starts at text[i] and returns
// where the next field (more) or the next record starts. As with
// LazyQuotes, a quote that is neither doubled nor followed by a separator
// or the line's end is part of the field.
func csvQuoted(text string, i int, comma byte) (end int, more bool) {
	for {
		j := strings.IndexByte(text[i:], '"')
		if j < 0 {
			return len(text), false
		}
		i += j + 1
		rest := text[i:]
		switch {
		case strings.HasPrefix(rest, `"`):
			i++
		case len(rest) > 0 && rest[0] == comma:
			return i + 1, true
		case rest == "" || rest == "\r":
			return len(text), false
		case rest[0] == '\n':
			return i + 1, false
		case strings.HasPrefix(rest, "\r\n"):
			return i + 2, false
		}
	}
}

// rowCounter turns CSV records into spreadsheet row numbers: a spreadsheet
// shows each blank line (which encoding/csv skips) as an empty row, and a
// quoted field spanning lines as one row.
type rowCounter struct {
	row, endLine int
}

// next takes the lines a record starts and ends on and returns its row.
func (c *rowCounter) next(start, end int) int {
	if c.row == 0 {
		c.row = start // blank lines before the first record
	} else {
		c.row += start - c.endLine
	}
	c.endLine = end
	return c.row
}

// decodeText returns the file as UTF-8 text, ErrFileType for bytes that
// are not text, or ErrEncoding for text in an encoding we do not know.
func decodeText(data []byte) (string, error) {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, m) {
			return "", fmt.Errorf("%w: binary file, not CSV text", ErrFileType)
		}
	}
	var (
		text string
		err  error
	)
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		text = string(data[len(bomUTF8):])
		if !utf8.ValidString(text) {
			return "", fmt.Errorf("%w: invalid UTF-8 after a UTF-8 byte order mark", ErrEncoding)
		}
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE):
		text, err = decodeWith(xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM), "UTF-16", data)
	case utf8.Valid(data):
		text = string(data)
	default:
		text, err = decodeWith(simplifiedchinese.GB18030, "GB18030 (nor UTF-8)", data)
	}
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(strings.TrimLeftFunc(text, unicode.IsSpace), "<") {
		return "", fmt.Errorf("%w: HTML or XML, not CSV text", ErrFileType)
	}
	if i := strings.IndexFunc(text, isBinaryRune); i >= 0 {
		return "", fmt.Errorf("%w: control character at byte %d, not CSV text", ErrFileType, i)
	}
	return text, nil
}

// decodeWith decodes data, refusing bytes the encoding, named name,
// cannot map.
func decodeWith(enc encoding.Encoding, name string, data []byte) (string, error) {
	b, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("%w: decode %s: %w", ErrEncoding, name, err)
	}
	if bytes.ContainsRune(b, utf8.RuneError) {
		return "", fmt.Errorf("%w: not valid %s", ErrEncoding, name)
	}
	return string(b), nil
}

// isBinaryRune reports a C0 control other than tab, line feed, carriage
// return and the DOS end-of-file mark: none of them appears in CSV text.
func isBinaryRune(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != 0x1A
}

// sniffComma returns the separator of the first line: a comma, or a tab or
// semicolon when the line has those and no comma.
func sniffComma(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	if strings.Contains(first, ",") {
		return ','
	}
	for _, c := range []rune{'\t', ';'} {
		if strings.ContainsRune(first, c) {
			return c
		}
	}
	return ','
}
