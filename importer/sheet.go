package importer

import (
	"fmt"
	"strings"
	"time"
)

// exampleMark starts the first cell (or the name) of the template's
// example rows, which Parse skips.
const exampleMark = "示例"

// sheetParser consumes one sheet's rows in order: the first non-empty row
// is the header, the others are data.
type sheetParser struct {
	sheet    string    // name in the workbook; "" for CSV
	kind     sheetKind // kindUnknown until the header decides (CSV, unnamed sheets)
	optional bool      // a sheet whose header fits neither kind is skipped, not refused
	skip     bool
	b        *binding
	dates    dateSystem
	today    time.Time // UTC midnight of the caller's today; zero: no check
	rows     int       // data rows, neither empty nor examples
	res      *Result
}

func newSheetParser(sheet string, kind sheetKind, dates dateSystem, today time.Time, res *Result) *sheetParser {
	p := &sheetParser{sheet: sheet, kind: kind, dates: dates, res: res}
	if !today.IsZero() {
		p.today = dayOf(today)
	}
	return p
}

// add takes the row numbered row (1-based, as the spreadsheet shows it).
func (p *sheetParser) add(row int, cells []string) error {
	if row > MaxSheetRows {
		return fmt.Errorf("%w: sheet %s reaches row %d, at most %d rows (blank rows count)", ErrTooManyRows, p.label(), row, MaxSheetRows)
	}
	if p.skip || isEmptyRow(cells) {
		return nil
	}
	if p.b == nil {
		return p.header(cells)
	}
	if p.isExample(cells) {
		return nil
	}
	p.rows++
	if p.rows > MaxDataRows {
		return fmt.Errorf("%w: sheet %s holds more than %d data rows", ErrTooManyRows, p.label(), MaxDataRows)
	}
	r := &rowReader{b: p.b, cells: cells, row: row}
	if p.kind == kindMembers {
		if m, ok := r.member(); ok {
			p.res.Members = append(p.res.Members, m)
		}
	} else if s, ok := r.sanction(p.dates, p.today); ok {
		p.res.Sanctions = append(p.res.Sanctions, s)
	}
	p.res.Rejected = append(p.res.Rejected, r.rej...)
	return nil
}

func (p *sheetParser) header(cells []string) error {
	if p.kind == kindUnknown {
		p.kind = detectKind(cells)
		if p.kind == kindUnknown && p.optional {
			p.skip = true
			return nil
		}
	}
	b, err := bind(p.sheet, p.kind, cells)
	if err != nil {
		return fmt.Errorf("read header of sheet %s: %w", p.label(), err)
	}
	p.b = b
	return nil
}

// label names the sheet in errors.
func (p *sheetParser) label() string {
	if p.sheet != "" {
		return fmt.Sprintf("%q", p.sheet)
	}
	if p.kind != kindUnknown {
		return p.kind.String()
	}
	return "csv"
}

// isExample reports a template example row: its first cell or its name
// starts with 示例.
func (p *sheetParser) isExample(cells []string) bool {
	if strings.HasPrefix(cleanValue(cells[0]), exampleMark) {
		return true
	}
	i := p.b.pos[fName]
	return i < len(cells) && strings.HasPrefix(cleanValue(cells[i]), exampleMark)
}

func isEmptyRow(cells []string) bool {
	for _, c := range cells {
		if !isBlank(c) {
			return false
		}
	}
	return true
}

// Rejection reason codes this package produces.
const (
	reasonNameEmpty         = "name_empty"
	reasonNameTooLong       = "name_too_long"
	reasonUnitEmpty         = "unit_empty"
	reasonUnitTooLong       = "unit_too_long"
	reasonFormula           = "formula"
	reasonExtraCells        = "extra_cells"
	reasonPostTooLong       = "post_too_long"
	reasonRankUnknown       = "rank_unknown"
	reasonKeyInvalid        = "key_invalid"
	reasonKeyReasonMissing  = "key_reason_missing"
	reasonKeyReasonTooLong  = "key_reason_too_long"
	reasonKindEmpty         = "kind_empty"
	reasonKindUnknown       = "kind_unknown"
	reasonKindAmbiguous     = "kind_ambiguous"
	reasonProbationMonths   = "probation_months"
	reasonDecisionNoEmpty   = "decision_no_empty"
	reasonDecisionNoTooLong = "decision_no_too_long"
	reasonDateEmpty         = "date_empty"
	reasonDateInvalid       = "date_invalid"
	reasonDateRange         = "date_range"
	reasonDateFuture        = "date_future"
	reasonEffectiveBefore   = "effective_before_decision"
)

// ReasonCodes lists every rejection reason Parse can give, so that
// handlers/ can check its catalogue has a message for each.
func ReasonCodes() []string {
	return []string{
		reasonNameEmpty, reasonNameTooLong, reasonUnitEmpty, reasonUnitTooLong,
		reasonFormula, reasonExtraCells, reasonPostTooLong, reasonRankUnknown,
		reasonKeyInvalid, reasonKeyReasonMissing, reasonKeyReasonTooLong,
		reasonKindEmpty, reasonKindUnknown, reasonKindAmbiguous, reasonProbationMonths,
		reasonDecisionNoEmpty, reasonDecisionNoTooLong, reasonDateEmpty,
		reasonDateInvalid, reasonDateRange, reasonDateFuture, reasonEffectiveBefore,
	}
}

// Length limits, in runes, matching the models' columns.
const (
	maxName       = 64
	maxUnitName   = 128 // one unit of a path
	maxUnitPath   = 512
	maxPost       = 128
	maxDecisionNo = 64
	maxKeyReason  = 256
)
