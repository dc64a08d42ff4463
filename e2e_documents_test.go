package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/documents"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// sentDocument is the one document among what a user just got, checked:
// sent protected, under a name starting with prefix and ending with
// today's date and .docx, opening as a .docx whose body holds want.
func sentDocument(t *testing.T, u *user, prefix string, want ...string) telegramtest.Sent {
	t.Helper()
	var docs []telegramtest.Sent
	for _, s := range u.got {
		if s.Method == "sendDocument" {
			docs = append(docs, s)
		}
	}
	if len(docs) != 1 {
		t.Fatalf("want one document, got %d: %s", len(docs), u.text())
	}
	d := docs[0]
	stamp := time.Now().In(shanghai(t)).Format("20060102")
	if !d.Protect || !strings.HasPrefix(d.Document, prefix) || !strings.HasSuffix(d.Document, "_"+stamp+".docx") {
		t.Fatalf("document %q (protected %v), want %s…_%s.docx, protected", d.Document, d.Protect, prefix, stamp)
	}
	text, err := documents.BodyText(d.DocumentData)
	if err != nil {
		t.Fatalf("%s does not open: %v", d.Document, err)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("%s lacks %q", d.Document, w)
		}
	}
	return d
}

// TestE2E_FormAfterConfirm: after Confirm the saved record carries a
// 📄 button that sends the visit's record form (the talk form: the visit
// was a talk), still working after other messages; /form sends the same;
// a visit out of scope is refused; each is audited with member and visit.
func TestE2E_FormAfterConfirm(t *testing.T) {
	e := startE2E(t)
	u := e.user(demoInspectorID)
	u.say("/visit 李四")
	answers := map[string]string{}
	for k, v := range apptest.ShortVisit {
		answers[k] = v
	}
	answers["thinking"] = "认识<深刻>&到位"
	apptest.WalkVisitFrom(u, answers, "")
	u.press("确认保存")
	u.expect("已保存，回访记录编号", "📄 记录表")
	msg, data := u.find("📄 记录表")
	no := strings.TrimPrefix(data, "d1:f:")
	u.say("/status 李四") // the button is persistent: older messages keep it
	u.pressData(msg, data)
	sentDocument(t, u, "受纪律处分人员谈心回访情况登记表_"+no+"_", "李四", "认识<深刻>&到位", "谈心谈话", "审核情况", "回访人员签字")

	u.say("/form " + no)
	sentDocument(t, u, "受纪律处分人员谈心回访情况登记表_"+no+"_", "李四")
	u.say("/form abc")
	u.expect("用法：/form")

	id, _ := strconv.ParseUint(no, 10, 64)
	west := e.user(demoWestID(t, e))
	west.say("/form " + no)
	west.expect("无法查看回访记录 #" + no)
	member := findMember(t, e.store, "李四")
	var forms int
	for _, ev := range audits(t, e, models.AuditDocForm, member) {
		if ev.VisitID != nil && *ev.VisitID == id && ev.ActorID == demoInspectorID {
			forms++
		}
	}
	if forms != 2 {
		t.Errorf("doc_form rows of the inspector naming the visit and member = %d, want 2", forms)
	}
}

// TestE2E_Archive: /archive with a name two members share offers both;
// the chosen one's archive arrives protected and opens; an inspector
// cannot reach a member of another township.
func TestE2E_Archive(t *testing.T) {
	e := startE2E(t)
	admin := e.user(demoAdminID)
	admin.say("/archive 张三")
	admin.expect("找到多名人员")
	admin.press("张三 · 西山")
	sentDocument(t, admin, "回访教育档案_张三_", "回访教育档案", "张三", "一、处分决定", "三、回访记录（已审核）", "四、待审核及退回修改")
	admin.say("/archive")
	admin.expect("请输入要生成回访教育档案的人员")
	admin.say("王五")
	sentDocument(t, admin, "回访教育档案_王五_", "王五", "回访记录 #")

	insp := e.user(demoInspectorID)
	insp.say("/archive 张三") // only the one in 东湖镇
	d := sentDocument(t, insp, "回访教育档案_张三_", "东湖镇")
	if strings.Contains(string(d.DocumentData), "西山") {
		t.Error("the inspector's archive names the other township")
	}
	wangWu := findMember(t, e.store, "王五")
	if evs := audits(t, e, models.AuditDocArchive, wangWu); len(evs) != 1 || evs[0].ActorID != demoAdminID ||
		!strings.HasPrefix(evs[0].Detail, "visits=") {
		t.Errorf("doc_archive rows of 王五 = %+v, want one by the admin", evs)
	}
}

// demoWestID registers an inspector of 西山街道 and returns their id.
func demoWestID(t *testing.T, e *e2e) int64 {
	t.Helper()
	const id = 10077
	admin := models.Viewer{TelegramID: demoAdminID, Role: models.RoleAdmin}
	un, err := e.store.FindUnitByName(t.Context(), "西山街道（演示）")
	if err != nil {
		t.Fatal(err)
	}
	u := models.User{TelegramID: id, Name: "西山回访员", Role: models.RoleInspector, UnitID: un.ID}
	if err := e.store.CreateUser(t.Context(), admin, &u); err != nil {
		t.Fatal(err)
	}
	return id
}

// audits are the audit rows of action naming member (newest 100).
func audits(t *testing.T, e *e2e, action string, member uint64) []models.AuditEvent {
	t.Helper()
	evs, err := e.store.ListAudit(t.Context(), models.Viewer{TelegramID: 1, Role: models.RoleAdmin},
		models.AuditFilter{MemberID: member, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []models.AuditEvent
	for _, ev := range evs {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}
