package importer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
)

// rowCase is one data row, read from row 2 of a sheet with the template's
// headers, in both formats.
type rowCase struct {
	name     string
	cells    []string
	member   *models.ImportMember   // want, Row left 0 (the test sets 2)
	sanction *models.ImportSanction // want, Row left 0
	rejected []string               // want, as "column:reason"
}

var memberCases = []rowCase{
	{name: "OK", cells: []string{"张三", "东湖镇"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "OKAllColumns", cells: []string{"李四", "东湖镇/机关党支部", "副镇长", "科级领导干部", "是", "对处分不服"},
		member: &models.ImportMember{Name: "李四", UnitName: "东湖镇/机关党支部", Post: "副镇长", Rank: models.RankSectionCadre, Key: true, KeyReason: "对处分不服"}},
	{name: "NamePaddedFullWidthSpace", cells: []string{"  张\u3000三 ", " 东湖镇 ／ 机关党支部 "},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇/机关党支部", Rank: models.RankOther}},
	{name: "NameFullWidthASCII", cells: []string{"Ｊｏｈｎ\u3000\u3000Ｓｍｉｔｈ", "东湖镇"},
		member: &models.ImportMember{Name: "John Smith", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "NameZeroWidth", cells: []string{"\u200b张\u200d三\ufeff", "东湖镇"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "NameCompatIdeographKept", cells: []string{"金\uf900", "东湖镇"},
		member: &models.ImportMember{Name: "金\uf900", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "NameMiddleDotKept", cells: []string{"阿依古丽·买买提", "东湖镇"},
		member: &models.ImportMember{Name: "阿依古丽·买买提", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "NameEmpty", cells: []string{"", "东湖镇"}, rejected: []string{"姓名:name_empty"}},
	{name: "NameInvisibleOnly", cells: []string{"\u200b\u3000", "东湖镇"}, rejected: []string{"姓名:name_empty"}},
	{name: "NameTooLong", cells: []string{strings.Repeat("张", 65), "东湖镇"}, rejected: []string{"姓名:name_too_long"}},
	{name: "Name64OK", cells: []string{strings.Repeat("张", 64), "东湖镇"},
		member: &models.ImportMember{Name: strings.Repeat("张", 64), UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "UnitEmpty", cells: []string{"张三", " / "}, rejected: []string{"单位:unit_empty"}},
	{name: "UnitTooLong", cells: []string{"张三", "东湖镇/" + strings.Repeat("支", 129)}, rejected: []string{"单位:unit_too_long"}},
	{name: "FormulaName", cells: []string{"=HYPERLINK(\"x\")", "东湖镇"}, rejected: []string{"姓名:formula"}},
	{name: "FormulaAfterTab", cells: []string{"\t=1+1", "东湖镇"}, rejected: []string{"姓名:formula"}},
	{name: "FormulaAfterCR", cells: []string{"张三", "\r@SUM(A1)"}, rejected: []string{"单位:formula"}},
	{name: "FormulaPlus", cells: []string{"张三", "东湖镇", "+86"}, rejected: []string{"职务:formula"}},
	{name: "FormulaMinus", cells: []string{"张三", "东湖镇", "-"}, rejected: []string{"职务:formula"}},
	{name: "FormulaFullWidth", cells: []string{"张三", "东湖镇", "＝1+1"}, rejected: []string{"职务:formula"}},
	{name: "FormulaInKeyReason", cells: []string{"张三", "东湖镇", "", "", "是", "@x"}, rejected: []string{"重点原因:formula"}},
	{name: "FormulaInRank", cells: []string{"张三", "东湖镇", "", "-1"}, rejected: []string{"人员类别:formula"}},
	{name: "PostTooLong", cells: []string{"张三", "东湖镇", strings.Repeat("职", 129)}, rejected: []string{"职务:post_too_long"}},
	{name: "RankCivilServant", cells: []string{"张三", "东湖镇", "", "国家公务员"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankCivilServant}},
	{name: "RankAlias", cells: []string{"张三", "东湖镇", "", "公务员"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankCivilServant}},
	{name: "RankCode", cells: []string{"张三", "东湖镇", "", "Section_Cadre"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankSectionCadre}},
	{name: "RankOther", cells: []string{"张三", "东湖镇", "", "其他"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "RankUnknown", cells: []string{"张三", "东湖镇", "", "处级"}, rejected: []string{"人员类别:rank_unknown"}},
	{name: "KeyYes", cells: []string{"张三", "东湖镇", "", "", "Y", "有对立情绪"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther, Key: true, KeyReason: "有对立情绪"}},
	{name: "KeyTrueWithSpaces", cells: []string{"张三", "东湖镇", "", "", " TRUE ", "有对立情绪"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther, Key: true, KeyReason: "有对立情绪"}},
	{name: "KeyNo", cells: []string{"张三", "东湖镇", "", "", "否"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "KeyZero", cells: []string{"张三", "东湖镇", "", "", "0"},
		member: &models.ImportMember{Name: "张三", UnitName: "东湖镇", Rank: models.RankOther}},
	{name: "KeyInvalid", cells: []string{"张三", "东湖镇", "", "", "可能"}, rejected: []string{"是否重点:key_invalid"}},
	{name: "KeyReasonMissing", cells: []string{"张三", "东湖镇", "", "", "是"}, rejected: []string{"重点原因:key_reason_missing"}},
	{name: "KeyReasonTooLong", cells: []string{"张三", "东湖镇", "", "", "是", strings.Repeat("因", 257)}, rejected: []string{"重点原因:key_reason_too_long"}},
	{name: "ExtraCells", cells: []string{"张三", "东湖镇", "", "", "", "", "多余"}, rejected: []string{"G:extra_cells"}},
	{name: "SeveralFailures", cells: []string{"=A1", "东湖镇", "", "处级", "也许"},
		rejected: []string{"姓名:formula", "人员类别:rank_unknown", "是否重点:key_invalid"}},
}

// sanctionRow is a sanctions row with the usual values and some replaced.
func sanctionRow(kind, months, no, decision, effective string) []string {
	return []string{"张三", "东湖镇", kind, months, no, decision, effective}
}

// want is the sanction sanctionRow("记过", "", "纪发〔2025〕1号", "2025-11-20", "") gives, changed by f.
func want(f func(*models.ImportSanction)) *models.ImportSanction {
	s := &models.ImportSanction{MemberName: "张三", UnitName: "东湖镇", Kind: models.GovDemerit,
		DecisionNo: "纪发〔2025〕1号", DecisionDate: day(2025, 11, 20), EffectiveDate: day(2025, 11, 20)}
	if f != nil {
		f(s)
	}
	return s
}

const no1 = "纪发〔2025〕1号"

var sanctionCases = []rowCase{
	{name: "OK", cells: sanctionRow("记过", "", no1, "2025-11-20", ""), sanction: want(nil)},
	{name: "EffectiveGiven", cells: sanctionRow("记过", "", no1, "2025-11-20", "2025-11-25"),
		sanction: want(func(s *models.ImportSanction) { s.EffectiveDate = day(2025, 11, 25) })},
	{name: "DateSlash", cells: sanctionRow("记过", "", no1, "2025/11/20", ""), sanction: want(nil)},
	{name: "DateChinese", cells: sanctionRow("记过", "", no1, "2025年11月20日", ""), sanction: want(nil)},
	{name: "DateDots", cells: sanctionRow("记过", "", no1, "2025.11.20", ""), sanction: want(nil)},
	{name: "DateSerial", cells: sanctionRow("记过", "", no1, "45981", ""), sanction: want(nil)},
	{name: "DateSerialWithTime", cells: sanctionRow("记过", "", no1, "45981.75", ""), sanction: want(nil)},
	{name: "DateCompact", cells: sanctionRow("记过", "", no1, "20251120", ""), sanction: want(nil)},
	{name: "DateWithTime", cells: sanctionRow("记过", "", no1, "2025/11/20 0:00:00", ""), sanction: want(nil)},
	{name: "DateFullWidthDigits", cells: sanctionRow("记过", "", no1, "２０２５－１１－２０", ""), sanction: want(nil)},
	{name: "DateShortParts", cells: sanctionRow("记过", "", no1, "2025-1-5", ""),
		sanction: want(func(s *models.ImportSanction) { s.DecisionDate, s.EffectiveDate = day(2025, 1, 5), day(2025, 1, 5) })},
	{name: "DateInvalidDay", cells: sanctionRow("记过", "", no1, "2025-02-30", ""), rejected: []string{"决定日期:date_invalid"}},
	{name: "DateInvalidText", cells: sanctionRow("记过", "", no1, "去年", ""), rejected: []string{"决定日期:date_invalid"}},
	{name: "DateUSOrder", cells: sanctionRow("记过", "", no1, "11/20/2025", ""), rejected: []string{"决定日期:date_invalid"}},
	{name: "DateBefore2000", cells: sanctionRow("记过", "", no1, "1999-12-31", ""), rejected: []string{"决定日期:date_range"}},
	{name: "DateAfter2100", cells: sanctionRow("记过", "", no1, "2025-11-20", "2101-01-01"), rejected: []string{"生效日期:date_range"}},
	{name: "DateSerialTooSmall", cells: sanctionRow("记过", "", no1, "100", ""), rejected: []string{"决定日期:date_range"}},
	{name: "DateEmpty", cells: sanctionRow("记过", "", no1, "", ""), rejected: []string{"决定日期:date_empty"}},
	{name: "DateFuture", cells: sanctionRow("记过", "", no1, "2026-01-16", ""), rejected: []string{"决定日期:date_future"}},
	{name: "DateToday", cells: sanctionRow("记过", "", no1, "2026-01-15", ""),
		sanction: want(func(s *models.ImportSanction) { s.DecisionDate, s.EffectiveDate = day(2026, 1, 15), day(2026, 1, 15) })},
	{name: "EffectiveBeforeDecision", cells: sanctionRow("记过", "", no1, "2025-11-20", "2025-11-19"),
		rejected: []string{"生效日期:effective_before_decision"}},
	{name: "DateFormula", cells: sanctionRow("记过", "", no1, "=TODAY()", ""), rejected: []string{"决定日期:formula"}},
	{name: "KindPartyParenthesised", cells: sanctionRow("警告（党纪）", "", no1, "2025-11-20", ""),
		sanction: want(func(s *models.ImportSanction) { s.Kind = models.PartyWarning })},
	{name: "KindWithSuffix", cells: sanctionRow("政务警告处分", "", no1, "2025-11-20", ""),
		sanction: want(func(s *models.ImportSanction) { s.Kind = models.GovWarning })},
	{name: "KindAmbiguous", cells: sanctionRow("警告", "", no1, "2025-11-20", ""), rejected: []string{"处分种类:kind_ambiguous"}},
	{name: "KindUnknown", cells: sanctionRow("记小过", "", no1, "2025-11-20", ""), rejected: []string{"处分种类:kind_unknown"}},
	{name: "KindEmpty", cells: sanctionRow("", "", no1, "2025-11-20", ""), rejected: []string{"处分种类:kind_empty"}},
	{name: "Probation12", cells: sanctionRow("留党察看", "12", no1, "2025-11-20", ""),
		sanction: want(func(s *models.ImportSanction) { s.Kind, s.ProbationMonths = models.PartyProbation, 12 })},
	{name: "Probation2Years", cells: sanctionRow("留党察看", "2年", no1, "2025-11-20", ""),
		sanction: want(func(s *models.ImportSanction) { s.Kind, s.ProbationMonths = models.PartyProbation, 24 })},
	{name: "ProbationInKind", cells: sanctionRow("留党察看一年", "", no1, "2025-11-20", ""),
		sanction: want(func(s *models.ImportSanction) { s.Kind, s.ProbationMonths = models.PartyProbation, 12 })},
	{name: "ProbationInKindAgrees", cells: sanctionRow("留党察看（二年）处分", "24", no1, "2025-11-20", ""),
		sanction: want(func(s *models.ImportSanction) { s.Kind, s.ProbationMonths = models.PartyProbation, 24 })},
	{name: "ProbationInKindDisagrees", cells: sanctionRow("留党察看一年", "24", no1, "2025-11-20", ""),
		rejected: []string{"处分期限(月):probation_months"}},
	{name: "ProbationMissing", cells: sanctionRow("留党察看", "", no1, "2025-11-20", ""), rejected: []string{"处分期限(月):probation_months"}},
	{name: "ProbationInvalid", cells: sanctionRow("留党察看", "18", no1, "2025-11-20", ""), rejected: []string{"处分期限(月):probation_months"}},
	{name: "ProbationForOtherKind", cells: sanctionRow("记过", "12", no1, "2025-11-20", ""), rejected: []string{"处分期限(月):probation_months"}},
	{name: "ProbationZeroForOtherKind", cells: sanctionRow("记过", "0", no1, "2025-11-20", ""), sanction: want(nil)},
	{name: "DecisionNoEmpty", cells: sanctionRow("记过", "", " ", "2025-11-20", ""), rejected: []string{"文号:decision_no_empty"}},
	{name: "DecisionNoTooLong", cells: sanctionRow("记过", "", strings.Repeat("号", 65), "2025-11-20", ""), rejected: []string{"文号:decision_no_too_long"}},
	{name: "DecisionNoFullWidthDigits", cells: sanctionRow("记过", "", "纪发〔２０２５〕１号", "2025-11-20", ""), sanction: want(nil)},
	{name: "DecisionNoFormula", cells: sanctionRow("记过", "", "-1", "2025-11-20", ""), rejected: []string{"文号:formula"}},
	{name: "MemberNameAndUnit", cells: []string{"王　五", "东湖镇 / 机关党支部", "记过", "", no1, "2025-11-20"},
		sanction: want(func(s *models.ImportSanction) { s.MemberName, s.UnitName = "王五", "东湖镇/机关党支部" })},
	{name: "MemberNameEmpty", cells: []string{"", "东湖镇", "记过", "", no1, "2025-11-20"}, rejected: []string{"姓名:name_empty"}},
	{name: "ExtraCells", cells: append(sanctionRow("记过", "", no1, "2025-11-20", ""), "", "x"), rejected: []string{"I:extra_cells"}},
}

// TestParse_Rows runs every cell rule through both formats.
func TestParse_Rows(t *testing.T) {
	for _, group := range []struct {
		kind  sheetKind
		sheet string
		cases []rowCase
	}{{kindMembers, "人员", memberCases}, {kindSanctions, "处分", sanctionCases}} {
		for _, tc := range group.cases {
			csvFile := csvOf(headersOf(group.kind), tc.cells)
			xlsxFile := mustXLSX(t, sheet{group.sheet, [][]any{anyRow(headersOf(group.kind)), anyRow(tc.cells)}})
			for _, file := range []struct {
				name string
				data []byte
			}{{"roster.csv", csvFile}, {"roster.xlsx", xlsxFile}} {
				t.Run(group.kind.String()+"/"+tc.name+"/"+file.name, func(t *testing.T) {
					res, err := Parse(file.name, file.data, testToday)
					if err != nil {
						t.Fatal(err)
					}
					checkRowCase(t, group.kind, tc, res)
				})
			}
		}
	}
}

func checkRowCase(t *testing.T, kind sheetKind, tc rowCase, res Result) {
	t.Helper()
	checkKnownCodes(t, res)
	var wantRej []string
	for _, r := range tc.rejected {
		wantRej = append(wantRej, kind.String()+":2:"+r)
	}
	if diff := cmp.Diff(wantRej, rejections(res.Rejected)); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
	var wantM []models.ImportMember
	var wantS []models.ImportSanction
	if tc.member != nil {
		m := *tc.member
		m.Row = 2
		wantM = append(wantM, m)
	}
	if tc.sanction != nil {
		s := *tc.sanction
		s.Row = 2
		wantS = append(wantS, s)
	}
	if diff := cmp.Diff(wantM, res.Members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantS, res.Sanctions); diff != "" {
		t.Errorf("sanctions (-want +got):\n%s", diff)
	}
}
