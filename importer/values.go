package importer

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dateSystem is a workbook's epoch for serial dates: Excel's 1900 system
// (the default; serial 1 is 1900-01-01, counting the phantom 1900-02-29)
// or the 1904 system of old Mac workbooks.
type dateSystem bool

const (
	date1900 dateSystem = false
	date1904 dateSystem = true
)

var (
	epoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)

	// dateText matches 2025-11-20, 2025/11/20, 2025.11.20 and 2025年11月20日,
	// optionally followed by a time of day (which is dropped).
	dateText = regexp.MustCompile(`^(\d{4}) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2}) ?日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$`)
	// serialText matches an Excel serial number, as raw cell values give it.
	serialText = regexp.MustCompile(`^\d{1,7}(?:\.\d+)?$`)
	// compactText matches 20251120.
	compactText = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

const (
	minYear = 2000
	maxYear = 2100
)

// parseDate reads a cleaned date cell and returns UTC midnight, or a
// rejection code: "date_invalid" or "date_range".
func parseDate(s string, sys dateSystem) (time.Time, string) {
	var y, m, d int
	switch {
	case compactText.MatchString(s):
		g := compactText.FindStringSubmatch(s)
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	case serialText.MatchString(s):
		return serialDate(s, sys)
	case dateText.MatchString(s):
		g := dateText.FindStringSubmatch(s)
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	default:
		return time.Time{}, reasonDateInvalid
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, reasonDateInvalid // 2025-02-30 and the like
	}
	return inRange(t)
}

// serialDate converts an Excel serial day number; a fraction is a time of
// day and is dropped.
func serialDate(s string, sys dateSystem) (time.Time, string) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 {
		return time.Time{}, reasonDateInvalid
	}
	days := int(math.Floor(f))
	epoch := epoch1900
	if sys == date1904 {
		epoch = epoch1904
	}
	return inRange(epoch.AddDate(0, 0, days))
}

func inRange(t time.Time) (time.Time, string) {
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, reasonDateRange
	}
	return t, ""
}

// atoi converts digits matched by a regexp; they always parse.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// dayOf returns t's calendar date, in t's own location, as UTC midnight.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// parseKey reads 是否重点; ok is false for anything but the accepted words.
func parseKey(s string) (key, ok bool) {
	switch strings.ToLower(s) {
	case "", "否", "n", "no", "false", "0", "0.0":
		return false, true
	case "是", "y", "yes", "true", "1", "1.0":
		return true, true
	}
	return false, false
}

// probationWords are the accepted spellings of a probation period.
var probationWords = map[string]int{
	"12": 12, "24": 24, "12.0": 12, "24.0": 24,
	"12个月": 12, "24个月": 24, "12月": 12, "24月": 24,
	"1年": 12, "2年": 24, "一年": 12, "二年": 24, "两年": 24,
}

// parseProbation reads 处分期限(月): given is false for an empty cell or 0;
// months is 0 when the text is not an accepted period.
func parseProbation(s string) (months int, given bool) {
	k := labelKey(s)
	if k == "" || k == "0" {
		return 0, false
	}
	return probationWords[k], true
}
