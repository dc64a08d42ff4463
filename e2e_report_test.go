package main

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/bot/telegramtest"
)

// TestE2E_Report: /report gives an administrator the sentence, then the
// workbook and the chart as a photo, all protected; a unit typed by part
// narrows it; an inspector is refused.
func TestE2E_Report(t *testing.T) {
	e := startE2E(t)
	admin := e.user(demoAdminID)
	admin.say("/report")
	admin.expect("年度回访统计", "全部单位", "名受处分党员干部进行回访", "必访对象覆盖", "纠正工资发放")
	var doc, photo *telegramtest.Sent
	for i := range admin.got {
		switch admin.got[i].Method {
		case "sendDocument":
			doc = &admin.got[i]
		case "sendPhoto":
			photo = &admin.got[i]
		}
	}
	if doc == nil || photo == nil || !doc.Protect || !photo.Protect {
		t.Fatalf("want a protected workbook and photo, got %+v", admin.got)
	}
	if !strings.HasPrefix(doc.Document, "回访年度统计_") || !strings.HasSuffix(doc.Document, ".xlsx") {
		t.Errorf("workbook named %q", doc.Document)
	}
	x, err := excelize.OpenReader(bytes.NewReader(doc.DocumentData))
	if err != nil {
		t.Fatalf("open the workbook: %v", err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("汇总", "B1"); v != "回访人数" {
		t.Errorf("汇总!B1 = %q", v)
	}
	if _, err := png.Decode(bytes.NewReader(photo.DocumentData)); err != nil {
		t.Errorf("the photo is not a PNG: %v", err)
	}

	admin.say("/report 东湖")
	// 东湖 finds the township and two branches inside it: the township is
	// meant (models.MatchScope), not a list to choose from.
	admin.expect("年度回访统计</b>（东湖镇（演示））")
	admin.say("/report 1999")
	admin.expect("2000 至 2100")
	admin.say("/report 没有这个单位")
	admin.expect("没有找到您可查看的单位")

	insp := e.user(demoInspectorID)
	insp.say("/report")
	insp.expect("仅供分管领导和管理员")
	assertProtected(t, e.srv.Sent(), admin.chatID)
}
