package handlers

import (
	"cmp"
	"slices"
	"strings"

	"github.com/huifang/huifang/models"
)

// maxRejectionLines is how many rejections a preview lists.
const maxRejectionLines = 25

// showPreview shows what an import would do and asks for confirmation;
// with nothing to write, it says so and the import ends.
func (s *session) showPreview(name string, out models.ImportResult, rejected []models.ImportRejection) {
	var b strings.Builder
	b.WriteString(s.t.T("ro_preview_title", "File", esc(name)))
	b.WriteString("\n" + s.t.T("ro_import_counts", importCounts(out, rejected)...))
	if len(rejected) > 0 {
		b.WriteString("\n\n" + s.t.T("ro_rejections"))
		b.WriteString(s.rejectionLines(rejected))
	}
	if out.NewMembers+out.UpdatedMembers+out.NewSanctions+out.UpdatedSanctions == 0 {
		s.endRoster()
		b.WriteString("\n\n" + s.t.T("ro_import_nothing"))
		s.send(Message{Text: b.String()})
		return
	}
	b.WriteString("\n\n" + s.t.T("ro_preview_hint"))
	s.send(Message{Text: b.String(), Buttons: [][]Button{
		{s.btn(s.t.T("ro_btn_import"), "cf", ""), s.btn(s.t.T("btn_cancel"), "cx", "")},
	}})
}

// rejectionLines lists rejections by sheet and row, at most
// maxRejectionLines of them, then how many more there are.
func (s *session) rejectionLines(rejected []models.ImportRejection) string {
	sorted := slices.Clone(rejected)
	slices.SortStableFunc(sorted, func(a, b models.ImportRejection) int {
		return cmp.Or(cmp.Compare(sheetOrder(a.Sheet), sheetOrder(b.Sheet)), cmp.Compare(a.Row, b.Row))
	})
	var b strings.Builder
	for i, r := range sorted {
		if i == maxRejectionLines {
			b.WriteString("\n" + s.t.T("ro_more_rejections", "N", len(sorted)-i))
			break
		}
		b.WriteString("\n• " + s.t.T("ro_rejection", "Sheet", s.sheetLabel(r.Sheet), "Row", r.Row,
			"Column", s.columnLabel(r.Column), "Reason", s.reasonText(r.Reason)))
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

func (s *session) columnLabel(column string) string {
	if id, ok := modelFields[column]; ok {
		return s.t.T("ro_col_" + id)
	}
	return esc(column)
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

func (s *session) sheetLabel(sheet string) string {
	switch sheet {
	case models.SheetMembers, models.SheetSanctions:
		return s.t.T("ro_sheet_" + sheet)
	}
	return esc(sheet)
}

// reasonText renders a rejection reason code; a code the catalogue does
// not know (a programming error caught by a test) is shown as a code.
func (s *session) reasonText(code string) string {
	id := "ro_reason_" + code
	if text := s.t.T(id); text != id && isToken(code) {
		return text
	}
	return s.t.T("ro_reason_other", "Code", esc(code))
}
