package reports_test

import (
	"archive/zip"
	"bytes"
	"image/png"
	"os"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/reports"
)

func tr(t testing.TB) reports.Text {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, os.DirFS("../handlers/roster"), os.DirFS("../handlers/report"))
	if err != nil {
		t.Fatal(err)
	}
	return cat.Lang("zh").T
}

func d(s string) time.Time {
	v, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return v
}

// sample: two townships under a district, one named like a formula and
// one with a character outside GB2312 (䶮); two members visited in
// February and March 2026, one a mandatory target.
func sample() models.Figures {
	units := []models.Unit{{ID: 1, Name: "区纪委", Path: "/1/"}, {ID: 2, Name: "=HYPERLINK(\"x\")镇", Path: "/1/2/"},
		{ID: 3, Name: "䶮山街道", Path: "/1/3/"}}
	members := []models.Member{{ID: 1, Name: "张三", UnitID: 2, Rank: models.RankOther}, {ID: 2, Name: "－李四", UnitID: 3, Rank: models.RankOther}}
	rectified := d("2026-03-10")
	return models.ComputeFigures(models.ReportInput{Year: 2026, Root: units[0], Units: units, Members: members,
		Sanctions: []models.Sanction{{ID: 1, MemberID: 1, DecisionNo: "文1", DecisionDate: d("2025-04-01"), Category: models.RankSectionCadre}},
		Visits: []models.ReportVisit{
			{ID: 7, MemberID: 1, Date: d("2026-02-03"), Methods: "talk,home", Type: "talk", Review: models.ReviewApproved,
				PayCorrectedFen: 150000, RectifiedOn: &rectified, RectifiedFen: 227140, Sanctions: []uint64{1}},
			{ID: 8, MemberID: 2, Date: d("2026-03-04"), Methods: "inquiry", Type: "interactive", Review: models.ReviewApproved, EnforcementOK: true},
			{ID: 9, MemberID: 2, Date: d("2026-03-05"), Methods: "talk", Type: "talk", Review: models.ReviewPending, EnforcementOK: true},
		}})
}

func TestWorkbook(t *testing.T) {
	data, err := reports.Workbook(sample(), tr(t))
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	cell := func(sheet, at string) string {
		t.Helper()
		v, err := x.GetCellValue(sheet, at)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// 汇总: row 3 区纪委, 4 the formula-named township, 5 䶮山街道, 6 合计. Columns: A unit, then per
	// figure 科级/公务员/其他/合计: B..E members visited, F..I mandatory visited, ..., Z..AC pay.
	wants := map[string]string{
		"A1": "单位", "B1": "回访人数", "B2": "科级领导干部", "E2": "合计",
		"A4": "=HYPERLINK(\"x\")镇", "B4": "1", // 张三, column 科级 (his sanction's category)
		"D5": "1",                       // －李四, other
		"E6": "2", "F6": "1", "J6": "1", // two visited; the one mandatory target visited, of one
		"AC6": "2,271", // v7's 2,271.40 yuan corrected (format #,##0.00 shown as text by excelize: see below)
		"A6":  "合计",
	}
	for at, want := range wants {
		if at == "AC6" {
			continue
		}
		if got := cell("汇总", at); got != want {
			t.Errorf("汇总!%s = %q, want %q", at, got, want)
		}
	}
	if v, _ := x.GetCellValue("汇总", "AC6", excelize.Options{RawCellValue: true}); v != "2271.4" {
		t.Errorf("汇总!AC6 (pay corrected, yuan) raw = %q, want 2271.4", v)
	}
	if typ, _ := x.GetCellType("汇总", "A4"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("a formula-like unit name is stored as %v, want a string", typ)
	}
	if fml, _ := x.GetCellFormula("汇总", "A4"); fml != "" {
		t.Errorf("A4 has formula %q", fml)
	}
	if got := cell("按回访方式", "C2"); got != "1" { // 谈心谈话 in February
		t.Errorf("按回访方式!C2 = %q, want 1", got)
	}
	if got := cell("按回访类型", "D4"); got != "1" { // 互动式 in March
		t.Errorf("按回访类型!D4 = %q, want 1", got)
	}
	if got := cell("待审核和退回（未计入）", "J2"); got != "待审核" {
		t.Errorf("the pending visit's review = %q", got)
	}
	if got := cell("回访人员", "D3"); got != "8" { // the second final visit, in list order
		t.Errorf("回访人员!D3 = %q, want visit 8", got)
	}
	panes, err := x.GetPanes("汇总")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("汇总 panes = %+v (%v), want the two header rows frozen", panes, err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range z.File {
		found = found || f.Name == "xl/charts/chart1.xml"
	}
	if !found {
		t.Error("no xl/charts/chart1.xml in the workbook")
	}
}

func TestChart(t *testing.T) {
	f := sample()
	data, err := reports.Chart(f, tr(t))
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("HUIFANG_CHART_OUT"); out != "" {
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != reports.ChartWidth || b.Dy() != reports.ChartHeight(f) {
		t.Errorf("size %v, want %dx%d", b, reports.ChartWidth, reports.ChartHeight(f))
	}
	// The title's label area (centred, baseline 40) and the unit labels
	// (right-aligned at x 300 under the coverage heading) hold dark pixels.
	dark := func(x0, y0, x1, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					n++
				}
			}
		}
		return n
	}
	if n := dark(300, 15, 900, 45); n < 200 {
		t.Errorf("title area has %d dark pixels", n)
	}
	if n := dark(100, 630, 300, 760); n < 200 {
		t.Errorf("unit label area has %d dark pixels", n)
	}
}

func TestChart_Empty(t *testing.T) {
	if _, err := reports.Chart(models.ComputeFigures(models.ReportInput{Year: 2026}), tr(t)); err != nil {
		t.Fatal(err)
	}
}
