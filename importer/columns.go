package importer

import (
	"fmt"
	"strings"
)

// sheetKind says which records a sheet holds.
type sheetKind int

const (
	kindUnknown sheetKind = iota
	kindMembers
	kindSanctions
)

// String returns the sheet's name in rejections: "members" or "sanctions".
func (k sheetKind) String() string {
	switch k {
	case kindMembers:
		return "members"
	case kindSanctions:
		return "sanctions"
	}
	return ""
}

// field is one column's meaning.
type field int

const (
	fName field = iota
	fUnit
	fPost
	fRank
	fKey
	fKeyReason
	fKind
	fProbation
	fDecisionNo
	fDecisionDate
	fEffectiveDate
	numFields
)

// column describes one column of the template.
type column struct {
	field    field
	zh, en   string   // template header and its English alternative
	aliases  []string // other headers accepted
	required bool
	width    float64 // in the template, in characters
}

// memberColumns and sanctionColumns are the sheets' columns in template order.
var (
	memberColumns = []column{
		{fName, "姓名", "name", nil, true, 12},
		{fUnit, "单位", "unit", []string{"所在单位", "工作单位"}, true, 28},
		{fPost, "职务", "post", nil, false, 20},
		{fRank, "人员类别", "category", []string{"职级", "rank"}, false, 14},
		{fKey, "是否重点", "key", []string{"重点对象", "是否重点对象"}, false, 10},
		{fKeyReason, "重点原因", "key_reason", nil, false, 32},
	}
	sanctionColumns = []column{
		{fName, "姓名", "name", nil, true, 12},
		{fUnit, "单位", "unit", []string{"所在单位", "工作单位"}, true, 28},
		{fKind, "处分种类", "kind", []string{"处分类型"}, true, 16},
		{fProbation, "处分期限(月)", "probation_months", []string{"处分期限", "察看期限(月)", "留党察看期限(月)"}, false, 14},
		{fDecisionNo, "文号", "decision_no", []string{"处分文号", "决定文号"}, true, 24},
		{fDecisionDate, "决定日期", "decision_date", []string{"处分决定日期", "处分日期"}, true, 14},
		{fEffectiveDate, "生效日期", "effective_date", nil, false, 14},
	}
)

func columnsOf(k sheetKind) []column {
	if k == kindSanctions {
		return sanctionColumns
	}
	return memberColumns
}

// columnIndex maps a header key to its column, per sheet kind.
var columnIndex = map[sheetKind]map[string]column{
	kindMembers:   indexColumns(memberColumns),
	kindSanctions: indexColumns(sanctionColumns),
}

func indexColumns(cols []column) map[string]column {
	m := map[string]column{}
	for _, c := range cols {
		for _, h := range append([]string{c.zh, c.en}, c.aliases...) {
			m[labelKey(h)] = c
		}
	}
	return m
}

// HeaderError details ErrHeaders: which sheet and which headers. It
// matches ErrHeaders with errors.Is.
type HeaderError struct {
	Sheet     string   // sheet name in the workbook; "" for a CSV file
	Kind      string   // "members" or "sanctions"; "" when the headers fit neither
	Missing   []string // required columns absent, by their template header
	Unknown   []string // headers, as in the file, that belong to no column
	Duplicate []string // headers, as in the file, given twice
}

// Error describes the headers that are wrong.
func (e *HeaderError) Error() string {
	var b strings.Builder
	b.WriteString(ErrHeaders.Error())
	if e.Sheet != "" {
		fmt.Fprintf(&b, ": sheet %q", e.Sheet)
	}
	if e.Kind != "" {
		fmt.Fprintf(&b, " (%s)", e.Kind)
	}
	for _, part := range []struct {
		what string
		list []string
	}{{"missing", e.Missing}, {"unknown", e.Unknown}, {"duplicate", e.Duplicate}} {
		if len(part.list) > 0 {
			fmt.Fprintf(&b, "; %s %q", part.what, part.list)
		}
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrHeaders) true.
func (e *HeaderError) Unwrap() error { return ErrHeaders }

// binding ties a sheet's columns, by position, to fields.
type binding struct {
	kind    sheetKind
	byPos   []field           // field of each column; numFields for none
	pos     [numFields]int    // position of each field; -1 when absent
	header  [numFields]string // header text as in the file
	english bool              // headers are in English: name absent columns so
}

// detectKind decides from a header row which sheet a CSV file or an
// unnamed sheet holds: the kind more of whose own columns appear; with
// only 姓名 and 单位, members.
func detectKind(cells []string) sheetKind {
	var own [3]int
	shared := 0
	for _, c := range cells {
		k := labelKey(c)
		if col, ok := columnIndex[kindMembers][k]; ok && (col.field == fName || col.field == fUnit) {
			shared++
			continue
		}
		for _, kind := range []sheetKind{kindMembers, kindSanctions} {
			if _, ok := columnIndex[kind][k]; ok {
				own[kind]++
			}
		}
	}
	switch {
	case own[kindSanctions] > own[kindMembers]:
		return kindSanctions
	case own[kindMembers] > 0 || shared > 0:
		return kindMembers
	}
	return kindUnknown
}

// bind reads a header row for a sheet of kind k.
func bind(sheet string, k sheetKind, cells []string) (*binding, error) {
	b := &binding{kind: k, byPos: make([]field, len(cells))}
	for f := range b.pos {
		b.pos[f] = -1
	}
	herr := &HeaderError{Sheet: sheet, Kind: k.String()}
	english := 0
	for i, c := range cells {
		b.byPos[i] = numFields
		h := cleanValue(c)
		if h == "" {
			continue
		}
		col, ok := columnIndex[k][labelKey(h)]
		switch {
		case !ok:
			herr.Unknown = append(herr.Unknown, h)
		case b.pos[col.field] >= 0:
			herr.Duplicate = append(herr.Duplicate, h)
		default:
			b.byPos[i], b.pos[col.field], b.header[col.field] = col.field, i, h
			if labelKey(h) == labelKey(col.en) {
				english++
			}
		}
	}
	b.english = english > 0
	for _, col := range columnsOf(k) {
		if k != kindUnknown && col.required && b.pos[col.field] < 0 {
			herr.Missing = append(herr.Missing, b.name(col))
		}
	}
	if len(herr.Missing)+len(herr.Unknown)+len(herr.Duplicate) > 0 {
		return nil, herr
	}
	return b, nil
}

// name is a column's header for messages: as in the file when present,
// else the template's in the file's language.
func (b *binding) name(col column) string {
	if h := b.header[col.field]; h != "" {
		return h
	}
	if b.english {
		return col.en
	}
	return col.zh
}

// columnName is name for a field.
func (b *binding) columnName(f field) string {
	for _, col := range columnsOf(b.kind) {
		if col.field == f {
			return b.name(col)
		}
	}
	return ""
}
