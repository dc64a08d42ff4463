package export_test

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/export"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

func catalogue(t testing.TB) kit.Tr {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, export.Locales)
	if err != nil {
		t.Fatal(err)
	}
	return cat.Lang(kit.LangZH)
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

// fixture is one member with one sanction and two visits, the first with
// every field of the record filled with a text of its own, some of them
// formula-like.
func fixture() ([]models.MemberMatch, []models.ExportSanction, []models.ExportVisit) {
	m := models.MemberMatch{UnitName: "东湖镇/机关党支部", Member: models.Member{ID: 7, Name: "张三", UnitID: 3,
		Post: "@post", Rank: models.RankSectionCadre, Key: true, KeyReason: "对处分不服"}}
	s := models.ExportSanction{MemberName: "张三", UnitName: m.UnitName, Sanction: models.Sanction{ID: 11, MemberID: 7,
		Kind: models.PartyProbation, DecisionNo: "东纪处〔2025〕3号", DecisionDate: day("2025-03-15"),
		EffectiveDate: day("2025-03-20"), ProbationMonths: 12, PeriodEnd: ptr(day("2026-03-20")), Category: models.RankSectionCadre}}
	reviewed := time.Date(2026, 4, 2, 3, 0, 0, 0, time.UTC)
	v := models.ExportVisit{MemberName: "张三", UnitName: m.UnitName, DecisionNos: []string{"东纪处〔2025〕3号"},
		AuthorName: "李四", ReviewerName: "王五", Visit: models.Visit{ID: 21, MemberID: 7, AuthorID: 100,
			Date: day("2026-04-01"), Methods: "talk,appraisal", Type: models.TypeInteractive,
			Inspectors: "李四、赵六", Participants: "＝cmd", Thinking: "=1+1", Work: "-2+3",
			Difficulties: "生活困难文本", Opinions: "意见要求文本", Help: "帮扶措施文本", EnforcementOK: false,
			EnforcementProblem: "工资未调整", PayCorrectedFen: 227140, Conclusion: models.ConclusionFairlyGood,
			Recommendation: models.RecommendPost, FeedbackUnit: true, BranchInformed: false,
			NextVisit: ptr(day("2026-10-01")), CreatedAt: time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC),
			Study: "学习情况文本", Rectification: "整改情况文本", CaseView: "案件认识文本", Loopholes: "管理漏洞文本",
			Guidance: "教育引导文本", Requests: "诉求文本", RequestsMetOn: ptr(day("2026-05-01")),
			AppraisalMorality: models.ConclusionGood, AppraisalAbility: models.ConclusionAverage,
			AppraisalDiligence: models.ConclusionPoor, AppraisalResults: models.ConclusionGood,
			AppraisalIntegrity: models.ConclusionFairlyGood, AppraisalNote: "@x", RectifiedOn: ptr(day("2026-04-20")),
			RectifiedFen: 5000, Review: models.ReviewApproved, ReviewerID: ptr(int64(200)), ReviewedAt: &reviewed,
			ReviewNote: "审核意见文本"}}
	v2 := models.ExportVisit{MemberName: "张三", UnitName: m.UnitName, Visit: models.Visit{ID: 22, MemberID: 7,
		Date: day("2026-06-01"), Methods: "home", Type: models.TypeTalk, Inspectors: "李四", Thinking: "好",
		Work: "好", EnforcementOK: true, Conclusion: models.ConclusionGood, Review: models.ReviewPending}}
	return []models.MemberMatch{m}, []models.ExportSanction{s}, []models.ExportVisit{v, v2}
}

func build(t *testing.T) ([]byte, *excelize.File) {
	t.Helper()
	ms, ss, vs := fixture()
	var buf bytes.Buffer
	info := export.Info{Unit: "东湖镇", From: day("2026-01-01"), To: day("2026-12-31"), Generated: time.Now()}
	if err := export.Build(&buf, catalogue(t), info, ms, ss, vs); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return buf.Bytes(), f
}

