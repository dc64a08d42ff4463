package documents

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// hostile holds what must never reach the XML as markup.
const hostile = `<w:p>a & b "c" 'd'</w:p> =cmd|' /C calc'!A0`

func sampleFields(extra string) []Field {
	return []Field{
		{Label: "回访日期", Value: "2026年3月1日", Short: true},
		{Label: "回访方式", Value: "谈心谈话、上门走访", Short: true},
		{Label: "回访类型", Value: "交谈式", Short: true},
		{Label: "回访人员", Value: "李四、王五"},
		{Label: "思想认识", Value: "认识深刻\n第二行" + extra},
		{Label: "工作表现", Value: "=cmd"},
		{Label: "纠正工资发放", Value: "1,234.50 元", Short: true},
	}
}

func sampleForm() Form {
	return Form{
		Talk: true, Office: "东湖区纪委监委案件审理室",
		Member: Member{Name: "张三", Unit: "东湖镇", Post: "副镇长", Category: "科级领导干部"},
		Sanctions: []Sanction{{DecisionNo: "东纪发〔2026〕1号", Kind: "留党察看一年", DecisionDate: "2026年1月5日",
			PeriodState: "察看期至 2027年1月5日"}},
		Visit:   Visit{No: "#12", Date: "2026年3月1日", Review: "退回修改", Note: hostile, Fields: sampleFields(hostile)},
		Printed: "2026年12月3日",
	}
}

// openDocx opens a .docx as Word would need it and returns its body's
// text (BodyText); the body templates must not be in the package.
func openDocx(t *testing.T, data []byte) string {
	t.Helper()
	text, err := BodyText(data)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == formBody || f.Name == archiveBody {
			t.Errorf("a body template was copied into the package: %s", f.Name)
		}
	}
	return text
}

// TestBodyText_Refuses: a file that is not a well-formed .docx is refused.
func TestBodyText_Refuses(t *testing.T) {
	good, err := FormDocx(sampleForm(), at)
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(good, []byte("word/document.xml"), []byte("word/documenX.xml"), -1)
	for name, data := range map[string][]byte{"not a zip": []byte("hello"), "no body": broken} {
		if _, err := BodyText(data); err == nil {
			t.Errorf("%s: BodyText accepted it", name)
		}
	}
}

// TestFormDocx_Fields: the form opens, holds every field's label and
// value, the member, the sanction and the review, and the hostile text
// comes back as text.
func TestFormDocx_Fields(t *testing.T) {
	f := sampleForm()
	data, err := FormDocx(f, at)
	if err != nil {
		t.Fatal(err)
	}
	text := openDocx(t, data)
	want := []string{"受纪律处分人员谈心回访情况登记表", "东湖区纪委监委案件审理室", "张三", "东湖镇", "副镇长", "科级领导干部",
		"东纪发〔2026〕1号", "留党察看一年", "察看期至 2027年1月5日", "#12", "退回修改", hostile, "=cmd",
		"回访人员", "被回访人签字", "单位负责人签字", "回访人员签字", "认识深刻\n第二行"}
	for _, fd := range f.Visit.Fields {
		want = append(want, fd.Label, fd.Value)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("form lacks %q", w)
		}
	}
	f.Talk = false
	data, err = FormDocx(f, at)
	if err != nil {
		t.Fatal(err)
	}
	if text := openDocx(t, data); !strings.Contains(text, "回访情况记录表") || strings.Contains(text, "谈心回访情况登记表") {
		t.Errorf("a visit without a talk has the talk title:\n%s", text)
	}
}

// TestArchiveDocx_Sections: the archive holds the cover, the sanctions,
// the appraisal, approved visits in date order, pending and returned ones
// apart (after them, also in date order), and the lifting record.
func TestArchiveDocx_Sections(t *testing.T) {
	day := func(m, d int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	vis := func(no string, d time.Time, review string, final bool) Visit {
		return Visit{No: no, Day: d, Date: d.Format("2006年1月2日"), Review: review, Final: final,
			Fields: []Field{{Label: "思想认识", Value: "visit " + no}}}
	}
	a := Archive{
		Office: "审理室", Member: Member{Name: "张三&<李>", Unit: "东湖镇", Post: "副镇长"},
		Sanctions: []Sanction{{DecisionNo: "东纪发〔2026〕1号", Kind: "留党察看一年", DecisionDate: "2026年1月5日",
			Effective: "2026年1月5日", Period: "12个月", PeriodState: "察看期至 2027年1月5日", Enforcement: "已执行落实",
			Extension: "延长一年（东纪发〔2027〕2号）", LiftedOn: "2028年1月6日", LiftNo: "东纪发〔2028〕3号", LiftNote: "恢复党员权利"}},
		Appraisal: "表现良好\x00\x1b", AppraisalDate: "2026年11月1日",
		Visits: []Visit{vis("#5", day(6, 1), "已审核", true), vis("#9", day(9, 1), "待审核", false),
			vis("#3", day(3, 1), "已审核", true), vis("#7", day(4, 1), "退回修改", false)},
		Printed: "2026年12月3日",
	}
	data, err := ArchiveDocx(a, at)
	if err != nil {
		t.Fatal(err)
	}
	text := openDocx(t, data)
	order := []string{"回访教育档案", "张三&<李>", "建档单位：审理室", "一、处分决定", "东纪发〔2026〕1号", "已执行落实", "延长一年",
		"二、单位鉴定", "表现良好", "2026年11月1日", "三、回访记录（已审核）", "visit #3", "visit #5",
		"四、待审核及退回修改", "visit #7", "visit #9", "五、恢复党员权利", "2028年1月6日", "东纪发〔2028〕3号"}
	pos := 0
	for _, w := range order {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("archive lacks %q after offset %d:\n%s", w, pos, text)
		}
		pos += i + len(w)
	}
	if strings.ContainsAny(text, "\x00\x1b") {
		t.Error("control characters reached the document")
	}
}

// TestArchiveDocx_Empty: an archive with nothing but the member opens
// and says what is missing.
func TestArchiveDocx_Empty(t *testing.T) {
	data, err := ArchiveDocx(Archive{Member: Member{Name: "王五"}}, at)
	if err != nil {
		t.Fatal(err)
	}
	text := openDocx(t, data)
	for _, w := range []string{"王五", "无处分决定记录", "暂无单位鉴定", "暂无已审核的回访记录"} {
		if !strings.Contains(text, w) {
			t.Errorf("empty archive lacks %q", w)
		}
	}
}

// TestWriteSamples writes the sample documents for a look in an office
// suite when HUIFANG_DOC_SAMPLES names a directory (see the README).
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("HUIFANG_DOC_SAMPLES")
	if dir == "" {
		t.Skip("HUIFANG_DOC_SAMPLES not set")
	}
	f, err := FormDocx(sampleForm(), at)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "form.docx"), f, 0o600); err != nil {
		t.Fatal(err)
	}
}

// FuzzText: whatever a user typed, the form stays well-formed XML and
// keeps the text (less what XML cannot hold).
func FuzzText(f *testing.F) {
	for _, s := range []string{hostile, "a\r\nb", "\x00\ufffe", "\xff\xfe", "]]>", "&#x0;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		form := sampleForm()
		form.Member.Name = s
		form.Visit.Fields = []Field{{Label: "x", Value: s}}
		data, err := FormDocx(form, at)
		if err != nil {
			t.Fatal(err)
		}
		text := openDocx(t, data)
		if want := strings.ReplaceAll(clean(s), "\t", ""); !strings.Contains(strings.ReplaceAll(text, "\t", ""), want) {
			t.Fatalf("text %q lost", want)
		}
	})
}
