package kit

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseDate checks that ParseDate never panics, fails only with its
// sentinels, and returns only real days within range, never after today
// when the input had no year, that survive a round trip through ISO form.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-11-20", "2026.11.20", "2026/11/20", "2026年11月20日", "2026年11月20号", "20261120",
		"11月20日", "11月20号", "11-20", "11.20", "11/20", " ２０２６年１１月２０日 ", "2月29日",
		"2028-02-29", "2026-02-29", "1999-12-31", "2-30", "", "12-30", "0-0", "99年99月99日",
	} {
		f.Add(s, uint16(9827)) // 2026-11-27
	}
	f.Add("12-30", uint16(9864)) // 2027-01-03
	f.Fuzz(func(t *testing.T, s string, offset uint16) {
		// Any today from 2000-01-01 to 2100-12-31.
		today := utcDay(2000, 1, 1).AddDate(0, 0, int(offset)%36890)
		got, err := ParseDate(s, today)
		if err != nil {
			if !errors.Is(err, ErrDateFormat) && !errors.Is(err, ErrDateInvalid) {
				t.Fatalf("ParseDate(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		if got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, got)
		}
		if got.Year() < MinDateYear || got.Year() > MaxDateYear {
			t.Fatalf("ParseDate(%q) = %v, year out of range", s, got)
		}
		again, err := ParseDate(got.Format("2006-01-02"), today)
		if err != nil || !again.Equal(got) {
			t.Fatalf("ParseDate(%q) = %v does not round-trip: %v, %v", s, got, again, err)
		}
		if got.After(today) && !yearTyped(s) {
			t.Fatalf("ParseDate(%q, %v) = %v: after today without a year", s, today, got)
		}
	})
}

// yearTyped reports whether the accepted input s carried its own year:
// three runs of digits (2026-11-20, 26.11.20, 2026年11月20日) or eight digits
// in one (20261120); the forms without a year have two runs at most.
func yearTyped(s string) bool {
	runs := 0
	for _, p := range splitDigitRuns(Fold(s)) {
		if allASCIIDigits(p) {
			runs++
			if len(p) == 8 {
				return true
			}
		}
	}
	return runs >= 3
}

// FuzzParseAmount checks that ParseAmount never panics, fails only with its
// sentinels, and returns amounts within range that FormatFen round-trips.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"0", "1234", "1,234.50", "1234.5", "１２３４．５", "¥1,234.50", "￥12", "1234元", "1 234,00",
		"1,23", "-5", "10000000", "10000000.01", "99999999999999999999", "0.05", ".5", "1.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseAmount(s)
		if err != nil {
			if !errors.Is(err, ErrAmountFormat) && !errors.Is(err, ErrAmountRange) {
				t.Fatalf("ParseAmount(%q) error %v wraps no sentinel", s, err)
			}
			return
		}
		if fen < 0 || fen > 1e9 {
			t.Fatalf("ParseAmount(%q) = %d, out of range", s, fen)
		}
		text := FormatFen(fen)
		again, err := ParseAmount(text)
		if err != nil || again != fen {
			t.Fatalf("ParseAmount(%q) = %d; FormatFen gives %q, which parses as %d, %v", s, fen, text, again, err)
		}
	})
}
