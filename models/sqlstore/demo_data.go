package sqlstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// demoMembers returns the demo members with dates relative to today: one
// sanction ends within 30 days, one ended two months ago, one has no period.
func demoMembers(today time.Time) []demoMember {
	ago := func(months int) time.Time { return models.AddMonths(today, -months) }
	soon := ago(6).AddDate(0, 0, 20) // a 6-month period ending in about 20 days
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
			member:    models.Member{Name: "王五", Post: "财政所副所长", Rank: models.RankSectionCadre},
			sanctions: []models.Sanction{demoSanction(models.GovDemotion, ago(10), 8, 0)},
			visits:    demoVisits(ago(9), today)},
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
	}
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
		Enforced:        kind == models.GovDemotion,
	}
}

// demoVisits are two past visits: the first found and fixed a pay problem,
// the second still owes the party branch its report and plans the next one.
func demoVisits(first, today time.Time) []models.Visit {
	next := models.AddMonths(today, 3)
	return []models.Visit{{
		IdemKey: "demo:wangwu:1", Date: first,
		Methods: models.MethodTalk + "," + models.MethodHome, Type: models.TypeTalk,
		Inspectors: "演示回访员、李主任（演示）", Participants: "东湖镇组织办、财政所党支部书记",
		Thinking: "对处分认识到位，表示接受组织处理。", Work: "工作积极，能完成本职任务。",
		Difficulties: "家属患病，经济压力较大。", Opinions: "希望组织继续关心。",
		Help:          "协调镇工会发放困难补助。",
		EnforcementOK: false, EnforcementProblem: "降级后工资仍按原级别发放，已督促纠正。",
		PayCorrectedFen: 186000, Conclusion: models.ConclusionFairlyGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: true,
	}, {
		IdemKey: "demo:wangwu:2", Date: today.AddDate(0, 0, -20),
		Methods: models.MethodTalk + "," + models.MethodAppraisal, Type: models.TypeTalk,
		Inspectors: "演示回访员", Participants: "财政所所长",
		Thinking: "思想稳定，积极向组织靠拢。", Work: "民主测评结果为较好。",
		EnforcementOK: true, Conclusion: models.ConclusionGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: false, NextVisit: &next,
	}}
}