func TestBuild_Sheets(t *testing.T) {
	_, f := build(t)
	if got, want := f.GetSheetList(), []string{"人员", "处分", "回访记录", "统计"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for _, sheet := range []string{"人员", "处分", "回访记录"} {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range rows[0] {
			if h == "" || strings.HasPrefix(h, "x_") {
				t.Errorf("%s: header %q is not a catalogue text", sheet, h)
			}
		}
	}
	rows, _ := f.GetRows("人员")
	if rows[0][1] != "姓名" || rows[1][1] != "张三" || rows[1][2] != "东湖镇/机关党支部" {
		t.Errorf("人员 rows %q", rows)
	}
	rows, _ = f.GetRows("处分")
	if !slices.Contains(rows[1], "留党察看") || !slices.Contains(rows[1], "东纪处〔2025〕3号") || !slices.Contains(rows[1], "2026-03-20") {
		t.Errorf("处分 row %q", rows[1])
	}
}

// TestBuild_VisitRow checks that every field of the record is in the
// visit's row, under its header.
func TestBuild_VisitRow(t *testing.T) {
	_, f := build(t)
	rows, err := f.GetRows("回访记录")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and 2 visits", len(rows))
	}
	col := map[string]string{}
	for i, h := range rows[0] {
		if i < len(rows[1]) {
			col[h] = rows[1][i]
		}
	}
	want := map[string]string{
		"回访编号": "21", "姓名": "张三", "所涉处分文号": "东纪处〔2025〕3号", "回访日期": "2026-04-01",
		"回访方式": "谈心谈话、民主测评", "回访类型": "互动式", "回访人员": "李四、赵六", "其他参加人员": "＝cmd",
		"思想认识": "=1+1", "工作表现": "-2+3", "民主测评·德": "好", "民主测评·能": "一般", "民主测评·勤": "差",
		"民主测评·绩": "好", "民主测评·廉": "较好", "测评说明": "@x", "生活困难": "生活困难文本", "意见要求": "意见要求文本",
		"学习情况": "学习情况文本", "改正错误和整改情况": "整改情况文本", "对案件的认识": "案件认识文本",
		"单位管理漏洞": "管理漏洞文本", "帮扶措施": "帮扶措施文本", "教育引导": "教育引导文本", "反映的诉求": "诉求文本",
		"诉求落实日期": "2026-05-01", "处分决定执行到位": "否", "执行不到位问题": "工资未调整", "纠正工资发放（元）": "2,271.40",
		"整改日期": "2026-04-20", "整改纠正金额（元）": "50.00", "回访结论": "较好", "回访建议": "推荐使用",
		"已向所在单位反馈": "是", "已向所在党支部通报": "否", "下次回访日期": "2026-10-01", "审核状态": "已审核",
		"审核人": "王五", "审核日期": "2026-04-02", "审核意见": "审核意见文本", "登记人": "李四", "登记日期": "2026-04-01",
	}
	for h, v := range want {
		if col[h] != v {
			t.Errorf("%s = %q, want %q", h, col[h], v)
		}
	}
	if got := len(rows[0]); got != len(want)+2 { // + 人员编号, 单位
		t.Errorf("%d columns, want %d: a field without a test value?", got, len(want)+2)
	}
}

func TestBuild_DatesAreNumbers(t *testing.T) {
	_, f := build(t)
	raw, err := f.GetCellValue("回访记录", "F2", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if raw != "46113" { // 2026-04-01 as an Excel serial
		t.Errorf("raw date cell %q, want the serial 46113", raw)
	}
	if typ, _ := f.GetCellType("回访记录", "F2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("date cell type %v, want a number", typ)
	}
	id, err := f.GetCellStyle("回访记录", "F2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("date cell number format %v, want yyyy-mm-dd", st.CustomNumFmt)
	}
}

// TestBuild_FormulaText checks that formula-like texts are text cells and
// that no sheet holds a formula.
func TestBuild_FormulaText(t *testing.T) {
	data, f := build(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/worksheets/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		xml, _ := io.ReadAll(rc)
		_ = rc.Close()
		if bytes.Contains(xml, []byte("<f>")) || bytes.Contains(xml, []byte("<f ")) {
			t.Errorf("%s holds a formula", zf.Name)
		}
	}
	rows, _ := f.GetRows("回访记录")
	for i, h := range rows[0] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		switch h {
		case "思想认识", "工作表现", "其他参加人员", "测评说明":
			typ, err := f.GetCellType("回访记录", cell)
			if err != nil || typ != excelize.CellTypeInlineString {
				t.Errorf("%s (%s) type %v, want an inline string", h, cell, typ)
			}
			if fm, _ := f.GetCellFormula("回访记录", cell); fm != "" {
				t.Errorf("%s has formula %q", h, fm)
			}
			id, _ := f.GetCellStyle("回访记录", cell)
			if st, _ := f.GetStyle(id); st == nil || st.NumFmt != 49 {
				t.Errorf("%s: not in the text number format", h)
			}
		}
	}
	if typ, _ := f.GetCellType("人员", "D2"); typ != excelize.CellTypeInlineString {
		t.Errorf("post @post type %v, want an inline string", typ)
	}
}

func TestBuild_FrozenHeaderFilterWidths(t *testing.T) {
	data, f := build(t)
	for _, sheet := range []string{"人员", "处分", "回访记录"} {
		p, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: panes %+v, want the header row frozen", sheet, p)
		}
	}
	if w, _ := f.GetColWidth("回访记录", "K"); w != 40 {
		t.Errorf("思想认识 column width %v, want 40", w)
	}
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	found := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			rc, _ := zf.Open()
			xml, _ := io.ReadAll(rc)
			_ = rc.Close()
			if bytes.Contains(xml, []byte(`<autoFilter ref="$A$1:`)) {
				found++
			}
		}
	}
	if found != 3 {
		t.Errorf("%d sheets with a filter, want 3", found)
	}
}

func TestBuild_Stats(t *testing.T) {
	_, f := build(t)
	rows, err := f.GetRows("统计")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		if len(r) == 2 {
			got[r[0]] = r[1]
		}
	}
	for k, v := range map[string]string{"导出单位": "东湖镇", "期间": "2026-01-01 — 2026-12-31", "受处分人员（人）": "1",
		"处分决定（条）": "1", "回访记录（次）": "2", "　已审核": "1", "　待审核": "1", "回访人数（人）": "1",
		"方式：谈心谈话（次）": "1", "方式：上门走访（次）": "0", "纠正工资发放（元）": "2,271.40"} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestWorkbook_OrderEnforced(t *testing.T) {
	w, err := export.New(catalogue(t), export.Info{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ms, ss, _ := fixture()
	if err := w.Sanction(&ss[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.Member(ms[0]); err == nil {
		t.Error("a member after the sanctions was taken")
	}
}
