package export

import (
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// column is one column of a sheet: its header (a catalogue id), its width
// in characters and the value of a row's cell: a string, a date
// (time.Time, shown as a date), a number, or nil for an empty cell.
type column[T any] struct {
	head  string
	width float64
	value func(w *Workbook, r T) any
}

// Widths of the columns, in characters.
const (
	narrow = 10
	medium = 16
	wide   = 40
)

var memberColumns = []column[*models.MemberMatch]{
	{"x_col_member_no", narrow, func(_ *Workbook, m *models.MemberMatch) any { return m.Member.ID }},
	{"x_col_name", narrow, func(_ *Workbook, m *models.MemberMatch) any { return m.Member.Name }},
	{"x_col_unit", medium + 8, func(_ *Workbook, m *models.MemberMatch) any { return m.UnitName }},
	{"x_col_post", medium, func(_ *Workbook, m *models.MemberMatch) any { return m.Member.Post }},
	{"x_col_rank", medium, func(w *Workbook, m *models.MemberMatch) any { return w.code("rank_", string(m.Member.Rank)) }},
	{"x_col_key", narrow, func(w *Workbook, m *models.MemberMatch) any { return w.yesNo(m.Member.Key) }},
	{"x_col_key_reason", medium, func(_ *Workbook, m *models.MemberMatch) any { return m.Member.KeyReason }},
	{"x_col_interval", narrow, func(_ *Workbook, m *models.MemberMatch) any { return optInt(m.Member.IntervalMonths) }},
	{"x_col_appraisal", wide, func(_ *Workbook, m *models.MemberMatch) any { return m.Member.UnitAppraisal }},
	{"x_col_appraisal_date", medium, func(_ *Workbook, m *models.MemberMatch) any { return optDate(m.Member.UnitAppraisalDate) }},
}

var sanctionColumns = []column[*models.ExportSanction]{
	{"x_col_sanction_no", narrow, func(_ *Workbook, s *models.ExportSanction) any { return s.ID }},
	{"x_col_member_no", narrow, func(_ *Workbook, s *models.ExportSanction) any { return s.MemberID }},
	{"x_col_name", narrow, func(_ *Workbook, s *models.ExportSanction) any { return s.MemberName }},
	{"x_col_unit", medium + 8, func(_ *Workbook, s *models.ExportSanction) any { return s.UnitName }},
	{"x_col_kind", medium, func(w *Workbook, s *models.ExportSanction) any { return w.code("kind_", string(s.Kind)) }},
	{"x_col_decision_no", medium + 4, func(_ *Workbook, s *models.ExportSanction) any { return s.DecisionNo }},
	{"x_col_decision_date", medium, func(_ *Workbook, s *models.ExportSanction) any { return s.DecisionDate }},
	{"x_col_effective_date", medium, func(_ *Workbook, s *models.ExportSanction) any { return s.EffectiveDate }},
	{"x_col_probation", narrow, func(_ *Workbook, s *models.ExportSanction) any { return optInt(s.ProbationMonths) }},
	{"x_col_extension_no", medium, func(_ *Workbook, s *models.ExportSanction) any { return s.ExtensionNo }},
	{"x_col_period_end", medium, func(_ *Workbook, s *models.ExportSanction) any { return optDate(s.PeriodEnd) }},
	{"x_col_category", medium, func(w *Workbook, s *models.ExportSanction) any { return w.code("rank_", string(s.Category)) }},
	{"x_col_enforced", narrow, func(w *Workbook, s *models.ExportSanction) any { return w.yesNo(s.Enforced) }},
	{"x_col_lifted_on", medium, func(_ *Workbook, s *models.ExportSanction) any { return optDate(s.LiftedOn) }},
	{"x_col_lift_no", medium, func(_ *Workbook, s *models.ExportSanction) any { return s.LiftDecisionNo }},
}

// visitColumns follow the visit form's field table (handlers/visit
// fields.go) in its order, with the record's identity first and the
// marks and review after.
var visitColumns = []column[*models.ExportVisit]{
	{"x_col_visit_no", narrow, func(_ *Workbook, v *models.ExportVisit) any { return v.ID }},
	{"x_col_member_no", narrow, func(_ *Workbook, v *models.ExportVisit) any { return v.MemberID }},
	{"x_col_name", narrow, func(_ *Workbook, v *models.ExportVisit) any { return v.MemberName }},
	{"x_col_unit", medium + 8, func(_ *Workbook, v *models.ExportVisit) any { return v.UnitName }},
	{"x_col_sanctions", medium + 4, func(_ *Workbook, v *models.ExportVisit) any { return strings.Join(v.DecisionNos, "；") }},
	{"x_col_date", medium, func(_ *Workbook, v *models.ExportVisit) any { return v.Date }},
	{"x_col_methods", medium + 4, func(w *Workbook, v *models.ExportVisit) any { return w.codes("method_", v.Methods) }},
	{"x_col_type", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("type_", v.Type) }},
	{"x_col_inspectors", medium, func(_ *Workbook, v *models.ExportVisit) any { return v.Inspectors }},
	{"x_col_participants", medium, func(_ *Workbook, v *models.ExportVisit) any { return v.Participants }},
	{"x_col_thinking", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Thinking }},
	{"x_col_work", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Work }},
	{"x_col_ap_morality", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("concl_", v.AppraisalMorality) }},
	{"x_col_ap_ability", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("concl_", v.AppraisalAbility) }},
	{"x_col_ap_diligence", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("concl_", v.AppraisalDiligence) }},
	{"x_col_ap_results", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("concl_", v.AppraisalResults) }},
	{"x_col_ap_integrity", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("concl_", v.AppraisalIntegrity) }},
	{"x_col_ap_note", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.AppraisalNote }},
	{"x_col_difficulties", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Difficulties }},
	{"x_col_opinions", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Opinions }},
	{"x_col_study", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Study }},
	{"x_col_rectification", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Rectification }},
	{"x_col_case_view", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.CaseView }},
	{"x_col_loopholes", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Loopholes }},
	{"x_col_help", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Help }},
	{"x_col_guidance", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Guidance }},
	{"x_col_requests", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.Requests }},
	{"x_col_requests_met", medium, func(_ *Workbook, v *models.ExportVisit) any { return optDate(v.RequestsMetOn) }},
	{"x_col_enforcement", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.yesNo(v.EnforcementOK) }},
	{"x_col_problem", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.EnforcementProblem }},
	{"x_col_pay", medium, func(_ *Workbook, v *models.ExportVisit) any { return yuan(v.PayCorrectedFen) }},
	{"x_col_rectified_on", medium, func(_ *Workbook, v *models.ExportVisit) any { return optDate(v.RectifiedOn) }},
	{"x_col_rectified_pay", medium, func(_ *Workbook, v *models.ExportVisit) any { return yuan(v.RectifiedFen) }},
	{"x_col_conclusion", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("concl_", v.Conclusion) }},
	{"x_col_recommendation", medium + 4, func(w *Workbook, v *models.ExportVisit) any { return w.code("rec_", v.Recommendation) }},
	{"x_col_feedback", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.yesNo(v.FeedbackUnit) }},
	{"x_col_branch", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.yesNo(v.BranchInformed) }},
	{"x_col_next", medium, func(_ *Workbook, v *models.ExportVisit) any { return optDate(v.NextVisit) }},
	{"x_col_review", narrow, func(w *Workbook, v *models.ExportVisit) any { return w.code("x_review_", string(v.Review)) }},
	{"x_col_reviewer", narrow, func(_ *Workbook, v *models.ExportVisit) any { return v.ReviewerName }},
	{"x_col_reviewed_at", medium, func(w *Workbook, v *models.ExportVisit) any { return w.localDate(v.ReviewedAt) }},
	{"x_col_review_note", wide, func(_ *Workbook, v *models.ExportVisit) any { return v.ReviewNote }},
	{"x_col_author", narrow, func(_ *Workbook, v *models.ExportVisit) any { return v.AuthorName }},
	{"x_col_created", medium, func(w *Workbook, v *models.ExportVisit) any { return w.localDate(&v.CreatedAt) }},
}

// optDate is a date cell, empty for none.
func optDate(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return *t
}

// optInt is a number cell, empty for 0.
func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// yuan is an amount in fen as a number of yuan, empty for 0.
func yuan(fen int64) any {
	if fen == 0 {
		return nil
	}
	return float64(fen) / 100
}
