package roster_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// fakeFiles is a FileGetter over files kept in memory, by file id.
type fakeFiles struct {
	files map[string][]byte
	gets  int
}

var _ kit.FileGetter = (*fakeFiles)(nil)

func (f *fakeFiles) GetFile(_ context.Context, id string) ([]byte, error) {
	f.gets++
	d, ok := f.files[id]
	if !ok {
		return nil, errors.New("no such file")
	}
	return d, nil
}

// sendFile delivers a document the fake serves.
func sendFile(c *kittest.Chat, files *fakeFiles, id, name string, data []byte) kit.Response {
	c.T.Helper()
	files.files[id] = data
	return c.Deliver(kit.Input{Document: &kit.Document{FileID: id, FileName: name, Size: int64(len(data))}})
}

// workbook fills the import template with rows after its example rows.
func workbook(t *testing.T, members, sanctions [][]any) []byte {
	t.Helper()
	tpl, err := importer.Template()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sheet, rows := range map[string][][]any{"人员": members, "处分": sanctions} {
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+3) // row 1 headers, row 2 the example
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// village is a unit the import tests add under 东湖镇（演示）.
const village = "东湖一村党支部"

// addUnit adds a unit under the named demo unit.
func addUnit(t *testing.T, store *sqlstore.Store, name, parent string) models.Unit {
	t.Helper()
	p, err := store.FindUnitByName(context.Background(), parent)
	if err != nil {
		t.Fatalf("unit %s: %v", parent, err)
	}
	u, err := store.CreateUnit(context.Background(), rootViewer, name, &p.ID)
	if err != nil {
		t.Fatalf("create unit %s: %v", name, err)
	}
	return u
}

func TestRoster_Template(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	c.Say("/template")
	if len(c.Last.Messages) != 1 {
		t.Fatalf("template: %+v", c.Last)
	}
	m := c.Last.Messages[0]
	if m.Document == nil || !strings.HasSuffix(m.Document.Name, ".xlsx") || !bytes.HasPrefix(m.Document.Data, []byte("PK")) ||
		m.Protect || len([]rune(m.Text)) > 1024 || !strings.Contains(m.Text, "人员") {
		t.Fatalf("template message: %q %+v", m.Text, m.Document)
	}
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/template")
	insp.Expect("只有管理员和分管领导")
}

func TestRoster_ImportPreviewConfirm(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	u := addUnit(t, store, village, "东湖镇（演示）")
	_, err := store.CreateMember(context.Background(), rootViewer, models.MemberInput{Name: "老成员", UnitID: u.ID, Post: "会计", Rank: models.RankOther})
	if err != nil {
		t.Fatal(err)
	}
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	data := workbook(t, [][]any{
		{"新人甲", village, "村文书", "其他", "否", ""},
		{"老　成员", village, "会计", "国家公务员", "否", ""}, // an update of the rank
		{"=1+1", village, "", "", "", ""},
	}, [][]any{
		{"新人甲", village, "记过", "", "示监发〔2025〕77号", "2025-05-01", ""},
		{"无此人", village, "记过", "", "示监发〔2025〕78号", "2025-05-01", ""},
	})
	sendFile(c, files, "F1", "名单.xlsx", data)
	c.Expect("导入预览", "名单.xlsx", "新增人员 1 人，更新 1 人；新增处分 1 项，更新 0 项", "拒绝 2 行",
		"人员表第 5 行「姓名」：以 =、+、-、@ 开头", "处分表第 4 行「姓名」：人员表和现有名单中都没有这名人员", "确认导入")
	if _, err := store.SearchMembers(context.Background(), rootViewer, "新人甲", 5); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("preview wrote: %v", err)
	}
	c.Press("确认导入")
	c.Expect("导入完成", "新增人员 1 人，更新 1 人；新增处分 1 项")
	if files.gets != 1 {
		t.Fatalf("downloads = %d, want 1: the confirm takes the preview's parse", files.gets)
	}
	m, sanctions := mustMember(t, store, "新人甲")
	if m.Post != "村文书" || len(sanctions) != 1 || sanctions[0].Kind != models.GovDemerit || sanctions[0].PeriodEnd == nil {
		t.Fatalf("imported %+v %+v", m, sanctions)
	}
	if m, _ := mustMember(t, store, "老成员"); m.Rank != models.RankCivilServant {
		t.Fatalf("老成员 not updated: %+v", m)
	}
	// The same file again changes nothing.
	sendFile(c, files, "F2", "名单.xlsx", data)
	c.Expect("新增人员 0 人，更新 0 人；新增处分 0 项，更新 0 项", "无变化 3 行", "没有需要写入的内容")
	c.Refute("确认导入")
}

