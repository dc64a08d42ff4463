// Package importer turns an uploaded roster file (.xlsx or .csv) into the
// plain rows models.ImportRoster takes, and makes the template offices fill
// in. It reads no database and knows no Telegram: handlers/ words its errors
// and rejection codes.
package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// MaxFileBytes is the largest file Parse reads; larger files are refused
// before parsing (bot downloads are capped at 20 MB anyway).
const MaxFileBytes = 10 << 20

// Errors of Parse; each is wrapped with detail. The refusals for the
// other limits (see limits.go) match ErrTooLarge or ErrFileType too.
var (
	ErrFileType = errors.New("unsupported file type")     // not .xlsx or .csv, by name and by content
	ErrTooLarge = errors.New("file too large")            // over MaxFileBytes, or over a limit below
	ErrEmpty    = errors.New("no data rows")              // neither sheet holds a data row
	ErrHeaders  = errors.New("unexpected column headers") // see HeaderError for the detail
)

// Result is what a file holds: the rows that passed the cell checks and a
// rejection for each cell that did not (a row may have several). A
// rejection's Column is the header as in the file (the template's when the
// column is absent), or the column's letter for extra_cells.
type Result struct {
	Members   []models.ImportMember
	Sanctions []models.ImportSanction
	Rejected  []models.ImportRejection // rows refused while parsing; codes in ReasonCodes
}

// zipMagic starts every .xlsx file (a zip archive).
var zipMagic = []byte("PK\x03\x04")

// Parse is ParseContext without a deadline of the caller's: the parse
// gets ParseTimeout.
func Parse(name string, data []byte, today time.Time) (Result, error) {
	return ParseContext(context.Background(), name, data, today)
}

// ParseContext reads an .xlsx workbook (sheets 人员 and 处分, or members
// and sanctions) or a .csv file holding one of the two sheets, told apart
// by its header row. The name must end in .xlsx or .csv, but the content
// decides the format: a zip archive is read as a workbook, anything else
// as CSV text (UTF-8, with or without BOM, UTF-16 with BOM, or GB18030).
// today bounds decision dates; rows whose first cell or name starts with
// 示例 are the template's examples and are skipped.
//
// A file over one of the limits in limits.go is refused with its error.
// The parse stops at ctx's deadline (ParseTimeout from now when ctx has
// none) with ErrTimeBudget, and when ctx is cancelled with ctx.Err().
func ParseContext(ctx context.Context, name string, data []byte, today time.Time) (Result, error) {
	if len(data) > MaxFileBytes {
		return Result{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), MaxFileBytes)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".xlsx" && ext != ".csv" {
		return Result{}, fmt.Errorf("%w: file name %q does not end in .xlsx or .csv", ErrFileType, name)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ParseTimeout)
		defer cancel()
	}
	var (
		res Result
		err error
	)
	if bytes.HasPrefix(data, zipMagic) {
		res, err = parseXLSX(ctx, data, today)
	} else {
		res, err = parseCSV(ctx, data, today)
	}
	if err != nil {
		return Result{}, fmt.Errorf("parse %q: %w", filepath.Base(name), err)
	}
	return res, nil
}

// emptyCheck is ErrEmpty when no sheet held a data row.
func emptyCheck(parsers ...*sheetParser) error {
	for _, p := range parsers {
		if p.rows > 0 {
			return nil
		}
	}
	return ErrEmpty
}
