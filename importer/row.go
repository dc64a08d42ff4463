package importer

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huifang/huifang/models"
)

// rowReader checks one data row's cells, collecting a rejection for each
// cell that fails; a row with any rejection is left out.
type rowReader struct {
	b     *binding
	cells []string
	row   int
	rej   []models.ImportRejection
	bad   [numFields]bool // a rejection names this field already
}

// member reads a row of the members sheet.
func (r *rowReader) member() (models.ImportMember, bool) {
	r.checkExtra()
	m := models.ImportMember{Row: r.row}
	m.Name = r.name()
	m.UnitName = r.unit()
	m.Post = r.limited(fPost, maxPost, "", reasonPostTooLong)
	if s, ok := r.text(fRank, cleanValue); ok {
		rank, known := parseRank(s)
		if !known {
			r.reject(fRank, reasonRankUnknown)
		}
		m.Rank = rank
	}
	if s, ok := r.text(fKey, cleanValue); ok {
		key, known := parseKey(s)
		if !known {
			r.reject(fKey, reasonKeyInvalid)
		}
		m.Key = key
	}
	m.KeyReason = r.limited(fKeyReason, maxKeyReason, "", reasonKeyReasonTooLong)
	if m.Key && m.KeyReason == "" && !r.bad[fKeyReason] {
		r.reject(fKeyReason, reasonKeyReasonMissing)
	}
	return m, len(r.rej) == 0
}

// sanction reads a row of the sanctions sheet; today is UTC midnight or
// zero (no check for decisions in the future).
func (r *rowReader) sanction(sys dateSystem, today time.Time) (models.ImportSanction, bool) {
	r.checkExtra()
	s := models.ImportSanction{Row: r.row}
	s.MemberName = r.name()
	s.UnitName = r.unit()
	info, kindOK := r.kind()
	s.Kind = info.kind
	s.ProbationMonths = r.probation(info, kindOK)
	s.DecisionNo = r.limited(fDecisionNo, maxDecisionNo, reasonDecisionNoEmpty, reasonDecisionNoTooLong)
	s.DecisionDate, s.EffectiveDate = r.dates(sys, today)
	return s, len(r.rej) == 0
}

func (r *rowReader) reject(f field, reason string) {
	r.bad[f] = true
	r.rej = append(r.rej, models.ImportRejection{
		Sheet: r.b.kind.String(), Row: r.row, Column: r.b.columnName(f), Reason: reason,
	})
}

// text returns field f's cell cleaned by clean ("" when the column is
// absent), and false when the cell was refused as a formula.
func (r *rowReader) text(f field, clean func(string) string) (string, bool) {
	i := r.b.pos[f]
	if i < 0 || i >= len(r.cells) {
		return "", true
	}
	raw := r.cells[i]
	s := clean(raw)
	if isFormula(raw, s) {
		r.reject(f, reasonFormula)
		return "", false
	}
	return s, true
}

// checkExtra refuses a row with text in a column that has no header: in a
// CSV file that is usually a stray comma shifting the columns.
func (r *rowReader) checkExtra() {
	for i, c := range r.cells {
		if i < len(r.b.byPos) && r.b.byPos[i] != numFields {
			continue
		}
		if !isBlank(c) {
			r.rej = append(r.rej, models.ImportRejection{
				Sheet: r.b.kind.String(), Row: r.row, Column: columnLetters(i), Reason: reasonExtraCells,
			})
			return
		}
	}
}

// name reads 姓名.
func (r *rowReader) name() string {
	s, ok := r.text(fName, CleanName)
	switch {
	case !ok:
	case s == "":
		r.reject(fName, reasonNameEmpty)
	case utf8.RuneCountInString(s) > maxName:
		r.reject(fName, reasonNameTooLong)
	}
	return s
}

// unit reads 单位: a unit name or a path of names separated by "/".
func (r *rowReader) unit() string {
	s, ok := r.text(fUnit, CleanText)
	if !ok {
		return ""
	}
	parts := strings.Split(strings.ReplaceAll(s, "／", "/"), "/")
	kept := parts[:0]
	tooLong := false
	for _, p := range parts {
		if p = CleanName(p); p != "" {
			kept = append(kept, p)
			tooLong = tooLong || utf8.RuneCountInString(p) > maxUnitName
		}
	}
	path := strings.Join(kept, "/")
	switch {
	case path == "":
		r.reject(fUnit, reasonUnitEmpty)
	case tooLong || utf8.RuneCountInString(path) > maxUnitPath:
		r.reject(fUnit, reasonUnitTooLong)
	}
	return path
}

// limited reads a free-text cell of at most max runes; empty is the code
// for an empty cell ("" when the cell is optional).
func (r *rowReader) limited(f field, max int, empty, tooLong string) string {
	s, ok := r.text(f, CleanText)
	switch {
	case !ok:
	case s == "" && empty != "":
		r.reject(f, empty)
	case utf8.RuneCountInString(s) > max:
		r.reject(f, tooLong)
	}
	return s
}

// kind reads 处分种类.
func (r *rowReader) kind() (kindInfo, bool) {
	s, ok := r.text(fKind, cleanValue)
	if !ok {
		return kindInfo{}, false
	}
	info, reason := parseKind(s)
	if reason != "" {
		r.reject(fKind, reason)
		return kindInfo{}, false
	}
	return info, true
}

// probation reads 处分期限(月): 12 or 24 for 留党察看 (here or in the kind
// cell, which must then agree), nothing for the other kinds.
func (r *rowReader) probation(info kindInfo, kindOK bool) int {
	s, ok := r.text(fProbation, cleanValue)
	if !ok || !kindOK {
		return 0
	}
	months, given := parseProbation(s)
	if info.kind != models.PartyProbation {
		if given {
			r.reject(fProbation, reasonProbationMonths)
		}
		return 0
	}
	switch {
	case given && (months == 0 || info.months != 0 && months != info.months),
		!given && info.months == 0:
		r.reject(fProbation, reasonProbationMonths)
		return 0
	case given:
		return months
	}
	return info.months
}

// dates reads 决定日期 and 生效日期; an empty effective date is the
// decision date.
func (r *rowReader) dates(sys dateSystem, today time.Time) (decision, effective time.Time) {
	decision, decOK := r.date(fDecisionDate, sys, true)
	if decOK && !today.IsZero() && decision.After(today) {
		r.reject(fDecisionDate, reasonDateFuture)
		decOK = false
	}
	effective, effOK := r.date(fEffectiveDate, sys, false)
	switch {
	case !decOK || !effOK:
	case effective.IsZero():
		effective = decision
	case effective.Before(decision):
		r.reject(fEffectiveDate, reasonEffectiveBefore)
	}
	return decision, effective
}

// date reads one date cell; false after a rejection.
func (r *rowReader) date(f field, sys dateSystem, required bool) (time.Time, bool) {
	s, ok := r.text(f, cleanValue)
	switch {
	case !ok:
		return time.Time{}, false
	case s == "" && required:
		r.reject(f, reasonDateEmpty)
		return time.Time{}, false
	case s == "":
		return time.Time{}, true
	}
	t, reason := parseDate(s, sys)
	if reason != "" {
		r.reject(f, reason)
		return time.Time{}, false
	}
	return t, true
}

// columnLetters names the column at 0-based position i as a spreadsheet
// does: A, B, ..., Z, AA.
func columnLetters(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}
