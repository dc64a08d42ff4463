package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/huifang/huifang/models"
)

var (
	memberHeader   = headersOf(kindMembers)
	sanctionHeader = headersOf(kindSanctions)
	okMember       = []string{"张三", "东湖镇", "", "", "", ""}
	okSanction     = []string{"张三", "东湖镇", "记过", "", no1, "2025-11-20", ""}
)

func TestParse_Headers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []string
		row    []string
		want   *HeaderError // nil: parses
	}{
		{"English", englishHeadersOf(kindMembers), okMember, nil},
		{"EnglishSanctions", englishHeadersOf(kindSanctions), okSanction, nil},
		{"AnyOrder", []string{"单位", "姓名"}, []string{"东湖镇", "张三"}, nil},
		{"Aliases", []string{"姓名", "所在单位", "处分类型", "处分期限（月）", "处分文号", "处分日期"}, okSanction[:6], nil},
		{"EnglishVariants", []string{"Name", "Unit", "Kind", "Probation Months", "Decision-No", "DECISION_DATE"}, okSanction[:6], nil},
		{"Unknown", []string{"姓名", "单位", "身份证号"}, []string{"张三", "东湖镇", "x"},
			&HeaderError{Kind: "members", Unknown: []string{"身份证号"}}},
		{"MissingUnit", []string{"姓名", "职务"}, []string{"张三", "x"},
			&HeaderError{Kind: "members", Missing: []string{"单位"}}},
		{"MissingEnglish", []string{"name", "kind", "decision_date"}, []string{"张三", "记过", "2025-11-20"},
			&HeaderError{Kind: "sanctions", Missing: []string{"unit", "decision_no"}}},
		{"Duplicate", []string{"姓名", "单位", "name"}, []string{"张三", "东湖镇", "张三"},
			&HeaderError{Kind: "members", Duplicate: []string{"name"}}},
		{"Mixed", append(slices.Clone(sanctionHeader), "职级"), append(slices.Clone(okSanction), "其他"),
			&HeaderError{Kind: "sanctions", Unknown: []string{"职级"}}},
		{"Neither", []string{"序号", "备注"}, []string{"1", "x"},
			&HeaderError{Unknown: []string{"序号", "备注"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("a.csv", csvOf(tc.header, tc.row), testToday)
			if tc.want == nil {
				wantErr(t, err, nil)
				return
			}
			wantErr(t, err, ErrHeaders)
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("%v is no HeaderError", err)
			}
			if diff := cmp.Diff(tc.want, he); diff != "" {
				t.Errorf("HeaderError (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParse_HeadersWorkbook(t *testing.T) {
	data := mustXLSX(t,
		sheet{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}},
		sheet{"处分", [][]any{{"姓名", "单位", "处分种类", "电话"}, {"张三", "东湖镇", "记过", "1"}}})
	_, err := Parse("a.xlsx", data, testToday)
	var he *HeaderError
	if !errors.As(err, &he) || he.Sheet != "处分" || !cmp.Equal(he.Unknown, []string{"电话"}) ||
		!cmp.Equal(he.Missing, []string{"文号", "决定日期"}) {
		t.Fatalf("err %v (%+v)", err, he)
	}
}

func TestParse_FileType(t *testing.T) {
	xlsx := mustXLSX(t, sheet{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}})
	csvData := csvOf(memberHeader, okMember)
	var notWorkbook bytes.Buffer
	zw := zip.NewWriter(&notWorkbook)
	w, err := zw.Create("readme.txt")
	must(t, err)
	_, err = w.Write([]byte("hello"))
	must(t, err)
	must(t, zw.Close())
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       error
	}{
		{"XLSX", "a.xlsx", xlsx, nil},
		{"CSV", "a.csv", csvData, nil},
		{"UpperCaseName", "A.XLSX", xlsx, nil},
		{"XLSXNamedCSV", "a.csv", xlsx, nil},
		{"CSVNamedXLSX", "a.xlsx", csvData, nil},
		{"WrongName", "a.txt", csvData, ErrFileType},
		{"NoExtension", "roster", xlsx, ErrFileType},
		{"XLS", "a.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), ErrFileType},
		{"OLENamedXLSX", "a.xlsx", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), ErrFileType},
		{"PDFNamedCSV", "a.csv", []byte("%PDF-1.7\n..."), ErrFileType},
		{"ZipNotWorkbook", "a.xlsx", notWorkbook.Bytes(), ErrFileType},
		{"TruncatedZip", "a.xlsx", xlsx[:len(xlsx)/2], ErrFileType},
		{"Random", "a.xlsx", random, ErrFileType},
		{"RandomCSV", "a.csv", random, ErrFileType},
		{"ZipMagicOnly", "a.xlsx", []byte("PK\x03\x04garbage"), ErrFileType},
		{"NUL", "a.csv", []byte("姓名,单位\n张\x00三,东湖镇\n"), ErrFileType},
		{"HTMLNamedXLSX", "a.xlsx", []byte("\n<html><table><tr><td>姓名</td></tr></table></html>"), ErrFileType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(tc.file, tc.data, testToday)
			wantErr(t, err, tc.want)
			if tc.want == nil && len(res.Members) != 1 {
				t.Errorf("members %+v", res.Members)
			}
		})
	}
}

