package export

import (
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/models"
)

// stats are the simple counts of the 统计 sheet. Figures about visits
// count approved (final) visits only; pending and returned ones are
// counted apart.
type stats struct {
	members, key, sanctions, enforced, lifted int
	kinds                                     map[models.SanctionKind]int
	visits                                    int
	review                                    map[models.ReviewState]int
	visited                                   map[uint64]bool // members with an approved visit
	methods, types                            map[string]int
	recommended                               map[uint64]bool
	payFen, rectifiedFen                      int64
}

func (s *stats) init() {
	if s.kinds == nil {
		s.kinds, s.review, s.visited = map[models.SanctionKind]int{}, map[models.ReviewState]int{}, map[uint64]bool{}
		s.methods, s.types, s.recommended = map[string]int{}, map[string]int{}, map[uint64]bool{}
	}
}

func (s *stats) member(m *models.MemberMatch) {
	s.members++
	if m.Member.Key {
		s.key++
	}
}

func (s *stats) sanction(sc *models.ExportSanction) {
	s.init()
	s.sanctions++
	s.kinds[sc.Kind]++
	if sc.Enforced {
		s.enforced++
	}
	if sc.LiftedOn != nil {
		s.lifted++
	}
}

func (s *stats) visit(v *models.ExportVisit) {
	s.init()
	s.visits++
	s.review[v.Review]++
	if !v.Final() {
		return
	}
	s.visited[v.MemberID] = true
	for m := range strings.SplitSeq(v.Methods, ",") {
		s.methods[m]++
	}
	s.types[v.Type]++
	if v.Recommendation == models.RecommendPost {
		s.recommended[v.MemberID] = true
	}
	s.payFen += v.PayCorrectedFen
	s.rectifiedFen += v.RectifiedFen
}

// writeStats fills the 统计 sheet: what was exported, then label/value
// rows.
func (w *Workbook) writeStats() error {
	s := &w.stats
	s.init()
	sheet := w.tr.T("x_sheet_stats")
	period := w.tr.T("x_all_time")
	if !w.info.From.IsZero() {
		period = w.info.From.Format("2006-01-02") + " — " + w.info.To.Format("2006-01-02")
	}
	unit := w.info.Unit
	if unit == "" {
		unit = w.tr.T("x_whole_scope")
	}
	rows := [][2]any{
		{w.tr.T("x_st_unit"), unit},
		{w.tr.T("x_st_period"), period},
		{w.tr.T("x_st_generated"), w.info.Generated.In(w.info.Loc).Format("2006-01-02 15:04")},
		{nil, nil},
		{w.tr.T("x_st_members"), s.members},
		{w.tr.T("x_st_key"), s.key},
		{w.tr.T("x_st_sanctions"), s.sanctions},
	}
	for _, k := range models.SanctionKinds {
		if n := s.kinds[k]; n > 0 {
			rows = append(rows, [2]any{"　" + w.code("kind_", string(k)), n})
		}
	}
	rows = append(rows,
		[2]any{w.tr.T("x_st_enforced"), s.enforced},
		[2]any{w.tr.T("x_st_lifted"), s.lifted},
		[2]any{nil, nil},
		[2]any{w.tr.T("x_st_visits"), s.visits},
		[2]any{"　" + w.tr.T("x_review_approved"), s.review[models.ReviewApproved]},
		[2]any{"　" + w.tr.T("x_review_pending"), s.review[models.ReviewPending]},
		[2]any{"　" + w.tr.T("x_review_returned"), s.review[models.ReviewReturned]},
		[2]any{w.tr.T("x_st_final_note"), nil},
		[2]any{w.tr.T("x_st_visited"), len(s.visited)},
	)
	for _, m := range models.Methods {
		rows = append(rows, [2]any{w.tr.T("x_st_by_method", "Method", w.code("method_", m)), s.methods[m]})
	}
	for _, t := range models.VisitTypes {
		rows = append(rows, [2]any{w.tr.T("x_st_by_type", "Type", w.code("type_", t)), s.types[t]})
	}
	rows = append(rows,
		[2]any{w.tr.T("x_st_recommended"), len(s.recommended)},
		[2]any{w.tr.T("x_st_pay"), float64(s.payFen) / 100},
		[2]any{w.tr.T("x_st_rectified_pay"), float64(s.rectifiedFen) / 100},
	)
	if err := w.f.SetColWidth(sheet, "A", "A", 36); err != nil {
		return err
	}
	if err := w.f.SetColWidth(sheet, "B", "B", 30); err != nil {
		return err
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if v == nil {
				continue
			}
			c := w.cell(v)
			if ec, ok := c.(excelize.Cell); ok {
				if err := w.f.SetCellValue(sheet, cell, ec.Value); err != nil {
					return err
				}
				if err := w.f.SetCellStyle(sheet, cell, cell, ec.StyleID); err != nil {
					return err
				}
				continue
			}
			if s, ok := v.(string); ok {
				// SetCellStr: a text is never parsed as anything else.
				if err := w.f.SetCellStr(sheet, cell, s); err != nil {
					return err
				}
				continue
			}
			if err := w.f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	return nil
}
