package kit

import (
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

// TestSanctionLine: the status card says where a sanction's period stands
// in the words of its kind: 影响期至 (then over), 察看期至 (then pending
// or party rights restored), 处分期至 (then lifted by itself), and no
// period for an expulsion.
func TestSanctionLine(t *testing.T) {
	cat, err := NewCatalogue(Locales)
	if err != nil {
		t.Fatal(err)
	}
	tr := cat.Lang(LangZH)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	s := func(kind models.SanctionKind, months int) models.Sanction {
		sn := models.Sanction{Kind: kind, DecisionNo: "示〔2025〕1号", DecisionDate: day("2025-03-10"),
			EffectiveDate: day("2025-03-10"), ProbationMonths: months}
		sn.Normalise()
		return sn
	}
	restored := s(models.PartyProbation, 12)
	on := day("2026-03-12")
	restored.LiftedOn, restored.LiftDecisionNo = &on, "恢复〔1〕号"
	extended := s(models.PartyProbation, 12)
	extended.ExtensionNo = "延〔1〕号"
	extended.Normalise()
	for _, tc := range []struct {
		s     models.Sanction
		today string
		want  string
	}{
		{s(models.PartyWarning, 0), "2026-03-01", "党内警告 · 示〔2025〕1号 · 2025年3月10日 决定 · 影响期至 2026年3月10日（还有 9 天）"},
		{s(models.PartyWarning, 0), "2026-03-11", "影响期至 2026年3月10日，已结束"},
		{s(models.PartyProbation, 24), "2026-03-01", "留党察看二年 · 示〔2025〕1号 · 2025年3月10日 决定 · 察看期至 2027年3月10日（还有 374 天）"},
		{s(models.PartyProbation, 12), "2026-04-01", "察看期至 2026年3月10日，已届满，待作出恢复党员权利的决定"},
		{restored, "2026-04-01", "察看期至 2026年3月10日，已于 2026年3月12日 恢复党员权利（恢复〔1〕号）"},
		{extended, "2026-04-01", "留党察看一年（延长一年，延〔1〕号） · 示〔2025〕1号 · 2025年3月10日 决定 · 察看期至 2027年3月10日"},
		{s(models.GovDemerit, 0), "2026-03-01", "记过 · 示〔2025〕1号 · 2025年3月10日 决定 · 处分期至 2026年3月10日（还有 9 天）"},
		{s(models.GovDemerit, 0), "2026-03-11", "处分期至 2026年3月10日，期满自动解除"},
		{s(models.PartyExpulsion, 0), "2026-03-11", "开除党籍 · 示〔2025〕1号 · 2025年3月10日 决定 · 五年内不得重新入党（至 2030年3月10日）"},
		{s(models.GovExpulsion, 0), "2026-03-11", "开除公职 · 示〔2025〕1号 · 2025年3月10日 决定 · 无处分期间"},
	} {
		if got := SanctionLine(tr, tc.s, day(tc.today)); !strings.Contains(got, tc.want) {
			t.Errorf("SanctionLine on %s = %q, want %q", tc.today, got, tc.want)
		}
	}
}
