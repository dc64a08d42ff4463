package importer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limits on what one file may make Parse do. A small file can still hold a
// great deal of work (a zip bomb, millions of tiny XML elements, a value in
// the last of Excel's 16,384 columns), so each kind of work has its own
// bound, and ParseTimeout bounds them all together.
const (
	// MaxUnpackedBytes bounds a workbook's parts once unzipped, by the
	// sizes the zip directory declares and by the bytes actually inflated.
	// 20,000 members and 20,000 sanctions unpack to 9 MB with short texts,
	// to 14.5 MB with a reason of 90 characters for every other member.
	MaxUnpackedBytes = 16 << 20
	// MaxSharedStrings bounds a workbook's shared-string table: excelize
	// decodes all of it at once, at about 350 bytes per entry. A full
	// template has at most about 100,000 distinct texts.
	MaxSharedStrings = 200_000
	// MaxDataRows is the most data rows one sheet (or CSV file) may hold.
	MaxDataRows = 20_000
	// MaxSheetRows is the most rows a sheet may span, blank ones included:
	// the data rows, the header, the template's example row and a few title
	// or blank rows. A blank row costs as much to read as any other.
	MaxSheetRows = MaxDataRows + 10
	// MaxColumns bounds where a cell with content may sit (column IV, the
	// width of an old .xls sheet) and how many fields a CSV record may
	// have: excelize pads a row with an empty string for every column up to
	// its last cell with content, so it is checked before a row is read.
	// Content right of the header but within it is a rejection of the
	// row, extra_cells.
	MaxColumns = 256
	// MaxSheets bounds the sheets of a workbook; excelize pairs every
	// sheet with every workbook relationship when it opens one.
	MaxSheets = 64
	// ParseTimeout is the time budget of a parse whose context has no
	// deadline. The limits above keep honest files well inside it (the
	// heaviest takes about 1.5 s on one core); it stops what they do not
	// foresee.
	ParseTimeout = 5 * time.Second
)

// Limits excelize's decoding needs beyond those above. Each XML element
// becomes a struct of 100 to 500 bytes when excelize decodes the part
// holding it, so parts decoded whole are bounded in elements, not bytes.
const (
	// maxPackageElements bounds the elements of [Content_Types].xml, the
	// workbook and the relationship parts together. A workbook with a few
	// sheets has a few hundred; bloated defined names run to thousands.
	maxPackageElements = 50_000
	// maxSharedStringElements bounds the shared-string table's elements:
	// two per plain text, about ten more per run of rich text.
	maxSharedStringElements = 3 * MaxSharedStrings
	// maxCellElements bounds the elements inside one cell (an inline rich
	// text), which excelize decodes in one go.
	maxCellElements = 1_000
	// maxRowCells bounds the cells of one row, empty ones included: Excel
	// has 16,384 columns, and excelize reads a row in one go, so a row of
	// millions of empty cells would hold up cancellation for seconds.
	maxRowCells = 16_384
)

// Refusals of Parse for files over a limit. Each is distinct, so that the
// chat can say why; each also matches the broader error callers knew
// before (ErrTooLarge, or ErrFileType for ErrEncoding), so code written
// against those keeps working. Each is wrapped with detail.
var (
	// ErrUnpackedTooLarge is a workbook whose parts unpack to more than
	// MaxUnpackedBytes, by the zip directory or by the bytes inflated.
	ErrUnpackedTooLarge error = &refusal{"workbook too large unpacked", ErrTooLarge}
	// ErrTooManySharedStrings is a shared-string table of more than
	// MaxSharedStrings texts (or of too much rich text).
	ErrTooManySharedStrings error = &refusal{"too many shared strings", ErrTooLarge}
	// ErrTooManyRows is a sheet or CSV file spanning more than MaxSheetRows
	// rows (blank rows count) or holding more than MaxDataRows data rows.
	ErrTooManyRows error = &refusal{"too many rows", ErrTooLarge}
	// ErrCellBeyondHeader is a cell with content beyond column MaxColumns,
	// or a CSV record of more than MaxColumns fields: far right of any
	// header.
	ErrCellBeyondHeader error = &refusal{"cell far right of the header", ErrTooLarge}
	// ErrTooComplex is a workbook of more than MaxSheets sheets, or whose
	// structure parts or cells hold too many XML elements.
	ErrTooComplex error = &refusal{"workbook structure too complex", ErrTooLarge}
	// ErrTimeBudget is a parse that ran past its context's deadline
	// (ParseTimeout when the context has none). It also matches
	// context.DeadlineExceeded.
	ErrTimeBudget error = &refusal{"parse time budget exceeded", ErrTooLarge}
	// ErrEncoding is a CSV file that is text but neither UTF-8 (with or
	// without BOM), UTF-16 with BOM, nor GB18030.
	ErrEncoding error = &refusal{"text neither UTF-8 nor GB18030", ErrFileType}
)

// refusal is a sentinel error that also matches a broader one.
type refusal struct {
	msg     string
	broader error
}

func (r *refusal) Error() string { return r.msg }

// Unwrap makes errors.Is match the broader error too.
func (r *refusal) Unwrap() error { return r.broader }

// checkCtx returns nil while ctx is live, ErrTimeBudget once its deadline
// has passed, and its error when it was cancelled (a shutdown, not the
// file's fault).
func checkCtx(ctx context.Context) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeBudget, err)
	}
	return err
}
