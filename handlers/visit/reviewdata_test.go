package visit

import (
	"strings"
	"testing"
)

func TestParseReviewData(t *testing.T) {
	for _, ok := range []ReviewData{
		{Action: rvOpen, Visit: 7}, {Action: rvApprove, Visit: 12, N: 0}, {Action: rvReturn, Visit: 12, N: 3},
		{Action: rvEdit, Visit: 18446744073709551615}, {Action: rvHistory, Visit: 1},
	} {
		got, err := ParseReviewData(ok.String())
		if err != nil || got != ok {
			t.Errorf("ParseReviewData(%q) = %+v, %v", ok.String(), got, err)
		}
		if len(ok.String()) > 64 {
			t.Errorf("%q is over Telegram's 64 bytes", ok.String())
		}
	}
	for _, bad := range []string{"", "rv1:", "rv1:o", "rv1:o:0", "rv1:o:01", "rv1:o:+1", "rv1:o:1:2", "rv1:a:1", "rv1:a:1:-1",
		"rv1:a:1:01", "rv1:x:1", "rv2:o:1", "r1:o:1", "rv1:o:18446744073709551616", "rv1:o:1 ", "rv1:a:1:99999999",
		"rv1:o:" + strings.Repeat("1", 70)} {
		if d, err := ParseReviewData(bad); err == nil {
			t.Errorf("ParseReviewData(%q) = %+v, want an error", bad, d)
		}
	}
}

// FuzzParseReviewData: whatever a client sends, parsing never panics and
// accepts only what String writes.
func FuzzParseReviewData(f *testing.F) {
	for _, s := range []string{"rv1:o:7", "rv1:a:12:0", "rv1:r:1:3", "rv1:e:5", "rv1:h:9", "rv1:a:1:-1", "v1:3:rv:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseReviewData(s)
		if err != nil {
			return
		}
		if d.String() != s || d.Visit == 0 || len(s) > 64 {
			t.Errorf("ParseReviewData(%q) accepted %+v", s, d)
		}
	})
}
