package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetNames maps the accepted sheet names (lower case) to their kind.
var sheetNames = map[string]sheetKind{
	"人员": kindMembers, "members": kindMembers,
	"处分": kindSanctions, "sanctions": kindSanctions,
}

// parseXLSX reads a workbook. Sheets named 人员/处分 (or members/sanctions)
// hold what their name says; any other sheet is told apart by its header
// row, as a CSV file is. When some sheet has one of those names, other
// sheets whose headers fit neither kind (such as 说明) are ignored.
func parseXLSX(ctx context.Context, data []byte, today time.Time) (res Result, err error) {
	parts, err := screenWorkbook(ctx, data)
	if err != nil {
		return Result{}, err
	}
	// Screened parts are within both limits; the options keep excelize
	// from unpacking more than that, and every part in memory rather than
	// in temporary files.
	f, err := excelize.OpenReader(bytes.NewReader(parts), excelize.Options{
		UnzipSizeLimit: MaxUnpackedBytes, UnzipXMLSizeLimit: MaxUnpackedBytes,
	})
	if err != nil {
		return Result{}, fmt.Errorf("%w: open workbook: %w", ErrFileType, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close workbook: %w", cerr)
		}
	}()
	sys := date1900
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil && *props.Date1904 {
		sys = date1904
	}
	var parsers []*sheetParser
	for _, sheet := range planSheets(f.GetSheetList()) {
		p := newSheetParser(sheet.name, sheet.kind, sys, today, &res)
		p.optional = sheet.optional
		if err := readSheet(ctx, f, p); err != nil {
			return Result{}, err
		}
		parsers = append(parsers, p)
	}
	if err := checkKinds(parsers); err != nil {
		return Result{}, err
	}
	if err := emptyCheck(parsers...); err != nil {
		return Result{}, err
	}
	return res, nil
}

// plannedSheet is a sheet to read, the kind its name says, and whether it
// may be skipped when its headers fit neither kind.
type plannedSheet struct {
	name     string
	kind     sheetKind
	optional bool
}

// planSheets gives each sheet the kind its name says; when any sheet has
// an accepted name, the others become optional.
func planSheets(names []string) []plannedSheet {
	plan := make([]plannedSheet, len(names))
	named := false
	for i, n := range names {
		k := sheetNames[strings.ToLower(cleanValue(n))]
		plan[i] = plannedSheet{name: n, kind: k}
		named = named || k != kindUnknown
	}
	for i := range plan {
		plan[i].optional = named && plan[i].kind == kindUnknown
	}
	return plan
}

// readSheet streams a sheet's rows into p, with raw cell values: a date
// comes as its serial number, not as text in some display format. A sheet
// without cells to read (a chart sheet, whose part is not passed on) is
// empty.
func readSheet(ctx context.Context, f *excelize.File, p *sheetParser) (err error) {
	rows, err := f.Rows(p.sheet)
	if errors.As(err, new(excelize.ErrSheetNotExist)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: read sheet %q: %w", ErrFileType, p.sheet, err)
	}
	defer func() {
		if cerr := rows.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("%w: read sheet %q: %w", ErrFileType, p.sheet, cerr)
		}
	}()
	raw := excelize.Options{RawCellValue: true}
	// Next yields every row number up to the last, those the file leaves
	// out included, so n is the row's number and each counts.
	for n := 1; !p.skip && rows.Next(); n++ {
		if err := checkCtx(ctx); err != nil {
			return fmt.Errorf("read sheet %q row %d: %w", p.sheet, n, err)
		}
		cells, err := rows.Columns(raw)
		if err != nil {
			return fmt.Errorf("%w: read sheet %q row %d: %w", ErrFileType, p.sheet, n, err)
		}
		if err := p.add(n, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("%w: read sheet %q: %w", ErrFileType, p.sheet, err)
	}
	return nil
}

// checkKinds refuses a workbook with two sheets of the same kind: which
// one to import would be a guess.
func checkKinds(parsers []*sheetParser) error {
	seen := map[sheetKind]string{}
	for _, p := range parsers {
		if p.b == nil {
			continue // an empty sheet
		}
		if other, ok := seen[p.kind]; ok {
			return fmt.Errorf("%w: sheets %q and %q both hold %s", ErrHeaders, other, p.sheet, p.kind)
		}
		seen[p.kind] = p.sheet
	}
	return nil
}
