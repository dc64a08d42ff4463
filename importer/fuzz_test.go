package importer

import (
	"errors"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// FuzzParseCSV feeds arbitrary bytes as a CSV file: Parse must not panic,
// must fail with one of its errors or succeed, and every rejection must
// carry a row of 2 or more and a known code.
func FuzzParseCSV(f *testing.F) {
	members, sanctions := TemplateCSV()
	f.Add(members)
	f.Add(sanctions)
	f.Add(csvOf(memberHeader, okMember, []string{"=1", " 张\u3000三 ", "", "处级", "也许"}))
	f.Add(csvOf(sanctionHeader, okSanction, []string{"李四", "东湖镇", "留党察看一年", "24", no1, "45981", "2025-11-19"}))
	f.Add(csvOf(englishHeadersOf(kindSanctions), []string{"a", "b", "警告", "x", "", "2025年2月30日", "1999-01-01"}))
	f.Add([]byte("\r\n\"姓名\",单位\r\n\"张\r\n三\",东湖镇,多余\r\n\r\n"))
	if gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvOf(memberHeader, okMember)); err == nil {
		f.Add(gb)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse("fuzz.csv", data, testToday)
		if err != nil {
			if !errors.Is(err, ErrFileType) && !errors.Is(err, ErrTooLarge) &&
				!errors.Is(err, ErrEmpty) && !errors.Is(err, ErrHeaders) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkKnownCodes(t, res)
		for _, m := range res.Members {
			if m.Row < 2 || m.Name == "" || m.UnitName == "" || m.Rank == "" {
				t.Fatalf("bad member %+v", m)
			}
		}
		for _, s := range res.Sanctions {
			if s.Row < 2 || s.Kind == "" || s.DecisionNo == "" || s.DecisionDate.IsZero() || s.EffectiveDate.Before(s.DecisionDate) {
				t.Fatalf("bad sanction %+v", s)
			}
		}
	})
}
