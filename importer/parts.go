package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// headSize is how much of a part is inflated to tell its kind by its root
// element, which follows at most an XML declaration and a comment or two.
const headSize = 8 << 10

// partKind is what a workbook part is to us, told by its root element.
type partKind int

const (
	partDropped   partKind = iota // styles, theme, drawings, pictures, ...: not needed
	partSheet                     // a worksheet: streamed by excelize, row by row
	partStrings                   // the shared-string table: decoded whole
	partStructure                 // the workbook, content types, relationships: decoded whole
)

var partKinds = map[string]partKind{
	"worksheet": partSheet,
	"sst":       partStrings,
	"workbook":  partStructure, "Types": partStructure, "Relationships": partStructure,
}

// screenWorkbook checks a workbook's zip archive against the limits and
// returns an archive of the parts excelize needs to read cell values.
// The others it would unpack too, and some (styles, theme, calculation
// chain) decode whole as it opens the file, for us to ignore: a styles
// part of millions of empty elements took seconds and a gigabyte. Parts
// are told apart by their root element, not their name, because what
// excelize decodes would refuse a part whose root is not the expected one.
func screenWorkbook(ctx context.Context, data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: read zip: %w", ErrFileType, err)
	}
	if err := checkDirectory(zr); err != nil {
		return nil, err
	}
	s := screen{left: MaxUnpackedBytes}
	var out bytes.Buffer
	out.Grow(len(data))
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if err := checkCtx(ctx); err != nil {
			return nil, fmt.Errorf("unpack workbook: %w", err)
		}
		keep, err := s.part(zf)
		if err != nil {
			return nil, fmt.Errorf("zip entry %q: %w", zf.Name, err)
		}
		if keep {
			if err := zw.Copy(zf); err != nil {
				return nil, fmt.Errorf("copy zip entry %q: %w", zf.Name, err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("write workbook parts: %w", err)
	}
	return out.Bytes(), nil
}

// checkDirectory refuses archives that are not workbooks, or whose
// directory declares more than MaxUnpackedBytes in all.
func checkDirectory(zr *zip.Reader) error {
	var total uint64
	workbook := false
	for _, zf := range zr.File {
		// Each size is at most 2^64-1, so check it alone before the sum.
		if total += zf.UncompressedSize64; zf.UncompressedSize64 > MaxUnpackedBytes || total > MaxUnpackedBytes {
			return fmt.Errorf("%w: zip directory declares more than %d bytes", ErrUnpackedTooLarge, MaxUnpackedBytes)
		}
		workbook = workbook || strings.EqualFold(zf.Name, "xl/workbook.xml")
	}
	if !workbook {
		return fmt.Errorf("%w: zip archive without xl/workbook.xml", ErrFileType)
	}
	return nil
}

// screen is the state of one screenWorkbook: the unpacked bytes still
// allowed and what the parts read so far hold.
type screen struct {
	left     int64         // bytes that may still be inflated
	inflater io.ReadCloser // reused: each one holds a 32 KB window
	head     [headSize]byte

	structure, sheets     int // elements of the structure parts; <sheet> elements
	texts, stringElements int // <si> elements; all elements of shared-string tables
}

// part reads one zip entry and reports whether to keep it. Only the head
// of a part that is not kept is inflated.
func (s *screen) part(zf *zip.File) (bool, error) {
	if strings.HasSuffix(zf.Name, "/") {
		return false, nil // a directory
	}
	r, err := s.open(zf)
	if err != nil {
		return false, err
	}
	size := int64(zf.UncompressedSize64) // at most MaxUnpackedBytes: checkDirectory
	head := s.head[:min(size, headSize)]
	if err := s.readFull(r, head); err != nil {
		return false, err
	}
	root, _ := rootName(head)
	kind := partKinds[root]
	if kind == partDropped {
		return false, nil
	}
	body := make([]byte, size)
	copy(body, head)
	if err := s.readFull(r, body[len(head):]); err != nil {
		return false, err
	}
	if err := s.checkEnd(r, size); err != nil {
		return false, err
	}
	if crc32.ChecksumIEEE(body) != zf.CRC32 {
		return false, fmt.Errorf("%w: checksum mismatch", ErrFileType)
	}
	return true, s.check(kind, body)
}

// open returns a reader of zf's inflated data.
func (s *screen) open(zf *zip.File) (io.Reader, error) {
	raw, err := zf.OpenRaw()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFileType, err)
	}
	switch zf.Method {
	case zip.Store:
		return raw, nil
	case zip.Deflate:
		if s.inflater == nil {
			s.inflater = flate.NewReader(raw)
		} else if err := s.inflater.(flate.Resetter).Reset(raw, nil); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFileType, err)
		}
		return s.inflater, nil
	}
	return nil, fmt.Errorf("%w: compression method %d", ErrFileType, zf.Method)
}

// readFull fills b from r, charging it to the budget (which the
// directory's sizes, checked before, keep it within).
func (s *screen) readFull(r io.Reader, b []byte) error {
	n, err := io.ReadFull(r, b)
	s.left -= int64(n)
	if err != nil {
		return fmt.Errorf("%w: data shorter than the %d bytes the directory declares, or corrupt: %w", ErrFileType, len(b), err)
	}
	return nil
}

// checkEnd makes sure r ends after the size the directory declares. When
// it does not, the directory lies: what follows is inflated (and thrown
// away) only as far as the budget allows, to tell a bomb from a corrupt
// file.
func (s *screen) checkEnd(r io.Reader, size int64) error {
	extra, err := io.Copy(io.Discard, io.LimitReader(r, s.left+1))
	s.left -= extra
	switch {
	case s.left < 0:
		return fmt.Errorf("%w: declared as %d bytes, inflates to more than %d in all", ErrUnpackedTooLarge, size, MaxUnpackedBytes)
	case err != nil:
		return fmt.Errorf("%w: inflate: %w", ErrFileType, err)
	case extra > 0:
		return fmt.Errorf("%w: declared as %d bytes, holds %d more", ErrFileType, size, extra)
	}
	return nil
}

// check counts what a kept part holds against the limits.
func (s *screen) check(kind partKind, body []byte) error {
	switch kind {
	case partSheet:
		return checkSheetCells(body)
	case partStrings:
		all, si := countTags(body, "si")
		s.texts += si
		s.stringElements += all
		if s.texts > MaxSharedStrings {
			return fmt.Errorf("%w: more than %d", ErrTooManySharedStrings, MaxSharedStrings)
		}
		if s.stringElements > maxSharedStringElements {
			return fmt.Errorf("%w: more than %d XML elements of (rich) text", ErrTooManySharedStrings, maxSharedStringElements)
		}
	case partStructure:
		all, sheets := countTags(body, "sheet")
		s.structure += all
		s.sheets += sheets
		if s.sheets > MaxSheets {
			return fmt.Errorf("%w: more than %d sheets", ErrTooComplex, MaxSheets)
		}
		if s.structure > maxPackageElements {
			return fmt.Errorf("%w: more than %d XML elements in the workbook, relationship and content-type parts", ErrTooComplex, maxPackageElements)
		}
	}
	return nil
}
