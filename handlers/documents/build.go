package documents

import (
	"html"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/documents"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// The documents are the office's Chinese forms: their words come from the
// zh catalogue whatever the asker's language (the chat's caption is in
// theirs).

// dateStamp is the date in file names: 20261203.
const dateStamp = "20060102"

// FormFile is the record form of doc as a .docx and its file name
// (回访情况记录表_12_20261203.docx, or the talk form's title), made on
// now (the office's local time).
func FormFile(tr kit.Tr, office string, doc models.VisitDoc, now time.Time) (string, []byte, error) {
	today := models.DateOf(now)
	f := documents.Form{
		Talk:      strings.Contains(","+doc.Visit.Methods+",", ","+models.MethodTalk+","),
		Office:    office,
		Member:    member(tr, doc.Member, doc.UnitName),
		Sanctions: sanctions(tr, doc.Sanctions, today),
		Visit:     visitRecord(tr, doc.Visit, doc.Names),
		Printed:   tr.Date(today),
	}
	data, err := documents.FormDocx(f, now)
	if err != nil {
		return "", nil, err
	}
	return fileName(f.Title(), strconv.FormatUint(doc.Visit.ID, 10), now), data, nil
}

// ArchiveFile is the archive of doc as a .docx and its file name
// (回访教育档案_张三_20261203.docx), made on now.
func ArchiveFile(tr kit.Tr, office string, doc models.ArchiveDoc, now time.Time) (string, []byte, error) {
	today := models.DateOf(now)
	a := documents.Archive{
		Office:    office,
		Member:    member(tr, doc.Member, doc.UnitName),
		Sanctions: sanctions(tr, doc.Sanctions, today),
		Appraisal: doc.Member.UnitAppraisal,
		Printed:   tr.Date(today),
	}
	if d := doc.Member.UnitAppraisalDate; d != nil {
		a.AppraisalDate = tr.Date(*d)
	}
	for _, v := range doc.Visits {
		a.Visits = append(a.Visits, visitRecord(tr, v, doc.Names))
	}
	data, err := documents.ArchiveDocx(a, now)
	if err != nil {
		return "", nil, err
	}
	return fileName(a.Title(), doc.Member.Name, now), data, nil
}

// fileName is title_what_date.docx, what kept to letters, digits and
// marks a file name may hold.
func fileName(title, what string, now time.Time) string {
	what = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\<>:"|?*_ `, r) {
			return -1
		}
		return r
	}, what)
	if what == "" {
		what = "-"
	}
	return title + "_" + what + "_" + now.Format(dateStamp) + ".docx"
}

// plain is a rendering of kit (HTML for Telegram) as plain text.
func plain(s string) string { return html.UnescapeString(s) }

func member(tr kit.Tr, m models.Member, unit string) documents.Member {
	return documents.Member{Name: m.Name, Unit: unit, Post: m.Post, Category: tr.T("doc_rank_" + string(m.Rank))}
}

// sanctions are the sanctions in the documents' words, as of today.
func sanctions(tr kit.Tr, list []models.Sanction, today time.Time) []documents.Sanction {
	out := make([]documents.Sanction, 0, len(list))
	for _, sc := range list {
		kind := tr.T("kind_" + string(sc.Kind))
		if sc.Kind == models.PartyProbation && (sc.ProbationMonths == 12 || sc.ProbationMonths == 24) {
			kind += tr.T("probation_" + strconv.Itoa(sc.ProbationMonths))
		}
		d := documents.Sanction{
			DecisionNo: sc.DecisionNo, Kind: kind, DecisionDate: tr.Date(sc.DecisionDate), Effective: tr.Date(sc.EffectiveDate),
			Period: period(tr, sc), PeriodState: plain(kit.PeriodState(tr, sc, today)), Enforcement: enforcement(tr, sc),
			LiftNo: sc.LiftDecisionNo, LiftNote: tr.T("doc_ending_" + strconv.Itoa(int(models.EndingOf(sc.Kind)))),
		}
		if sc.Extended() {
			d.Extension = tr.T("doc_extended", "No", sc.ExtensionNo)
		}
		if sc.LiftedOn != nil {
			d.LiftedOn = tr.Date(*sc.LiftedOn)
		}
		out = append(out, d)
	}
	return out
}