// TestParse_RandomBytes feeds noise in both formats: an error, never a panic.
func TestParse_RandomBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		data := make([]byte, rng.IntN(2048))
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		if i%2 == 0 && len(data) > 4 {
			copy(data, zipMagic)
		}
		if _, err := Parse("x.xlsx", data, testToday); err == nil {
			t.Errorf("random input %d parsed", i)
		}
	}
}

func TestParse_Size(t *testing.T) {
	t.Run("FileTooLarge", func(t *testing.T) {
		_, err := Parse("a.csv", make([]byte, MaxFileBytes+1), testToday)
		wantErr(t, err, ErrTooLarge)
	})
	rows := func(n int) []byte {
		var b bytes.Buffer
		b.Write(csvOf(memberHeader))
		for range n {
			b.WriteString("张三,东湖镇\r\n")
		}
		return b.Bytes()
	}
	t.Run("MaxRows", func(t *testing.T) {
		res, err := Parse("a.csv", rows(MaxDataRows), testToday)
		wantErr(t, err, nil)
		if len(res.Members) != MaxDataRows {
			t.Errorf("%d members", len(res.Members))
		}
	})
	t.Run("TooManyRows", func(t *testing.T) {
		_, err := Parse("a.csv", rows(MaxDataRows+1), testToday)
		wantErr(t, err, ErrTooLarge)
	})
	t.Run("ZipBomb", func(t *testing.T) {
		// Declared sizes are what checkZip trusts (archive/zip enforces
		// them while reading), so a small stored entry claiming a huge
		// size stands for a bomb.
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, name := range []string{"xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store,
				CompressedSize64: 1, UncompressedSize64: MaxUnpackedBytes/2 + 1})
			must(t, err)
			_, err = w.Write([]byte{' '})
			must(t, err)
		}
		must(t, zw.Close())
		_, err := Parse("a.xlsx", b.Bytes(), testToday)
		wantErr(t, err, ErrTooLarge)
	})
}

func TestParse_Empty(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       []byte
	}{
		{"EmptyFile", "a.csv", nil},
		{"BOMOnly", "a.csv", bomUTF8},
		{"HeaderOnly", "a.csv", csvOf(memberHeader)},
		{"BlankRows", "a.csv", []byte("姓名,单位\r\n,\r\n \t, \u3000\r\n\r\n")},
		{"ExampleOnly", "a.csv", csvOf(memberHeader, []string{"示例", "东湖镇"})},
		{"EmptyWorkbook", "a.xlsx", mustXLSX(t, sheet{"Sheet1", nil})},
		{"HeadersOnlyWorkbook", "a.xlsx", mustXLSX(t, sheet{"人员", [][]any{anyRow(memberHeader)}}, sheet{"处分", [][]any{anyRow(sanctionHeader)}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.file, tc.data, testToday)
			wantErr(t, err, ErrEmpty)
		})
	}
	t.Run("AllRejectedIsNotEmpty", func(t *testing.T) {
		res, err := Parse("a.csv", csvOf(memberHeader, []string{"=1", "东湖镇"}), testToday)
		wantErr(t, err, nil)
		if len(res.Rejected) != 1 {
			t.Errorf("rejected %+v", res.Rejected)
		}
	})
}

