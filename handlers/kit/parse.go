package kit

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Date and amount parsing errors. Every error ParseDate or ParseAmount
// returns wraps exactly one of them (errors.Is), with detail for the logs.
var (
	// ErrDateFormat means the text is not a date in any accepted form.
	ErrDateFormat = errors.New("unrecognised date format")
	// ErrDateInvalid means the text has a date's form but names no day in
	// the calendar (2月30日) or one outside the years 2000..2100.
	ErrDateInvalid = errors.New("no such date")
	// ErrAmountFormat means the text is not an amount of yuan.
	ErrAmountFormat = errors.New("unrecognised amount")
	// ErrAmountRange means the amount is negative or above MaxAmountFen.
	ErrAmountRange = errors.New("amount out of range")
)

// Limits of ParseDate and ParseAmount.
const (
	MinDateYear  = 2000
	MaxDateYear  = 2100
	MaxAmountFen = 10_000_000 * 100 // ten million yuan
)

// Fold applies NFKC, so full-width digits and punctuation (２０２６／１１，
// ￥, ideographic space) become their ASCII forms, and trims spaces.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ReplaceAll(s, "。", ".") // NFKC keeps the ideographic full stop
	return strings.TrimSpace(s)
}

// splitDigitRuns cuts s into alternating runs of ASCII digits and of other
// characters.
func splitDigitRuns(s string) []string {
	var parts []string
	start := 0
	for i := 1; i <= len(s); i++ {
		if i == len(s) || isASCIIDigit(s[i]) != isASCIIDigit(s[start]) {
			parts = append(parts, s[start:i])
			start = i
		}
	}
	return parts
}