func TestRoster_ImportRefusals(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	sendFile(c, files, "F0", "a.csv", []byte("x"))
	c.Expect("现在无法下载文件") // no transport yet
	app.SetTransport("huifang_test_bot", files)
	memberHeader := "姓名,单位,职务,职级,是否重点,重点原因\n"
	for _, tc := range []struct {
		name, data, want string
	}{
		{"a.pdf", "%PDF", "只能导入 .xlsx 或 .csv"},
		{"a.csv", "a,b\n1,2\n", "表头与模板不一致"},
		{"a.csv", memberHeader, "没有数据行"},
		{"a.xlsx", "not a zip", "表头与模板不一致"},
		{"a.csv", memberHeader + "@SUM(1),东湖一村,,,,\n", "人员表第 2 行「姓名」：以 =、+、-、@ 开头"},
		{"a.csv", memberHeader + "张三,东湖镇/不存在的支部,,,,\n", "没有这个单位，或不在您的管辖范围内"},
	} {
		sendFile(c, files, "F", tc.name, []byte(tc.data))
		c.Expect(tc.want)
		c.Refute("确认导入")
	}
	gets := files.gets
	for _, tc := range []struct {
		size int64
		want string
	}{
		{25 << 20, "超过 20 MB，Telegram 不允许机器人下载"},
		{int64(importer.MaxFileBytes) + 1, "文件太大了，最大 10 MB"},
	} {
		c.Deliver(kit.Input{Document: &kit.Document{FileID: "big", FileName: "big.xlsx", Size: tc.size}})
		c.Expect(tc.want)
	}
	if files.gets != gets {
		t.Fatalf("an oversize file was downloaded")
	}
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	sendFile(insp, files, "F", "a.csv", []byte(memberHeader+"某人,东湖一村,,,,\n"))
	insp.Expect("您没有导入名单的权限")
	if n := deniedAudits(t, store, apptest.DemoInspector); n != 1 {
		t.Fatalf("denied audit rows = %d, want 1", n)
	}
}

// TestRoster_ImportConfirmElsewhere: a confirm handled where the
// preview's parse is not kept (another replica, a restart) downloads and
// parses the file again; one kept is not used for another user's file.
func TestRoster_ImportConfirmElsewhere(t *testing.T) {
	app, store, state := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	other := apptest.MustApp(t, store, state)
	other.SetTransport("huifang_test_bot", files)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	sendFile(c, files, "F1", "a.csv", []byte("姓名,单位,职务,职级,是否重点,重点原因\n新人戊,东湖村党支部（演示）,,,,\n"))
	c.Expect("新增人员 1 人", "确认导入")
	c.H = other
	c.Press("确认导入")
	c.Expect("导入完成", "新增人员 1 人")
	if files.gets != 2 {
		t.Fatalf("downloads = %d, want 2", files.gets)
	}
	mustMember(t, store, "新人戊")
}

