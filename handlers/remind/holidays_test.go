package remind

import (
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// zh renders this feature's messages in Chinese.
func zh(t *testing.T) kit.Tr {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, locales)
	if err != nil {
		t.Fatal(err)
	}
	return cat.Lang(kit.LangZH)
}

func TestParseHolidayArgs(t *testing.T) {
	days := func(ds ...string) []string { return ds }
	fmtDays := func(ts []time.Time) []string {
		var out []string
		for _, d := range ts {
			out = append(out, d.Format(kit.DateLayout))
		}
		return out
	}
	ok := []struct {
		name, args string
		off, work  []string
	}{
		{"OffAndWork", "off 2027-01-01,2027-02-10..2027-02-12 work 2027-02-14",
			days("2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12"), days("2027-02-14")},
		// 2027-02-06 and -07 are a weekend: off anyway; 2027-02-15 is a Monday: a workday anyway.
		{"Normalised", "off 2027-02-05..2027-02-08 work 2027-02-14,2027-02-15",
			days("2027-02-05", "2027-02-08"), days("2027-02-14")},
		{"SpacesAndDuplicates", "OFF 2027-10-01, 2027-10-01..2027-10-04，2027-10-04", days("2027-10-01", "2027-10-04"), nil},
		{"WorkOnly", "work 2027-09-26", nil, days("2027-09-26")},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			off, work, herr := parseHolidayArgs(2027, strings.Fields(tc.args))
			if herr != nil {
				t.Fatalf("error %+v", herr)
			}
			if got := strings.Join(fmtDays(off), " "); got != strings.Join(tc.off, " ") {
				t.Errorf("off = %s, want %s", got, strings.Join(tc.off, " "))
			}
			if got := strings.Join(fmtDays(work), " "); got != strings.Join(tc.work, " ") {
				t.Errorf("work = %s, want %s", got, strings.Join(tc.work, " "))
			}
		})
	}
	bad := []struct{ args, id string }{
		{"2027-01-01", "rm_hol_syntax"},
		{"off", "rm_hol_syntax"},
		{"off 2027-01-01 off 2027-01-02", "rm_hol_syntax"},
		{"off 2027-13-01", "rm_hol_bad_date"},
		{"off 2027-02-12..2027-02-10", "rm_hol_bad_date"},
		{"off 2027-1-1", "rm_hol_bad_date"},
		{"off 2026-12-31", "rm_hol_wrong_year"},
		{"off 2027-12-30..2028-01-02", "rm_hol_wrong_year"},
		{"off 2027-01-01..2027-03-01", "rm_hol_range_long"},
		{"off 2027-02-14 work 2027-02-14", "rm_hol_both"},
	}
	for _, tc := range bad {
		if _, _, herr := parseHolidayArgs(2027, strings.Fields(tc.args)); herr == nil || herr.ID != tc.id {
			t.Errorf("parseHolidayArgs(%q) = %+v, want %s", tc.args, herr, tc.id)
		}
	}
}

func TestDayList(t *testing.T) {
	tr := zh(t)
	d := func(s string) time.Time { t, _ := time.Parse(kit.DateLayout, s); return t }
	got := dayList(tr, []time.Time{d("2027-01-01"), d("2027-02-10"), d("2027-02-11"), d("2027-02-12"), d("2027-10-08")})
	if want := "2027-01-01,2027-02-10..2027-02-12,2027-10-08"; got != want {
		t.Errorf("dayList = %q, want %q", got, want)
	}
	if got := dayList(tr, nil); got != "无" {
		t.Errorf("dayList(nil) = %q", got)
	}
}

// TestView_FitSections: names so long that five entries per section no
// longer fit are cut, and every section still says how many are left out.
func TestView_FitSections(t *testing.T) {
	v := &view{t: zh(t), viewer: models.Viewer{TelegramID: 10001, Role: models.RoleAdmin}}
	long := strings.Repeat("很长的单位名称", 150)
	text := v.fitSections("title", []section{
		{head: "a", lines: []string{long, long, long, long, long}, total: 9, more: "rm_dg_more"},
		{head: "b", lines: []string{long, long, long, long, long}, total: 5, more: "rm_dg_more"},
	}, maxDigestTop)
	if n := kit.TextLen(text); n > kit.MaxTextLen || !strings.Contains(text, "以及另外 8 项") || !strings.Contains(text, "以及另外 4 项") {
		t.Errorf("fitted to %d characters:\n%s", n, text)
	}
}
