package sqlstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// demoMembers returns the demo members with dates relative to today, so
// that every sanction kind and every item of the calendar shows: a period
// ending within 30 days (西山 张三: before_expiry), one ended ten days ago
// (韩十: after_expiry, and his interactive visits), a key target never
// visited (李四), the enforcement check of an expulsion from public office
// (钱七), the annual visit of last year's sanction, an open rectification
// and open requests, and a next visit agreed later than the required ones
// (冯十一), a visit agreed at the last visit and a follow-up (王五, demoted
// by his sanction yet a mandatory target by the category recorded with
// it). inspector is the demo inspector (0: none), who takes 韩十's
// interactive visits.
func demoMembers(today time.Time, inspector int64) []demoMember {
	ago := func(months int) time.Time { return models.AddMonths(today, -months) }
	soon := ago(6).AddDate(0, 0, 20)                         // a 6-month period ending in about 20 days
	ended := models.AddMonths(today.AddDate(0, 0, -10), -12) // a 12-month period that ended 10 days ago
	lastYear := time.Date(today.Year()-1, time.June, 15, 0, 0, 0, 0, time.UTC)
	wangwu := demoSanction(models.GovDemotion, ago(10), 8, 0)
	wangwu.Category = models.RankSectionCadre // his category when decided; his current one is "other"
	appraised := ago(1)
	return []demoMember{
		{unit: demoDHOffice,
			member:    models.Member{Name: "张三", Post: "党政办副主任", Rank: models.RankSectionCadre},
			sanctions: []models.Sanction{demoSanction(models.PartySeriousWarning, ago(8), 12, 0)}},
		{unit: demoXSPatrol,
			member:    models.Member{Name: "张三", Post: "执法队员", Rank: models.RankCivilServant},
			sanctions: []models.Sanction{demoSanction(models.GovWarning, soon, 5, 0)}},
		{unit: demoDHVill,
			member: models.Member{Name: "李四", Post: "村委会委员", Rank: models.RankOther,
				Key: true, KeyReason: "对处分不服，有对立情绪"},
			sanctions: []models.Sanction{demoSanction(models.PartyProbation, ago(5), 15, 12)}},
		{unit: demoDHOffice,
			member: models.Member{Name: "王五", Post: "财政所副所长", Rank: models.RankOther,
				UnitAppraisal: "该同志受处分后能正确对待，工作态度端正，群众反映较好。", UnitAppraisalDate: &appraised},
			sanctions: []models.Sanction{wangwu},
			visits:    wangwuVisits(ago(9), today)},
		{unit: demoXSComm,
			member:    models.Member{Name: "赵六", Post: "社区网格员", Rank: models.RankOther},
			sanctions: []models.Sanction{demoSanction(models.PartyWarning, ago(14), 21, 0)}},
		{unit: demoXSPatrol,
			member: models.Member{Name: "钱七", Post: "原执法队员", Rank: models.RankCivilServant},
			sanctions: []models.Sanction{
				demoSanction(models.PartyExpulsion, ago(3), 27, 0),
				demoSanction(models.GovExpulsion, ago(3), 11, 0),
			}},
		{unit: demoDHVill,
			member:    models.Member{Name: "孙八", Post: "村民小组长", Rank: models.RankOther},
			sanctions: []models.Sanction{demoSanction(models.PartyPostRemoval, ago(4), 33, 0)}},
		{unit: demoXSComm,
			member:    models.Member{Name: "周九", Post: "居委会副主任", Rank: models.RankOther},
			sanctions: []models.Sanction{demoSanction(models.GovMajorDemerit, ago(7), 14, 0)}},
		{unit: demoDHVill,
			member:    demoAssigned(models.Member{Name: "韩十", Post: "村报账员", Rank: models.RankOther}, inspector, ago(4)),
			sanctions: []models.Sanction{demoSanction(models.GovDemerit, ended, 17, 0)}},
		{unit: demoDHOffice,
			member:    models.Member{Name: "冯十一", Post: "社区服务中心主任", Rank: models.RankCivilServant},
			sanctions: []models.Sanction{demoSanction(models.GovDismissal, lastYear, 23, 0)},
			visits:    fengVisits(lastYear, today)},
	}
}