// period is the length of a sanction's period in words.
func period(tr kit.Tr, sc models.Sanction) string {
	months, ok := models.PeriodMonths(sc.Kind, sc.ProbationMonths)
	if !ok || months == 0 {
		return tr.T("doc_no_period")
	}
	if sc.Extended() {
		months += 12
	}
	return tr.T("doc_months", "N", months)
}

// enforcement is whether the decision's execution was found in order.
func enforcement(tr kit.Tr, sc models.Sanction) string {
	switch {
	case !models.EnforcementChecked(sc.Kind):
		return tr.T("doc_enf_na")
	case sc.Enforced:
		return tr.T("doc_enf_ok")
	}
	return tr.T("doc_enf_open")
}

// visitRecord is a saved visit in the documents' words: every field that
// applies to it (visit.AppliedFields), its author and its review.
func visitRecord(tr kit.Tr, v models.Visit, names map[int64]string) documents.Visit {
	rec := documents.Visit{No: "#" + strconv.FormatUint(v.ID, 10), Day: v.Date, Date: tr.Date(v.Date),
		Review: review(tr, v, names), Final: v.Final()}
	if v.Review == models.ReviewReturned {
		rec.Note = v.ReviewNote
	}
	rv := reflect.ValueOf(v)
	for _, fd := range visit.AppliedFields(v) {
		if fd.Col == "" {
			continue
		}
		rec.Fields = append(rec.Fields, documents.Field{Label: tr.T("f_" + fd.Name),
			Value: fieldValue(tr, fd, rv.FieldByName(fd.Col)), Short: fd.Kind != wizard.Text})
	}
	rec.Fields = append(rec.Fields, documents.Field{Label: tr.T("doc_f_author"), Value: who(tr, names, v.AuthorID), Short: true})
	return rec
}

// fieldValue renders a column of a saved visit by its field's kind.
func fieldValue(tr kit.Tr, fd *wizard.Field[*visit.Draft], col reflect.Value) string {
	switch x := col.Interface().(type) {
	case time.Time:
		return tr.Date(x)
	case *time.Time:
		if x == nil {
			return ""
		}
		return tr.Date(*x)
	case bool:
		code := map[bool]string{true: "y", false: "n"}[x]
		if fd.Labels != "" {
			return tr.T(fd.Labels + code)
		}
		return tr.YesNo(x)
	case int64:
		return tr.T("doc_yuan", "Amount", kit.FormatFen(x))
	case string:
		switch {
		case x == "":
			return ""
		case fd.Kind == wizard.Multi:
			return tr.Labels(fd.Labels, strings.Split(x, ","))
		case fd.Kind == wizard.Choice:
			return tr.T(fd.Labels + x)
		}
		return x
	}
	return ""
}

// review is the visit's review state in words, with who and when.
func review(tr kit.Tr, v models.Visit, names map[int64]string) string {
	state := tr.T("doc_review_" + string(v.Review))
	if v.Review == "" {
		state = tr.T("doc_review_" + string(models.ReviewApproved))
	}
	if v.Review == models.ReviewPending || v.ReviewerID == nil || v.ReviewedAt == nil {
		return state // a visit sent back for review again names no reviewer yet
	}
	return tr.T("doc_review_by", "State", state, "By", who(tr, names, *v.ReviewerID), "Date", tr.Date(models.DateOf(*v.ReviewedAt)))
}

// who is a user's name, or their Telegram id when they are not registered.
func who(tr kit.Tr, names map[int64]string, id int64) string {
	if n := names[id]; n != "" {
		return n
	}
	return tr.T("doc_user_id", "ID", id)
}
