package export_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/huifang/huifang/export"
)

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		in, unit, from, to, code string
	}{
		{in: "", unit: ""},
		{in: "东湖 2026", unit: "东湖", from: "2026-01-01", to: "2026-12-31"},
		{in: "2026年 东湖镇", unit: "东湖镇", from: "2026-01-01", to: "2026-12-31"},
		{in: "2026-01-01 2026-06-30", from: "2026-01-01", to: "2026-06-30"},
		{in: "西山 2026/1/1 至 20260630", unit: "西山", from: "2026-01-01", to: "2026-06-30"},
		{in: "2026.1.1~2026.3.1", from: "2026-01-01", to: "2026-03-01"},
		{in: "东湖镇 机关党支部", unit: "东湖镇 机关党支部"},
		{in: "2026 2025", code: "period"},
		{in: "2026 2026-01-01 2026-02-01", code: "period"},
		{in: "2026-01-01", code: "dates"},
		{in: "2026-06-30 2026-01-01", code: "order"},
		{in: "2026-02-30 2026-03-01", code: "date"},
		{in: "1800", code: "year"},
	} {
		got, err := export.ParseArgs(c.in)
		if c.code != "" {
			var ae *export.ArgError
			if !errors.As(err, &ae) || ae.Code != c.code {
				t.Errorf("ParseArgs(%q) = %+v, %v; want error %s", c.in, got, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseArgs(%q): %v", c.in, err)
			continue
		}
		from, to := "", ""
		if !got.From.IsZero() {
			from, to = got.From.Format("2006-01-02"), got.To.Format("2006-01-02")
		}
		if got.Unit != c.unit || from != c.from || to != c.to {
			t.Errorf("ParseArgs(%q) = %q %s %s, want %q %s %s", c.in, got.Unit, from, to, c.unit, c.from, c.to)
		}
	}
}

// FuzzParseArgs: any text gives a request or an ArgError, never a panic;
// a request's period is both dates or none, in order, and its unit is
// valid text.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"", "东湖 2026", "2026-01-01 2026-06-30", "西山 2026/1/1 至 20260630", "2026-02-30 x", "9999 1",
		"20261301", "2026.1.1~2026.3.1", "－ 2026年"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		req, err := export.ParseArgs(s)
		if err != nil {
			var ae *export.ArgError
			if !errors.As(err, &ae) {
				t.Fatalf("ParseArgs(%q) error %v is no ArgError", s, err)
			}
			return
		}
		if req.From.IsZero() != req.To.IsZero() || req.To.Before(req.From) {
			t.Fatalf("ParseArgs(%q) period %v – %v", s, req.From, req.To)
		}
		if utf8.ValidString(s) && !utf8.ValidString(req.Unit) {
			t.Fatalf("ParseArgs(%q) unit %q is not valid text", s, req.Unit)
		}
	})
}
