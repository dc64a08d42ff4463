package roster

import (
	"cmp"
	"slices"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// maxRejectionLines is how many rejections a preview lists.
const maxRejectionLines = 25

// showPreview shows what an import would do and asks for confirmation;
// with nothing to write, it says so and the import ends.
func showPreview(t *kit.Turn, name string, out models.ImportResult, rejected []models.ImportRejection) {
	var b strings.Builder
	b.WriteString(t.T.T("ro_preview_title", "File", kit.Esc(name)))
	b.WriteString("\n" + t.T.T("ro_import_counts", importCounts(out, rejected)...))
	if len(rejected) > 0 {
		b.WriteString("\n\n" + t.T.T("ro_rejections"))
		b.WriteString(rejectionLines(t.T, rejected))
	}
	if out.NewMembers+out.UpdatedMembers+out.NewSanctions+out.UpdatedSanctions == 0 {
		end(t)
		b.WriteString("\n\n" + t.T.T("ro_import_nothing"))
		t.Send(kit.Message{Text: b.String()})
		return
	}
	b.WriteString("\n\n" + t.T.T("ro_preview_hint"))
	t.Send(kit.Message{Text: b.String(), Buttons: importButtons(t)})
}

// importButtons confirm or cancel an import.
func importButtons(t *kit.Turn) [][]kit.Button {
	return [][]kit.Button{{t.Btn(t.T.T("ro_btn_import"), NS, actImport, ""), cancelButton(t)}}
}

// rejectionLines lists rejections by sheet and row, at most
// maxRejectionLines of them, then how many more there are.
func rejectionLines(tr kit.Tr, rejected []models.ImportRejection) string {
	sorted := slices.Clone(rejected)
	slices.SortStableFunc(sorted, func(a, b models.ImportRejection) int {
		return cmp.Or(cmp.Compare(sheetOrder(a.Sheet), sheetOrder(b.Sheet)), cmp.Compare(a.Row, b.Row))
	})
	var b strings.Builder
	for i, r := range sorted {
		if i == maxRejectionLines {
			b.WriteString("\n" + tr.T("ro_more_rejections", "N", len(sorted)-i))
			break
		}
		b.WriteString("\n• " + tr.T("ro_rejection", "Sheet", sheetLabel(tr, r.Sheet), "Row", r.Row,
			"Column", columnLabel(tr, r.Column), "Reason", reasonText(tr, r.Reason)))
	}
	return b.String()
}

// modelFields maps the field names models puts in a rejection's Column
// to the catalogue ids of their template headers; importer's rejections
// carry the file's own header (or a column letter), shown as it is.
var modelFields = map[string]string{
	"Name": "name", "MemberName": "name", "UnitName": "unit", "Post": "post", "Rank": "rank",
	"Key": "key", "KeyReason": "key_reason", "Kind": "kind", "ProbationMonths": "probation",
	"DecisionNo": "decision_no", "DecisionDate": "decision_date", "EffectiveDate": "effective_date",
}

func columnLabel(tr kit.Tr, column string) string {
	if id, ok := modelFields[column]; ok {
		return tr.T("ro_col_" + id)
	}
	return kit.Esc(column)
}

func sheetOrder(sheet string) int {
	switch sheet {
	case models.SheetMembers:
		return 0
	case models.SheetSanctions:
		return 1
	}
	return 2
}

func sheetLabel(tr kit.Tr, sheet string) string {
	switch sheet {
	case models.SheetMembers, models.SheetSanctions:
		return tr.T("ro_sheet_" + sheet)
	}
	return kit.Esc(sheet)
}

// reasonText renders a rejection reason code; a code the catalogue does
// not know (a programming error caught by a test) is shown as a code.
func reasonText(tr kit.Tr, code string) string {
	id := "ro_reason_" + code
	if text := tr.T(id); text != id && kit.IsToken(code) {
		return text
	}
	return tr.T("ro_reason_other", "Code", kit.Esc(code))
}
