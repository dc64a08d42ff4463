package documents

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	docx "github.com/huifang/huifang/documents"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

func zh(t *testing.T) kit.Tr {
	t.Helper()
	cat, err := NewCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	return cat.Lang(kit.LangZH)
}

var now = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func day(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }

// fullVisit has every column filled, the appraisal used and an
// enforcement problem found, so that every field of the table applies.
func fullVisit() models.Visit {
	next, met, reviewed := day(12, 20), day(11, 30), now
	reviewer := int64(42)
	return models.Visit{ID: 12, MemberID: 3, AuthorID: 41, Date: day(11, 13),
		Methods: models.MethodTalk + "," + models.MethodAppraisal, Type: models.TypeRecommend,
		Inspectors: "回访甲、回访乙", Participants: "=cmd 组织委员", Thinking: "思想<认识>&到位", Work: "工作积极",
		Difficulties: "家属患病", Opinions: "希望关心", Help: "协调补助", EnforcementOK: false, EnforcementProblem: "工资未调整",
		PayCorrectedFen: 123450, Conclusion: models.ConclusionFairlyGood, Recommendation: models.RecommendPost,
		FeedbackUnit: true, BranchInformed: false, NextVisit: &next, Study: "参加学习", Rectification: "已整改",
		CaseView: "无申诉意向", Loopholes: "财务审批", Guidance: "指出方向", Requests: "调岗诉求", RequestsMetOn: &met,
		AppraisalMorality: models.ConclusionGood, AppraisalAbility: models.ConclusionFairlyGood,
		AppraisalDiligence: models.ConclusionAverage, AppraisalResults: models.ConclusionGood,
		AppraisalIntegrity: models.ConclusionPoor, AppraisalNote: "测评 15 人",
		Review: models.ReviewReturned, ReviewerID: &reviewer, ReviewedAt: &reviewed, ReviewNote: "请补充测评说明"}
}

func sanctionOf() models.Sanction {
	end := day(1, 5).AddDate(1, 0, 0)
	return models.Sanction{ID: 7, Kind: models.PartyProbation, ProbationMonths: 12, DecisionNo: "东纪发〔2026〕1号",
		DecisionDate: day(1, 5), EffectiveDate: day(1, 5), PeriodEnd: &end, Category: models.RankSectionCadre}
}

// TestFormFile_EveryField: the form of a talk visit carries the talk
// title, every field that applies with its label and value, the member,
// unit, post and sanction, the review with its comment, and a file name
// with the visit's number and the date.
func TestFormFile_EveryField(t *testing.T) {
	tr := zh(t)
	v := fullVisit()
	doc := models.VisitDoc{Member: models.Member{ID: 3, Name: "张三", Post: "副镇长", Rank: models.RankSectionCadre},
		UnitName: "东湖镇", Visit: v, Sanctions: []models.Sanction{sanctionOf()}, Names: map[int64]string{41: "回访甲", 42: "审核人"}}
	name, data, err := FormFile(tr, "东湖区纪委监委案件审理室", doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if name != "受纪律处分人员谈心回访情况登记表_12_20261203.docx" {
		t.Errorf("file name = %q", name)
	}
	text, err := docx.BodyText(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"受纪律处分人员谈心回访情况登记表", "东湖区纪委监委案件审理室", "张三", "东湖镇", "副镇长", "科级领导干部",
		"东纪发〔2026〕1号", "留党察看一年", "退回修改（审核人，2026年12月3日）", "请补充测评说明", "回访甲",
		"1,234.50 元", "推荐式", "谈心谈话、民主测评", "测评·廉", "2026年12月20日"}
	fields := visit.AppliedFields(v)
	rv := reflect.ValueOf(v)
	for _, fd := range fields {
		if fd.Col == "" {
			continue
		}
		want = append(want, tr.T("f_"+fd.Name))
		if s, ok := rv.FieldByName(fd.Col).Interface().(string); ok && fd.Labels == "" {
			want = append(want, s) // free text, as typed (escaping undone by the XML reader)
		}
	}
	if len(fields) < 30 {
		t.Errorf("only %d fields apply to a visit with every column filled", len(fields))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("form lacks %q", w)
		}
	}
	v.Methods = models.MethodHome
	doc.Visit = v
	name, data, err = FormFile(tr, "审理室", doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := docx.BodyText(data); !strings.HasPrefix(name, "回访情况记录表_12_") || !strings.Contains(text, "回访情况记录表") ||
		strings.Contains(text, "测评·德") {
		t.Errorf("visit without talk or appraisal: %s\n%s", name, text)
	}
}

// TestArchiveFile_Order: approved visits come in date order, pending and
// returned ones apart after them, and the file is named after the member.
func TestArchiveFile_Order(t *testing.T) {
	tr := zh(t)
	mk := func(id uint64, d time.Time, r models.ReviewState) models.Visit {
		v := fullVisit()
		v.ID, v.Date, v.Review, v.Thinking = id, d, r, "思想"+strconv.FormatUint(id, 10)
		return v
	}
	lifted := day(1, 6).AddDate(1, 0, 0)
	sc := sanctionOf()
	sc.LiftedOn, sc.LiftDecisionNo = &lifted, "东纪发〔2027〕9号"
	appraised := day(11, 1)
	doc := models.ArchiveDoc{
		Member:   models.Member{ID: 3, Name: "张三", UnitAppraisal: "表现良好", UnitAppraisalDate: &appraised},
		UnitName: "东湖镇", Sanctions: []models.Sanction{sc},
		Visits: []models.Visit{mk(1, day(3, 1), models.ReviewApproved), mk(2, day(4, 1), models.ReviewReturned),
			mk(3, day(5, 1), models.ReviewApproved), mk(4, day(6, 1), models.ReviewPending)},
	}
	name, data, err := ArchiveFile(tr, "审理室", doc, now)
	if err != nil {
		t.Fatal(err)
	}
	if name != "回访教育档案_张三_20261203.docx" {
		t.Errorf("file name = %q", name)
	}
	text, err := docx.BodyText(data)
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for _, w := range []string{"回访教育档案", "建档单位：审理室", "东纪发〔2026〕1号", "表现良好", "2026年11月1日",
		"三、回访记录（已审核）", "思想1", "思想3", "四、待审核及退回修改", "思想2", "退回修改", "思想4", "待审核",
		"五、恢复党员权利", "2027年1月6日", "东纪发〔2027〕9号", "察看期满后由党组织决定恢复党员权利"} {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Fatalf("archive lacks %q after offset %d:\n%s", w, pos, text)
		}
		pos += i + len(w)
	}
}

// TestParseFormButton: only the data FormButton writes is accepted.
func TestParseFormButton(t *testing.T) {
	for data, want := range map[string]uint64{"d1:f:12": 12, "d1:f:0": 0, "d1:f:": 0, "d1:f:012": 0, "d1:f:1x": 0,
		"d1:f:-1": 0, "v1:3:dc:ap:1": 0, "d1:f:18446744073709551616": 0} {
		if got, ok := ParseFormButton(data); got != want || ok != (want != 0) {
			t.Errorf("ParseFormButton(%q) = %d, %v", data, got, ok)
		}
	}
}

// FuzzParseFormButton: button data is untrusted; what is accepted is what
// FormButton writes for that id.
func FuzzParseFormButton(f *testing.F) {
	for _, s := range []string{"d1:f:12", "d1:f:", "d1:f:+1", "d1:f:1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseFormButton(s)
		if ok && (id == 0 || formData+strconv.FormatUint(id, 10) != s) {
			t.Fatalf("ParseFormButton(%q) = %d", s, id)
		}
	})
}