func isASCIIDigit(b byte) bool { return '0' <= b && b <= '9' }

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// digitsValue converts a run of at most 9 ASCII digits.
func digitsValue(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ParseDate parses what an inspector types for a date, relative to today (a
// date in the user's time zone at midnight UTC representation: year, month,
// day only matter). It accepts 2026-11-20, 2026.11.20, 2026/11/20,
// 2026年11月20日 (or 号), 20261120, 26.11.20 (and 26-11-20, 26/11/20),
// 11月20日, 11-20, 11.20 and 11/20, in full-width characters too, and the
// words 今天, 昨天, 前天 (today, yesterday). Without a year it means the
// last such day on or before today. The result is that day at midnight UTC.
func ParseDate(s string, today time.Time) (time.Time, error) {
	folded := Fold(s)
	if back, ok := relativeDays[strings.ToLower(folded)]; ok {
		return today.AddDate(0, 0, -back), nil
	}
	y, m, d, hasYear, ok := dateParts(folded)
	if !ok {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, ErrDateFormat)
	}
	if !hasYear {
		y = today.Year()
		if m > int(today.Month()) || m == int(today.Month()) && d > today.Day() {
			y--
		}
	}
	if y < MinDateYear || y > MaxDateYear {
		return time.Time{}, fmt.Errorf("parse date %q: year %d outside %d..%d: %w", s, y, MinDateYear, MaxDateYear, ErrDateInvalid)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d {
		return time.Time{}, fmt.Errorf("parse date %q: %04d-%02d-%02d is not in the calendar: %w", s, y, m, d, ErrDateInvalid)
	}
	return t, nil
}

// relativeDays are the words for a day counted back from today.
var relativeDays = map[string]int{"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "today": 0, "yesterday": 1}

// dateParts recognises the accepted forms of a folded date and returns its
// numbers unchecked; hasYear is false for the forms without a year.
func dateParts(s string) (y, m, d int, hasYear, ok bool) {
	if strings.ContainsAny(s, "年月") {
		// Spaces around the characters are harmless here: "11 月 20 日".
		s = strings.Join(strings.Fields(s), "")
	}
	p := splitDigitRuns(s)
	short := func(i int) bool { return len(p[i]) <= 2 && allASCIIDigits(p[i]) }
	year := func(i int) bool { return len(p[i]) == 4 && allASCIIDigits(p[i]) }
	isSep := func(x string) bool { return x == "-" || x == "." || x == "/" }
	dayMark := func(x string) bool { return x == "日" || x == "号" }
	switch {
	case len(p) == 1 && len(p[0]) == 8 && allASCIIDigits(p[0]):
		return digitsValue(p[0][:4]), digitsValue(p[0][4:6]), digitsValue(p[0][6:]), true, true
	case len(p) == 5 && year(0) && isSep(p[1]) && short(2) && p[3] == p[1] && short(4):
		return digitsValue(p[0]), digitsValue(p[2]), digitsValue(p[4]), true, true
	case len(p) == 5 && len(p[0]) == 2 && short(0) && isSep(p[1]) && short(2) && p[3] == p[1] && short(4):
		return 2000 + digitsValue(p[0]), digitsValue(p[2]), digitsValue(p[4]), true, true // 26.11.20
	case len(p) == 3 && short(0) && isSep(p[1]) && short(2):
		return 0, digitsValue(p[0]), digitsValue(p[2]), false, true
	case (len(p) == 5 || len(p) == 6 && dayMark(p[5])) && year(0) && p[1] == "年" && short(2) && p[3] == "月" && short(4):
		return digitsValue(p[0]), digitsValue(p[2]), digitsValue(p[4]), true, true
	case (len(p) == 3 || len(p) == 4 && dayMark(p[3])) && short(0) && p[1] == "月" && short(2):
		return 0, digitsValue(p[0]), digitsValue(p[2]), false, true
	}
	return 0, 0, 0, false, false
}

// ParseAmount parses an amount of yuan into fen (1 yuan = 100 fen): 1234,
// 1,234.50, 1234.5, ¥1,234.50, ￥12, 1234元, in full-width characters too.
// Commas only separate thousands, in groups of three; at most two decimals;
// 0 through MaxAmountFen.
func ParseAmount(s string) (fen int64, err error) {
	t := Fold(s)
	t = strings.TrimPrefix(t, "¥") // NFKC folds ￥ to ¥
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), "元"))
	if strings.HasPrefix(t, "-") && amountWellFormed(t[1:]) {
		return 0, fmt.Errorf("parse amount %q: negative: %w", s, ErrAmountRange)
	}
	if !amountWellFormed(t) {
		return 0, fmt.Errorf("parse amount %q: %w", s, ErrAmountFormat)
	}
	whole, frac, _ := strings.Cut(strings.ReplaceAll(t, ",", ""), ".")
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 8 { // more than 99,999,999 yuan; also keeps atoi in range
		return 0, fmt.Errorf("parse amount %q: above %s: %w", s, FormatFen(MaxAmountFen), ErrAmountRange)
	}
	fen = int64(digitsValue(whole)) * 100
	switch len(frac) {
	case 1:
		fen += int64(digitsValue(frac)) * 10
	case 2:
		fen += int64(digitsValue(frac))
	}
	if fen > MaxAmountFen {
		return 0, fmt.Errorf("parse amount %q: above %s: %w", s, FormatFen(MaxAmountFen), ErrAmountRange)
	}
	return fen, nil
}

// amountWellFormed reports whether s is digits, optionally grouped by commas
// (1,234,567: a first group of 1..3 digits not starting with 0, then groups
// of exactly 3), with an optional fraction of one or two digits.
func amountWellFormed(s string) bool {
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (len(frac) < 1 || len(frac) > 2 || !allASCIIDigits(frac)) {
		return false
	}
	if !strings.Contains(whole, ",") {
		return allASCIIDigits(whole)
	}
	groups := strings.Split(whole, ",")
	first := groups[0]
	if len(first) < 1 || len(first) > 3 || !allASCIIDigits(first) || first[0] == '0' {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allASCIIDigits(g) {
			return false
		}
	}
	return true
}

// FormatFen renders fen as yuan with thousands separators and two decimals:
// 123450 → "1,234.50"; negative amounts get a leading minus.
func FormatFen(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", -u
	}
	digits := fmt.Sprint(u / 100)
	var b strings.Builder
	b.WriteString(sign)
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(digits[i])
	}
	fmt.Fprintf(&b, ".%02d", u%100)
	return b.String()
}
