package importer

import (
	"slices"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

func TestCleanName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"张三", "张三"},
		{"  张三  ", "张三"},
		{"张\u3000三", "张三"},
		{"张  三", "张三"},
		{"欧阳 小 明", "欧阳小明"},
		{"John   Smith", "John Smith"},
		{"Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"},
		{"张\u200b三\u2060", "张三"},
		{"\u00a0张三\u00a0", "张三"},
		{"张\t三\r\n", "张三"},
		{"金\uf900", "金\uf900"},   // compatibility ideograph kept
		{"\u2f00", "\u2f00"},     // Kangxi radical kept (Han)
		{"张三 Smith", "张三 Smith"}, // a space next to a Latin letter stays
		{"（临时）", "（临时）"},         // full-width brackets folded
		{"\u202e张三\u202c", "张三"}, // bidi overrides dropped
		{"", ""},
	} {
		if got := CleanName(tc.in); got != tc.want {
			t.Errorf("CleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsFormula(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"=1+1", true}, {"+1", true}, {"-1", true}, {"@A1", true},
		{" =1", true}, {"\t=1", true}, {"\r\n+1", true}, {"\u3000=1", true},
		{"＝1", true}, {"＠x", true}, {"\u200b=1", true},
		{"1=1", false}, {"a-b", false}, {"", false}, {"张三", false}, {"—", false},
	} {
		if got := isFormula(tc.in, CleanText(tc.in)); got != tc.want {
			t.Errorf("isFormula(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in     string
		sys    dateSystem
		want   time.Time
		reason string
	}{
		{"2025-11-20", date1900, day(2025, 11, 20), ""},
		{"2025/1/2", date1900, day(2025, 1, 2), ""},
		{"2025 年 11 月 20 日", date1900, day(2025, 11, 20), ""},
		{"2025-11-20T00:00:00Z", date1900, day(2025, 11, 20), ""},
		{"45981", date1900, day(2025, 11, 20), ""},
		{"44519", date1904, day(2025, 11, 20), ""},
		{"36526", date1900, day(2000, 1, 1), ""},
		{"36525", date1900, time.Time{}, reasonDateRange},
		{"2100-12-31", date1900, day(2100, 12, 31), ""},
		{"2101-01-01", date1900, time.Time{}, reasonDateRange},
		{"0", date1900, time.Time{}, reasonDateInvalid},
		{"9999999", date1900, time.Time{}, reasonDateRange},
		{"2025-13-01", date1900, time.Time{}, reasonDateInvalid},
		{"2025-11", date1900, time.Time{}, reasonDateInvalid},
		{"25-11-20", date1900, time.Time{}, reasonDateInvalid},
		{"2024-02-29", date1900, day(2024, 2, 29), ""},
		{"2025-02-29", date1900, time.Time{}, reasonDateInvalid},
	} {
		got, reason := parseDate(tc.in, tc.sys)
		if !got.Equal(tc.want) || reason != tc.reason || got.Location() != time.UTC {
			t.Errorf("parseDate(%q) = %v, %q; want %v, %q", tc.in, got, reason, tc.want, tc.reason)
		}
	}
}

// TestParseKind checks every drop-down label, the variants the 说明 sheet
// promises, and the refusals.
func TestParseKind(t *testing.T) {
	for _, l := range kindLabels {
		if got, reason := parseKind(l.label); got.kind != l.kind || reason != "" {
			t.Errorf("parseKind(%q) = %v %q, want %v", l.label, got, reason, l.kind)
		}
		if got, _ := parseKind(string(l.kind)); got.kind != l.kind {
			t.Errorf("parseKind(%q) = %v", l.kind, got)
		}
	}
	for in, want := range map[string]kindInfo{
		"警告(党纪)": {kind: models.PartyWarning}, "警告（党纪）": {kind: models.PartyWarning},
		"党纪警告": {kind: models.PartyWarning}, "党内警告处分": {kind: models.PartyWarning},
		"严重警告": {kind: models.PartySeriousWarning}, "严重警告（党纪）": {kind: models.PartySeriousWarning},
		"党纪严重警告": {kind: models.PartySeriousWarning},
		"警告(政务)": {kind: models.GovWarning}, "行政警告": {kind: models.GovWarning},
		"政务记过": {kind: models.GovDemerit}, "记大过处分": {kind: models.GovMajorDemerit},
		"降级（行政）": {kind: models.GovDemotion}, "撤职": {kind: models.GovDismissal},
		"开除公职": {kind: models.GovExpulsion}, "政务开除公职": {kind: models.GovExpulsion},
		"开 除 党 籍": {kind: models.PartyExpulsion},
		"留党察看一年":  {models.PartyProbation, 12}, "留党察看（两年）": {models.PartyProbation, 24},
		"留党察看2年处分": {models.PartyProbation, 24},
	} {
		if got, reason := parseKind(in); got != want || reason != "" {
			t.Errorf("parseKind(%q) = %v %q, want %v", in, got, reason, want)
		}
	}
	for in, reason := range map[string]string{
		"警告": reasonKindAmbiguous, "警告处分": reasonKindAmbiguous, "": reasonKindEmpty,
		"处分": reasonKindUnknown, "政务留党察看": reasonKindUnknown, "党内记过": reasonKindUnknown,
		"通报批评": reasonKindUnknown, "留党察看三年": reasonKindUnknown,
	} {
		if _, got := parseKind(in); got != reason {
			t.Errorf("parseKind(%q) reason %q, want %q", in, got, reason)
		}
	}
}

func TestParseProbationAndKey(t *testing.T) {
	for in, want := range map[string]int{"12": 12, "24": 24, "1年": 12, "两年": 24, "24个月": 24, "12.0": 12, "6": 0, "x": 0} {
		if got, given := parseProbation(in); got != want || !given {
			t.Errorf("parseProbation(%q) = %d %v, want %d true", in, got, given, want)
		}
	}
	for _, in := range []string{"", "0", " "} {
		if _, given := parseProbation(in); given {
			t.Errorf("parseProbation(%q) given", in)
		}
	}
	for in, want := range map[string]bool{"是": true, "Y": true, "yes": true, "TRUE": true, "1": true, "否": false, "n": false, "No": false, "false": false, "0": false, "": false} {
		if got, ok := parseKey(in); got != want || !ok {
			t.Errorf("parseKey(%q) = %v %v", in, got, ok)
		}
	}
	if _, ok := parseKey("对"); ok {
		t.Error("parseKey(对) ok")
	}
}

func TestReasonCodes(t *testing.T) {
	codes := ReasonCodes()
	sorted := slices.Clone(codes)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(codes) {
		t.Errorf("duplicate codes in %q", codes)
	}
	for _, want := range []string{"name_empty", "name_too_long", "formula", "date_invalid", "date_range",
		"effective_before_decision", "kind_unknown", "probation_months", "rank_unknown", "key_invalid",
		"key_reason_missing", "post_too_long", "decision_no_too_long", "key_reason_too_long"} {
		if !slices.Contains(codes, want) {
			t.Errorf("ReasonCodes lacks %q", want)
		}
	}
}

func TestColumnLetters(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := columnLetters(i); got != want {
			t.Errorf("columnLetters(%d) = %q, want %q", i, got, want)
		}
	}
}
