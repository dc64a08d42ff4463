package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/models"
)

// TestE2E_ImportPreviewConfirm gets the template through Telegram, fills
// it in and sends it back: the preview writes nothing, the confirmation
// writes the rows in one go, and the same file again changes nothing.
func TestE2E_ImportPreviewConfirm(t *testing.T) {
	e := startE2E(t)
	root := models.Viewer{TelegramID: demoAdminID, Role: models.RoleAdmin}
	donghu, err := e.store.FindUnitByName(context.Background(), "东湖镇（演示）")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateUnit(context.Background(), root, e2eVillage, &donghu.ID); err != nil {
		t.Fatal(err)
	}
	admin := e.user(demoAdminID)
	admin.say("/template")
	// The template carries no member data and must be saved to be filled
	// in: it is sent without protect_content.
	if len(admin.got) != 1 || admin.got[0].Method != "sendDocument" || admin.got[0].Protect {
		t.Fatalf("template answer: %+v", admin.got)
	}
	data := fillTemplate(t, admin.got[0].DocumentData)

	admin.waitHandled(e.srv.SendDocument(admin.chatID, admin.userID, "IMPORT1", "名单.xlsx", data))
	admin.expect("导入预览", "新增人员 1 人，更新 0 人；新增处分 1 项", "拒绝 1 行", "处分表第 4 行「决定日期」")
	if _, err := e.store.SearchMembers(context.Background(), root, "吴十", 5); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the preview wrote: %v", err)
	}
	admin.press("确认导入")
	admin.expect("导入完成", "新增人员 1 人")

	id := findMember(t, e.store, "吴十")
	m, unit, sanctions, err := e.store.MemberSanctions(context.Background(), root, id)
	if err != nil {
		t.Fatal(err)
	}
	if unit != e2eVillage || m.Rank != models.RankSectionCadre || !m.Key || len(sanctions) != 1 ||
		sanctions[0].Kind != models.PartyProbation || sanctions[0].ProbationMonths != 12 || sanctions[0].DecisionNo != "示纪发〔2025〕501号" {
		t.Fatalf("imported %+v in %s with %+v", m, unit, sanctions)
	}

	admin.waitHandled(e.srv.SendDocument(admin.chatID, admin.userID, "IMPORT2", "名单.xlsx", data))
	admin.expect("新增人员 0 人，更新 0 人；新增处分 0 项，更新 0 项", "没有需要写入的内容")
	admin.refute("确认导入")

	// An inspector may not import; a file over Telegram's limit is refused
	// before it is downloaded.
	insp := e.user(demoInspectorID)
	insp.waitHandled(e.srv.SendDocument(insp.chatID, insp.userID, "IMPORT3", "名单.xlsx", data))
	insp.expect("没有导入名单的权限")
	assertProtected(t, e.srv.Sent(), admin.chatID)
}

// e2eVillage is the unit the import test adds and imports into.
const e2eVillage = "东湖一村党支部"

// fillTemplate adds one member and two sanctions (one with a bad date)
// to the template workbook.
func fillTemplate(t *testing.T, tpl []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatalf("open the template: %v", err)
	}
	defer f.Close()
	rows := map[string][][]any{
		"人员": {{"吴十", e2eVillage, "村主任", "科级领导干部", "是", "对处分不服"}},
		"处分": {
			{"吴十", e2eVillage, "留党察看", "12", "示纪发〔2025〕501号", "2025-06-01", "2025-06-01"},
			{"吴十", e2eVillage, "记过", "", "示监发〔2025〕502号", "2025-13-01", ""},
		},
	}
	for sheet, rs := range rows {
		for i, row := range rs {
			cell, _ := excelize.CoordinatesToCellName(1, i+3)
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