func TestParse_Encodings(t *testing.T) {
	plain := string(csvOf(sanctionHeader, []string{"王　五", "东湖镇/机关党支部", "留党察看（一年）", "", no1, "2025年11月20日"}))
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(plain)
	must(t, err)
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(plain)
	must(t, err)
	for _, tc := range []struct {
		name string
		data string
	}{
		{"UTF8", plain},
		{"UTF8BOM", string(bomUTF8) + plain},
		{"GB18030", gb},
		{"UTF16LE", utf16},
		{"Tabs", strings.ReplaceAll(plain, ",", "\t")},
		{"Semicolons", strings.ReplaceAll(plain, ",", ";")},
		{"LF", strings.ReplaceAll(plain, "\r\n", "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse("a.csv", []byte(tc.data), testToday)
			wantErr(t, err, nil)
			want := []models.ImportSanction{{Row: 2, MemberName: "王五", UnitName: "东湖镇/机关党支部",
				Kind: models.PartyProbation, ProbationMonths: 12, DecisionNo: no1,
				DecisionDate: day(2025, 11, 20), EffectiveDate: day(2025, 11, 20)}}
			if diff := cmp.Diff(want, res.Sanctions); diff != "" || len(res.Rejected) > 0 {
				t.Errorf("sanctions (-want +got):\n%s\nrejected %+v", diff, res.Rejected)
			}
		})
	}
	t.Run("BOMButNotUTF8", func(t *testing.T) {
		_, err := Parse("a.csv", append(slices.Clone(bomUTF8), gb...), testToday)
		wantErr(t, err, ErrFileType)
	})
}

// TestParse_RowNumbers checks that rejections name the row a spreadsheet
// shows: blank lines count, a quoted cell spanning lines does not.
func TestParse_RowNumbers(t *testing.T) {
	data := "\r\n姓名,单位,职务\r\n张三,东湖镇,\"第一行\r\n第二行\"\r\n\r\n\r\n=x,东湖镇,\r\n李四,东湖镇\r\n,,\r\n王五,,\r\n"
	res, err := Parse("a.csv", []byte(data), testToday)
	wantErr(t, err, nil)
	want := []string{"members:6:姓名:formula", "members:9:单位:unit_empty"}
	if diff := cmp.Diff(want, rejections(res.Rejected)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Members) != 2 || res.Members[0].Row != 3 || res.Members[1].Row != 7 || res.Members[0].Post != "第一行 第二行" {
		t.Errorf("members %+v", res.Members)
	}

	xlsx := mustXLSX(t, sheet{"人员", [][]any{nil, anyRow(memberHeader), nil, nil, {"=x", "东湖镇"}, {"李四", "东湖镇"}}})
	res, err = Parse("a.xlsx", xlsx, testToday)
	wantErr(t, err, nil)
	if got := rejections(res.Rejected); !cmp.Equal(got, []string{"members:5:姓名:formula"}) || len(res.Members) != 1 || res.Members[0].Row != 6 {
		t.Errorf("xlsx: rejected %q, members %+v", got, res.Members)
	}
}

