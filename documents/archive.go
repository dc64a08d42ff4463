package documents

import "time"

// Archive is a member's archive (回访教育档案): the sanction decisions,
// the unit's appraisal, the visits and the restoration or lifting record.
type Archive struct {
	Office        string
	Member        Member
	Sanctions     []Sanction
	Appraisal     string // 单位鉴定; "" when none is recorded
	AppraisalDate string
	Visits        []Visit // in any order: the archive sorts them by date
	Printed       string
}

// Title is the archive's title.
func (Archive) Title() string { return "回访教育档案" }

// Widths of the archive's tables, in twips (they add up to textWidth).
var (
	sanctionWidths = []int{1400, 950, 1650, 1650, 800, 1762, 1200}
	liftWidths     = []int{1600, 1100, 2000, 1450, 1600, 1662}
)

type sanctionView struct {
	No, Kind, Decided, Effective, Period, State, Enforcement, Extension Text
	LiftedOn, LiftNo, LiftNote                                          Text
}

type visitView struct {
	Heading Text
	Rows    []row
}

type archiveView struct {
	Title, Office, Printed, Appraisal, AppraisalDate Text
	Member                                           memberView
	DecisionNos                                      Text
	Sanctions                                        []sanctionView
	Final, Apart                                     []visitView
	SanctionW, LiftW                                 []int
	LabelW, WideW, TextW                             int
}

// ArchiveDocx writes the archive as a .docx; at is when it is made. The
// approved visits are the record, in date order; pending and returned
// ones are listed apart, also in date order.
func ArchiveDocx(a Archive, at time.Time) ([]byte, error) {
	v := archiveView{
		Title: Text(a.Title()), Office: Text(a.Office), Printed: Text(a.Printed), Appraisal: Text(a.Appraisal),
		AppraisalDate: Text(a.AppraisalDate), Member: viewMember(a.Member),
		SanctionW: sanctionWidths, LiftW: liftWidths, LabelW: labelWidth, WideW: wideWidth, TextW: textWidth,
	}
	var nos string
	for i, s := range a.Sanctions {
		if i > 0 {
			nos += "\n"
		}
		nos += s.DecisionNo + "（" + s.Kind + "）"
		v.Sanctions = append(v.Sanctions, sanctionView{
			No: Text(s.DecisionNo), Kind: Text(s.Kind), Decided: Text(s.DecisionDate), Effective: Text(s.Effective),
			Period: Text(s.Period), State: Text(s.PeriodState), Enforcement: Text(s.Enforcement), Extension: Text(s.Extension),
			LiftedOn: Text(s.LiftedOn), LiftNo: Text(s.LiftNo), LiftNote: Text(s.LiftNote),
		})
	}
	v.DecisionNos = Text(nos)
	for _, vis := range sortVisits(a.Visits) {
		heading := vis.Date + "　回访记录 " + vis.No + "　" + vis.Review
		vv := visitView{Heading: Text(heading), Rows: archiveRows(vis)}
		if vis.Final {
			v.Final = append(v.Final, vv)
		} else {
			v.Apart = append(v.Apart, vv)
		}
	}
	return pack(archiveBody, v, a.Title()+" "+a.Member.Name, at)
}

// archiveRows are a visit's fields one to a row, then its review.
func archiveRows(v Visit) []row {
	out := make([]row, 0, len(v.Fields)+2)
	for _, f := range v.Fields {
		out = append(out, row{L1: Text(f.Label), V1: Text(f.Value)})
	}
	out = append(out, row{L1: "审核情况", V1: Text(v.Review)})
	if v.Note != "" {
		out = append(out, row{L1: "退回意见", V1: Text(v.Note)})
	}
	return out
}
