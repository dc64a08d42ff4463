package importer

import (
	"strings"

	"github.com/huifang/huifang/models"
)

// rankLabel is a rank's label in the template's drop-down.
type rankLabel struct {
	label   string
	rank    models.Rank
	aliases []string
}

// rankLabels lists the ranks in template order.
var rankLabels = []rankLabel{
	{"科级领导干部", models.RankSectionCadre, []string{"科级干部"}},
	{"国家公务员", models.RankCivilServant, []string{"公务员"}},
	{"其他", models.RankOther, []string{"其它"}},
}

// rankTable maps a label key to its rank.
var rankTable = func() map[string]models.Rank {
	m := map[string]models.Rank{}
	for _, l := range rankLabels {
		m[labelKey(l.label)] = l.rank
		m[labelKey(string(l.rank))] = l.rank
		for _, a := range l.aliases {
			m[labelKey(a)] = l.rank
		}
	}
	return m
}()

// parseRank reads 人员类别; an empty cell is RankOther.
func parseRank(s string) (models.Rank, bool) {
	if s == "" {
		return models.RankOther, true
	}
	r, ok := rankTable[labelKey(s)]
	return r, ok
}

// kindLabel is a sanction kind: its label in the drop-down (as in the
// handlers' catalogue), the base word its variants are built on, and
// whether the base alone (without 党内/政务 and the like) is accepted.
type kindLabel struct {
	label string
	kind  models.SanctionKind
	base  string
	bare  bool
	party bool
}

// kindLabels lists the kinds in template order, party sanctions first.
var kindLabels = []kindLabel{
	{"党内警告", models.PartyWarning, "警告", false, true},
	{"党内严重警告", models.PartySeriousWarning, "严重警告", true, true},
	{"撤销党内职务", models.PartyPostRemoval, "撤销党内职务", true, true},
	{"留党察看", models.PartyProbation, "留党察看", true, true},
	{"开除党籍", models.PartyExpulsion, "开除党籍", true, true},
	{"政务警告", models.GovWarning, "警告", false, false},
	{"记过", models.GovDemerit, "记过", true, false},
	{"记大过", models.GovMajorDemerit, "记大过", true, false},
	{"降级", models.GovDemotion, "降级", true, false},
	{"撤职", models.GovDismissal, "撤职", true, false},
	{"开除公职", models.GovExpulsion, "开除公职", true, false},
}

// extraKindBases are accepted spellings outside the drop-down.
var extraKindBases = []kindLabel{
	{"开除", models.GovExpulsion, "开除", true, false},
}

// Prefixes and suffixes that mark a kind as a party or a governmental
// sanction; 行政 is the pre-2020 word for 政务.
var (
	partyPrefixes = []string{"党内", "党纪"}
	partySuffixes = []string{"(党纪)", "(党内)"}
	govPrefixes   = []string{"政务", "行政"}
	govSuffixes   = []string{"(政务)", "(行政)"}
	// probationYears spells a probation period written into the kind
	// cell: 留党察看一年, 留党察看(二年).
	probationYears = map[string]int{"一年": 12, "1年": 12, "二年": 24, "两年": 24, "2年": 24}
)

// kindInfo is what a kind cell says: the kind and, for 留党察看一年 and
// the like, the probation period.
type kindInfo struct {
	kind   models.SanctionKind
	months int
}

// kindTable maps every accepted kind spelling (as a label key) to its kind.
var kindTable = func() map[string]kindInfo {
	m := map[string]kindInfo{}
	add := func(s string, k kindInfo) { m[labelKey(s)] = k }
	for _, l := range kindLabels {
		k := kindInfo{kind: l.kind}
		add(string(l.kind), k)
		for _, v := range kindVariants(l) {
			add(v, k)
		}
	}
	for _, l := range extraKindBases {
		for _, v := range kindVariants(l) {
			add(v, kindInfo{kind: l.kind})
		}
	}
	for y, months := range probationYears {
		add("留党察看"+y, kindInfo{models.PartyProbation, months})
		add("留党察看("+y+")", kindInfo{models.PartyProbation, months})
	}
	return m
}()

// kindVariants spells a kind with its base alone (when accepted), with
// each prefix and with each suffix of its class.
func kindVariants(l kindLabel) []string {
	pre, suf := govPrefixes, govSuffixes
	if l.party {
		pre, suf = partyPrefixes, partySuffixes
	}
	var vs []string
	if l.bare {
		vs = append(vs, l.base)
	}
	for _, p := range pre {
		vs = append(vs, p+l.base)
	}
	for _, s := range suf {
		vs = append(vs, l.base+s)
	}
	return vs
}

// parseKind reads 处分种类; the reason is "" or a rejection code.
func parseKind(s string) (kindInfo, string) {
	k := labelKey(s)
	if k == "" {
		return kindInfo{}, reasonKindEmpty
	}
	if t := strings.TrimSuffix(k, "处分"); t != "" {
		k = t
	}
	if info, ok := kindTable[k]; ok {
		return info, ""
	}
	if k == "警告" {
		return kindInfo{}, reasonKindAmbiguous
	}
	return kindInfo{}, reasonKindUnknown
}