// TestRoster_ImportRefusalWords: each limit of the importer is named in
// its own words, not as a wrong file type or a file too large.
func TestRoster_ImportRefusalWords(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	header := "姓名,单位,职务,职级,是否重点,重点原因\n"
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"Rows", "a.csv", []byte(header + strings.Repeat(",,,,,\n", importer.MaxSheetRows) + "张三,东湖镇,,,,\n"), "行数超过上限，没有导入：每个工作表（或 CSV 文件）最多 20000 行数据"},
		{"Width", "a.csv", []byte(header + strings.Repeat(",", importer.MaxColumns+10) + "x\n"), "表格右侧很远处（第 256 列以后）还有内容"},
		{"Encoding", "a.csv", []byte(header + "张三,东湖镇,,,,\n\xff\xfe张三,东湖镇\n"), "无法识别这个 CSV 文件的文字编码"},
		{"Sheets", "a.xlsx", manySheets(t, importer.MaxSheets+1), "结构太复杂（超过 64 个工作表"},
		{"Unpacked", "a.xlsx", bombXLSX(t, importer.MaxUnpackedBytes+1), "解压后超过 16 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.T = t
			sendFile(c, files, "F"+tc.name, tc.file, tc.data)
			c.Expect(tc.want)
			c.Refute("只能导入 .xlsx 或 .csv")
			c.Refute("文件太大了")
			c.Refute("确认导入")
		})
	}
}

// manySheets is the template workbook with sheets added up to n.
func manySheets(t *testing.T, n int) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(workbook(t, [][]any{{"新人甲", village, "", "", "", ""}}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := len(f.GetSheetList()); i < n; i++ {
		if _, err := f.NewSheet(fmt.Sprintf("备注%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombXLSX is the template workbook with a part that unpacks to size
// bytes of zeros (a few KB packed).
func bombXLSX(t *testing.T, size int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook(t, nil, nil)), int64(len(workbook(t, nil, nil))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("xl/media/image1.png")
	if err == nil {
		_, err = w.Write(make([]byte, size))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRoster_ImportBySupervisor checks that a supervisor imports only
// into their subtree: a unit of the sibling township is "not found".
func TestRoster_ImportBySupervisor(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	const sup = 20001
	addRosterUser(t, store, sup, models.RoleSupervisor, "西山街道（演示）")
	addUnit(t, store, village, "东湖镇（演示）")
	addUnit(t, store, "西山二社区", "西山街道（演示）")
	c := kittest.NewChat(t, app, sup)
	csv := "姓名,单位,职务,职级,是否重点,重点原因\n新人乙,西山二社区,,,,\n新人丙," + village + ",,,,\n"
	sendFile(c, files, "F", "a.csv", []byte(csv))
	c.Expect("新增人员 1 人", "人员表第 3 行「单位」：没有这个单位，或不在您的管辖范围内")
	c.Refute("东湖镇（演示）")
	c.Press("确认导入")
	c.Expect("导入完成")
	mustMember(t, store, "新人乙")
}

// TestRoster_ManyRejections lists at most 25 rejections.
func TestRoster_ManyRejections(t *testing.T) {
	app, _, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	var b strings.Builder
	b.WriteString("姓名,单位,职务,职级,是否重点,重点原因\n")
	for range 40 {
		b.WriteString("某人,没有的单位,,,,\n")
	}
	sendFile(c, files, "F", "a.csv", []byte(b.String()))
	c.Expect("拒绝 40 行", "……另有 15 条未列出")
	if n := strings.Count(c.Text(), "• "); n != 25 {
		t.Fatalf("%d rejection lines, want 25", n)
	}
}

// TestRoster_ImportFullWidthUnitName imports into a unit whose name has
// full-width parentheses, as most offices' names do.
func TestRoster_ImportFullWidthUnitName(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	files := &fakeFiles{files: map[string][]byte{}}
	app.SetTransport("huifang_test_bot", files)
	c := kittest.NewChat(t, app, apptest.DemoAdmin)
	sendFile(c, files, "F", "a.csv", []byte("姓名,单位,职务,职级,是否重点,重点原因\n新人丁,东湖村党支部（演示）,,,,\n"))
	c.Expect("新增人员 1 人")
	c.Press("确认导入")
	if _, unit := mustMember(t, store, "新人丁"); len(unit) != 0 {
		t.Fatalf("sanctions: %v", unit)
	}
}
