package kit

import (
	"errors"
	"math"
	"testing"
	"time"
)

func utcDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestParseDate(t *testing.T) {
	today := utcDay(2026, 11, 27)
	tests := []struct {
		name  string
		in    string
		today time.Time // zero: today above
		want  time.Time
	}{
		{"ISO", "2026-11-20", time.Time{}, utcDay(2026, 11, 20)},
		{"Dots", "2026.11.20", time.Time{}, utcDay(2026, 11, 20)},
		{"Slashes", "2026/11/20", time.Time{}, utcDay(2026, 11, 20)},
		{"Chinese", "2026年11月20日", time.Time{}, utcDay(2026, 11, 20)},
		{"ChineseHao", "2026年11月20号", time.Time{}, utcDay(2026, 11, 20)},
		{"ChineseNoDayMark", "2026年11月20", time.Time{}, utcDay(2026, 11, 20)},
		{"ChineseSpaced", " 2026 年 1 月 2 日 ", time.Time{}, utcDay(2026, 1, 2)},
		{"Compact", "20261120", time.Time{}, utcDay(2026, 11, 20)},
		{"MonthDayChinese", "11月20日", time.Time{}, utcDay(2026, 11, 20)},
		{"MonthDayHao", "11月20号", time.Time{}, utcDay(2026, 11, 20)},
		{"MonthDayDash", "11-20", time.Time{}, utcDay(2026, 11, 20)},
		{"MonthDayDot", "11.20", time.Time{}, utcDay(2026, 11, 20)},
		{"MonthDaySlash", "11/20", time.Time{}, utcDay(2026, 11, 20)},
		{"ShortYearDots", "26.11.20", time.Time{}, utcDay(2026, 11, 20)},
		{"ShortYearDashes", "26-1-5", time.Time{}, utcDay(2026, 1, 5)},
		{"Today", "今天", time.Time{}, utcDay(2026, 11, 27)},
		{"Yesterday", " 昨天 ", time.Time{}, utcDay(2026, 11, 26)},
		{"DayBeforeYesterday", "前天", time.Time{}, utcDay(2026, 11, 25)},
		{"YesterdayEnglish", "Yesterday", time.Time{}, utcDay(2026, 11, 26)},
		{"SingleDigits", "2026-1-5", time.Time{}, utcDay(2026, 1, 5)},
		{"SingleDigitsShort", "1/5", time.Time{}, utcDay(2026, 1, 5)},
		{"LeadingZeros", "2026-01-05", time.Time{}, utcDay(2026, 1, 5)},
		{"Spaces", "  11-20\t", time.Time{}, utcDay(2026, 11, 20)},
		{"FullWidthDigits", "２０２６年１１月２０日", time.Time{}, utcDay(2026, 11, 20)},
		{"FullWidthPunct", "２０２６－１１－２０", time.Time{}, utcDay(2026, 11, 20)},
		{"FullWidthSlashShort", "１１／２０", time.Time{}, utcDay(2026, 11, 20)},
		{"FullWidthDot", "２０２６．１１．２０", time.Time{}, utcDay(2026, 11, 20)},
		{"IdeographicFullStop", "2026。11。20", time.Time{}, utcDay(2026, 11, 20)},
		{"IdeographicSpace", "\u300011月20日\u3000", time.Time{}, utcDay(2026, 11, 20)},
		{"Today", "11-27", time.Time{}, utcDay(2026, 11, 27)},
		{"TomorrowIsLastYear", "11-28", time.Time{}, utcDay(2025, 11, 28)},
		{"FutureWithYearKept", "2026-12-31", time.Time{}, utcDay(2026, 12, 31)},
		{"AcrossNewYear", "12-30", utcDay(2027, 1, 3), utcDay(2026, 12, 30)},
		{"AcrossNewYearChinese", "12月30日", utcDay(2027, 1, 3), utcDay(2026, 12, 30)},
		{"NewYearsDay", "1-1", utcDay(2027, 1, 1), utcDay(2027, 1, 1)},
		{"LeapDay", "2028-02-29", time.Time{}, utcDay(2028, 2, 29)},
		{"LeapDayNoYear", "2月29日", utcDay(2028, 3, 1), utcDay(2028, 2, 29)},
		{"LeapDayNoYearFromJanuary", "2-29", utcDay(2029, 1, 10), utcDay(2028, 2, 29)},
		{"Year2000", "2000-01-01", time.Time{}, utcDay(2000, 1, 1)},
		{"Year2100", "2100-12-31", time.Time{}, utcDay(2100, 12, 31)},
		{"CenturyLeap2000", "2000-02-29", time.Time{}, utcDay(2000, 2, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.today
			if now.IsZero() {
				now = today
			}
			got, err := ParseDate(tt.in, now)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate_Errors(t *testing.T) {
	today := utcDay(2026, 11, 27)
	tests := []struct {
		name  string
		in    string
		today time.Time
		want  error
	}{
		{"Empty", "", today, ErrDateFormat},
		{"Blank", "   ", today, ErrDateFormat},
		{"Words", "明天", today, ErrDateFormat},
		{"MixedSeparators", "2026-11/20", today, ErrDateFormat},
		{"DayFirst", "20/11/2026", today, ErrDateFormat},
		{"ThreeDigitMonth", "2026-011-20", today, ErrDateFormat},
		{"SevenDigits", "2026112", today, ErrDateFormat},
		{"FourDigits", "1120", today, ErrDateFormat},
		{"TrailingGarbage", "2026-11-20x", today, ErrDateFormat},
		{"TrailingSeparator", "11-20-", today, ErrDateFormat},
		{"InnerSpace", "2026 11 20", today, ErrDateFormat},
		{"YearOnly", "2026年", today, ErrDateFormat},
		{"YearMonth", "2026年11月", today, ErrDateFormat},
		{"DayMarkTwice", "11月20日日", today, ErrDateFormat},
		{"Time", "2026-11-20 10:00", today, ErrDateFormat},
		{"ArabicIndicDigits", "١١-٢٠", today, ErrDateFormat},
		{"Feb30", "2月30日", today, ErrDateInvalid},
		{"NotLeap", "2025-02-29", today, ErrDateInvalid},
		{"NotLeap2026", "2026-02-29", today, ErrDateInvalid},
		{"Century2100NotLeap", "2100-02-29", today, ErrDateInvalid},
		{"LeapDayNoYearInCommonYear", "2-29", utcDay(2029, 3, 5), ErrDateInvalid},
		{"Month13", "2026-13-01", today, ErrDateInvalid},
		{"Month0", "0-10", today, ErrDateInvalid},
		{"Day0", "2026-11-00", today, ErrDateInvalid},
		{"Day32", "1月32日", today, ErrDateInvalid},
		{"April31", "20260431", today, ErrDateInvalid},
		{"Year1999", "1999-12-31", today, ErrDateInvalid},
		{"Year2101", "2101-01-01", today, ErrDateInvalid},
		{"NoYearBefore2000", "12-31", utcDay(2000, 1, 1), ErrDateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in, tt.today)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseDate(%q) = %v, %v; want error %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"0.00", 0},
		{"0.5", 50},
		{"0.05", 5},
		{"1234", 123400},
		{"1,234.50", 123450},
		{"1234.5", 123450},
		{"1234.56", 123456},
		{"1,234", 123400},
		{"1,234,567.89", 123456789},
		{"22,714", 2271400},
		{"１２３４．５", 123450},
		{"１，２３４．５０", 123450},
		{"¥1,234.50", 123450},
		{"￥12", 1200},
		{"¥ 12", 1200},
		{"1234元", 123400},
		{"1,234.50 元", 123450},
		{"￥１２元", 1200},
		{"  42  ", 4200},
		{"007", 700},
		{"10000000", MaxAmountFen},
		{"10,000,000.00", MaxAmountFen},
		{"9,999,999.99", MaxAmountFen - 1},
		{"00000000010000000", MaxAmountFen},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			if err != nil {
				t.Fatalf("ParseAmount(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseAmount(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseAmount_Errors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrAmountFormat},
		{"  ", ErrAmountFormat},
		{"¥", ErrAmountFormat},
		{"元", ErrAmountFormat},
		{"abc", ErrAmountFormat},
		{"12a", ErrAmountFormat},
		{"1e5", ErrAmountFormat},
		{"0x10", ErrAmountFormat},
		{"1.234", ErrAmountFormat},
		{"1.", ErrAmountFormat},
		{".5", ErrAmountFormat},
		{"1..5", ErrAmountFormat},
		{"1.2.3", ErrAmountFormat},
		{"1,23", ErrAmountFormat},
		{"1,2345", ErrAmountFormat},
		{"1234,567", ErrAmountFormat},
		{",123", ErrAmountFormat},
		{"123,", ErrAmountFormat},
		{"0,123", ErrAmountFormat},
		{"1,234,00", ErrAmountFormat},
		{"1 234,00", ErrAmountFormat},
		{"1 234", ErrAmountFormat},
		{"1234,5", ErrAmountFormat},
		{"+5", ErrAmountFormat},
		{"5-", ErrAmountFormat},
		{"12元5角", ErrAmountFormat},
		{"元12", ErrAmountFormat},
		{"$12", ErrAmountFormat},
		{"-5", ErrAmountRange},
		{"-1,234.50", ErrAmountRange},
		{"¥-5", ErrAmountRange},
		{"10000000.01", ErrAmountRange},
		{"10,000,001", ErrAmountRange},
		{"99999999", ErrAmountRange},
		{"100000000", ErrAmountRange},
		{"99999999999999999999999999999", ErrAmountRange},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseAmount(%q) = %d, %v; want error %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatFen(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{10, "0.10"},
		{99, "0.99"},
		{100, "1.00"},
		{123450, "1,234.50"},
		{2271400, "22,714.00"},
		{99999, "999.99"},
		{100000, "1,000.00"},
		{12345678901, "123,456,789.01"},
		{MaxAmountFen, "10,000,000.00"},
		{-5, "-0.05"},
		{-123450, "-1,234.50"},
		{math.MaxInt64, "92,233,720,368,547,758.07"},
		{math.MinInt64, "-92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := FormatFen(tt.in); got != tt.want {
			t.Errorf("FormatFen(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatFen_RoundTrip(t *testing.T) {
	values := []int64{0, 1, 9, 10, 99, 100, 101, 999, 1000, 99999, 100000, 123450, 2271400,
		99999999, 100000000, MaxAmountFen - 1, MaxAmountFen}
	for f := int64(7); f < MaxAmountFen; f = f*3 + 1 {
		values = append(values, f)
	}
	for _, fen := range values {
		got, err := ParseAmount(FormatFen(fen))
		if err != nil || got != fen {
			t.Errorf("ParseAmount(FormatFen(%d) = %q) = %d, %v", fen, FormatFen(fen), got, err)
		}
	}
}
