package documents

import (
	"slices"
	"time"
)

// Field is one answer of a visit record: its label and its value, both
// display-ready. A Short one (a date, a choice, an amount) may share a row
// of the form with the next short one; the others fill a row.
type Field struct {
	Label, Value string
	Short        bool
}

// Member is who a document is about.
type Member struct {
	Name, Unit, Post, Category string
}

// Sanction is one sanction decision as the documents show it.
type Sanction struct {
	DecisionNo   string // 文号
	Kind         string // the kind in words, with the length of a probation
	DecisionDate string
	Effective    string
	Period       string // its length in words ("12个月", "无期限")
	PeriodState  string // where the period stands (影响期至…, 察看期至…)
	Enforcement  string // 处分决定执行落实情况
	Extension    string // the extension of a probation, or ""
	// Lift is the restoration or lifting record (恢复党员权利、解除处分):
	// LiftedOn the date, LiftNo its 文号, both "" when none.
	LiftedOn, LiftNo string
	LiftNote         string // what the end of the period means for this kind
}

// Visit is one visit record as the documents show it.
type Visit struct {
	No     string    // the visit's number
	Day    time.Time // its date, for the order of the archive
	Date   string    // its date in words
	Review string    // 待审核, 已审核 or 退回修改, with who and when
	Final  bool      // approved: counts as the final record
	Note   string    // a returned visit's comment
	Fields []Field
}

// Form is the record form of one visit.
type Form struct {
	Talk      bool // a heart-to-heart talk: the talk form's title
	Office    string
	Member    Member
	Sanctions []Sanction // those the visit was about
	Visit     Visit
	Printed   string // the date it was made, in words
}

// Title is the form's title: the talk form's when the visit included a
// heart-to-heart talk.
func (f Form) Title() string {
	if f.Talk {
		return "受纪律处分人员谈心回访情况登记表"
	}
	return "回访情况记录表"
}

// Widths of the form's grid, in twips: A4 (11906) less two 2.2 cm
// margins (1247 each) is 9412.
const (
	textWidth  = 9412
	labelWidth = 1900
	valueWidth = (textWidth - 2*labelWidth) / 2 // 3146
	wideWidth  = textWidth - labelWidth         // 7852
)

// row is one row of the form's field grid: one wide field, or two short
// ones side by side.
type row struct {
	Pair           bool
	L1, V1, L2, V2 Text
	Tall           bool // a wide text row: room to write by hand
}

type formView struct {
	Title, Office, No, Review, Note, Printed Text
	Member                                   memberView
	Sanctions                                Text
	Rows                                     []row
	LabelW, ValueW, WideW, TextW             int
}

type memberView struct{ Name, Unit, Post, Category Text }

func viewMember(m Member) memberView {
	return memberView{Text(m.Name), Text(m.Unit), Text(m.Post), Text(m.Category)}
}

// rows lays fields out as an office form does: the short fields first,
// two to a row, then the texts one to a row, each group in the order given.
func rows(fields []Field) []row {
	var short, long []Field
	for _, f := range fields {
		if f.Short {
			short = append(short, f)
		} else {
			long = append(long, f)
		}
	}
	fields = append(short, long...)
	var out []row
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f.Short && i+1 < len(fields) && fields[i+1].Short {
			g := fields[i+1]
			out = append(out, row{Pair: true, L1: Text(f.Label), V1: Text(f.Value), L2: Text(g.Label), V2: Text(g.Value)})
			i++
			continue
		}
		out = append(out, row{L1: Text(f.Label), V1: Text(f.Value), Tall: !f.Short})
	}
	return out
}

// sanctionLines is the sanctions in one cell, a line each.
func sanctionLines(sc []Sanction) Text {
	var s string
	for i, x := range sc {
		if i > 0 {
			s += "\n"
		}
		s += x.Kind + "　" + x.DecisionNo + "　" + x.DecisionDate + "决定"
		if x.PeriodState != "" {
			s += "　" + x.PeriodState
		}
	}
	return Text(s)
}

// FormDocx writes the record form as a .docx; at is when it is made.
func FormDocx(f Form, at time.Time) ([]byte, error) {
	v := formView{
		Title: Text(f.Title()), Office: Text(f.Office), No: Text(f.Visit.No), Review: Text(f.Visit.Review),
		Note: Text(f.Visit.Note), Printed: Text(f.Printed), Member: viewMember(f.Member),
		Sanctions: sanctionLines(f.Sanctions), Rows: rows(f.Visit.Fields),
		LabelW: labelWidth, ValueW: valueWidth, WideW: wideWidth, TextW: textWidth,
	}
	return pack(formBody, v, f.Title(), at)
}

// sortVisits puts visits in date order, those of one day as given.
func sortVisits(vs []Visit) []Visit {
	out := slices.Clone(vs)
	slices.SortStableFunc(out, func(a, b Visit) int { return a.Day.Compare(b.Day) })
	return out
}
