package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
)

func TestParseHolidayArgs(t *testing.T) {
	days := func(ds ...string) []string { return ds }
	fmtDays := func(ts []time.Time) []string {
		var out []string
		for _, d := range ts {
			out = append(out, d.Format(dateLayout))
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
		if _, _, herr := parseHolidayArgs(2027, strings.Fields(tc.args)); herr == nil || herr.id != tc.id {
			t.Errorf("parseHolidayArgs(%q) = %+v, want %s", tc.args, herr, tc.id)
		}
	}
}

func TestSession_DayList(t *testing.T) {
	app, _, _ := newTestApp(t)
	s := app.newSession(context.Background(), Input{}, models.User{Lang: LangZH}, State{})
	d := func(s string) time.Time { t, _ := time.Parse(dateLayout, s); return t }
	got := s.dayList([]time.Time{d("2027-01-01"), d("2027-02-10"), d("2027-02-11"), d("2027-02-12"), d("2027-10-08")})
	if want := "2027-01-01,2027-02-10..2027-02-12,2027-10-08"; got != want {
		t.Errorf("dayList = %q, want %q", got, want)
	}
	if got := s.dayList(nil); got != "无" {
		t.Errorf("dayList(nil) = %q", got)
	}
}