// demoAssigned gives m an inspector of interactive visits every three
// months since assigned, unless there is no demo inspector.
func demoAssigned(m models.Member, inspector int64, assigned time.Time) models.Member {
	if inspector != 0 {
		m.AssigneeID, m.IntervalMonths, m.AssignedAt = &inspector, 3, &assigned
	}
	return m
}

// demoSanction builds a sanction decided and effective on the same day,
// numbered like "示纪发〔2025〕12号" (party) or "示监发〔2025〕8号" (governmental).
func demoSanction(kind models.SanctionKind, decided time.Time, no, probationMonths int) models.Sanction {
	prefix := "示纪发"
	if strings.HasPrefix(string(kind), "gov_") {
		prefix = "示监发"
	}
	return models.Sanction{
		Kind:            kind,
		DecisionNo:      fmt.Sprintf("%s〔%d〕%d号", prefix, decided.Year(), no),
		DecisionDate:    decided,
		EffectiveDate:   decided,
		ProbationMonths: probationMonths,
	}
}

// wangwuVisits are two past visits: the first found a pay problem, since
// corrected; the second still owes the party branch its report and agreed
// the next visit.
func wangwuVisits(first, today time.Time) []models.Visit {
	next := models.AddMonths(today, 3)
	fixed := first.AddDate(0, 0, 15)
	return []models.Visit{{
		IdemKey: "demo:wangwu:1", Date: first,
		Methods: models.MethodTalk + "," + models.MethodHome, Type: models.TypeTalk,
		Inspectors: "演示回访人员、李主任（演示）", Participants: "东湖镇组织办、财政所党支部书记",
		Thinking: "对处分认识到位，表示接受组织处理。", Work: "工作积极，能完成本职任务。",
		Difficulties: "家属患病，经济压力较大。", Opinions: "希望组织继续关心。",
		Help:          "协调镇工会发放困难补助。",
		EnforcementOK: false, EnforcementProblem: "降级后工资仍按原级别发放。",
		PayCorrectedFen: 186000, RectifiedOn: &fixed, RectifiedFen: 186000,
		Conclusion: models.ConclusionFairlyGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: true,
	}, {
		IdemKey: "demo:wangwu:2", Date: today.AddDate(0, 0, -20),
		Methods: models.MethodTalk + "," + models.MethodAppraisal, Type: models.TypeTalk,
		Inspectors: "演示回访人员", Participants: "财政所所长",
		Thinking: "思想稳定，积极向组织靠拢。", Work: "能完成本职任务。",
		AppraisalMorality: models.ConclusionGood, AppraisalAbility: models.ConclusionFairlyGood,
		AppraisalDiligence: models.ConclusionGood, AppraisalResults: models.ConclusionFairlyGood,
		AppraisalIntegrity: models.ConclusionGood, AppraisalNote: "参加测评 15 人。",
		Study: "按时参加支部学习。", Guidance: "肯定了工作成绩，指出要加强业务学习。",
		EnforcementOK: true, Conclusion: models.ConclusionGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: false, NextVisit: &next,
	}}
}

// fengVisits is a visit ten days ago that found a pay problem not yet
// corrected, passed a request on, and agreed a next visit after the
// required ones.
func fengVisits(decided, today time.Time) []models.Visit {
	next := models.AddMonths(decided, 24).AddDate(0, 0, 60)
	return []models.Visit{{
		IdemKey: "demo:feng:1", Date: today.AddDate(0, 0, -10),
		Methods: models.MethodTalk + "," + models.MethodPartyOrg, Type: models.TypeTalk,
		Inspectors: "演示回访人员", Participants: "东湖镇组织办",
		Thinking: "能正确认识错误。", Work: "工作正常。",
		EnforcementOK: false, EnforcementProblem: "撤职后仍保留原职务津贴。", PayCorrectedFen: 52000,
		Requests: "希望协调解决子女入学问题。", CaseView: "对处分无异议，不申诉。",
		Conclusion: models.ConclusionFairlyGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: true, NextVisit: &next,
	}}
}