// TestParse_WorkbookCells reads cells as Excel stores them: real dates,
// numbers and booleans, in the 1900 and the 1904 date systems.
func TestParse_WorkbookCells(t *testing.T) {
	for _, d1904 := range []bool{false, true} {
		f := excelize.NewFile()
		must(t, f.SetSheetName("Sheet1", "Sanctions"))
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &d1904}))
		must(t, f.SetSheetRow("Sanctions", "A1", &sanctionHeader))
		must(t, f.SetSheetRow("Sanctions", "A2", &[]any{"张三", "东湖镇", "留党察看", 24, 20251120, day(2025, 11, 20), day(2025, 11, 21)}))
		_, err := f.NewSheet("MEMBERS")
		must(t, err)
		must(t, f.SetSheetRow("MEMBERS", "A1", &memberHeader))
		must(t, f.SetSheetRow("MEMBERS", "A2", &[]any{"张三", "东湖镇", "", "其他", true, "对立情绪"}))
		_, err = f.NewSheet("其他数据")
		must(t, err)
		must(t, f.SetSheetRow("其他数据", "A1", &[]any{"ignored", "sheet"}))
		buf, err := f.WriteToBuffer()
		must(t, err)
		must(t, f.Close())
		res, err := Parse("a.xlsx", buf.Bytes(), testToday)
		wantErr(t, err, nil)
		wantS := []models.ImportSanction{{Row: 2, MemberName: "张三", UnitName: "东湖镇", Kind: models.PartyProbation,
			ProbationMonths: 24, DecisionNo: "20251120", DecisionDate: day(2025, 11, 20), EffectiveDate: day(2025, 11, 21)}}
		wantM := []models.ImportMember{{Row: 2, Name: "张三", UnitName: "东湖镇", Rank: models.RankOther, Key: true, KeyReason: "对立情绪"}}
		if !cmp.Equal(wantS, res.Sanctions) || !cmp.Equal(wantM, res.Members) || len(res.Rejected) > 0 {
			t.Errorf("1904=%v: %s %s %+v", d1904, cmp.Diff(wantS, res.Sanctions), cmp.Diff(wantM, res.Members), res.Rejected)
		}
	}
}

// TestParse_UnnamedSheets reads a workbook without the template's sheet
// names by the sheets' headers.
func TestParse_UnnamedSheets(t *testing.T) {
	data := mustXLSX(t,
		sheet{"Sheet1", [][]any{anyRow(sanctionHeader), anyRow(okSanction)}},
		sheet{"Sheet2", nil},
		sheet{"Sheet3", [][]any{anyRow(memberHeader), anyRow(okMember)}})
	res, err := Parse("a.xlsx", data, testToday)
	wantErr(t, err, nil)
	if len(res.Members) != 1 || len(res.Sanctions) != 1 {
		t.Errorf("%+v", res)
	}
	// One sheet named, the other not: both are read; a notes sheet is not.
	data = mustXLSX(t,
		sheet{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}},
		sheet{"Sheet2", [][]any{anyRow(sanctionHeader), anyRow(okSanction)}},
		sheet{"备注", [][]any{{"说明"}, {"这张表不导入"}}})
	res, err = Parse("a.xlsx", data, testToday)
	wantErr(t, err, nil)
	if len(res.Members) != 1 || len(res.Sanctions) != 1 {
		t.Errorf("%+v", res)
	}
	for _, sheets := range [][]sheet{
		{{"Sheet1", [][]any{anyRow(memberHeader), anyRow(okMember)}}, {"Sheet2", [][]any{anyRow(memberHeader), anyRow(okMember)}}},
		{{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}}, {"members", [][]any{anyRow(memberHeader), anyRow(okMember)}}},
		{{"Sheet1", [][]any{anyRow(memberHeader), anyRow(okMember)}}, {"Sheet2", [][]any{{"备注"}, {"x"}}}},
		{{"人员", [][]any{anyRow(memberHeader), anyRow(okMember)}}, {"Sheet2", [][]any{{"姓名", "单位", "电话"}, {"x"}}}},
	} {
		_, err := Parse("a.xlsx", mustXLSX(t, sheets...), testToday)
		wantErr(t, err, ErrHeaders)
	}
}
