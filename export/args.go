package export

import (
	"strconv"
	"strings"
	"time"
)

// Request is what an export asks for, as typed after /export: a unit (as
// typed, "" for the asker's whole scope) and a period (zero: all time).
type Request struct {
	Unit     string
	From, To time.Time
}

// ArgError is a request that cannot be read; Code names the problem
// (catalogue x_err_<code>): "dates" (one date, or more than two),
// "period" (a year and dates together, or two years), "order" (the end
// before the start), "date" (a date that does not exist), "year" (a year
// outside 1949–2200).
type ArgError struct{ Code string }

func (e *ArgError) Error() string { return "export request: " + e.Code }

// Bounds of a year typed.
const (
	minYear = 1949
	maxYear = 2200
)

// ParseArgs reads "/export [unit] [year | date date]": a year is four
// digits (2026, 2026年), a date 2026-01-31, 2026/1/31, 2026.1.31 or
// 20260131; 至, 到, ~ and - between two dates are ignored; anything else is
// the unit's name. No year and no dates is all time.
func ParseArgs(args string) (Request, error) {
	var (
		req   Request
		years []int
		dates []time.Time
		unit  []string
	)
	for _, tok := range strings.Fields(strings.NewReplacer("～", " ", "~", " ", "至", " ", "到", " ", "—", " ").Replace(args)) {
		if tok == "-" {
			continue
		}
		if y, ok := yearToken(tok); ok {
			if y < minYear || y > maxYear {
				return Request{}, &ArgError{"year"}
			}
			years = append(years, y)
			continue
		}
		if d, ok, valid := dateToken(tok); ok {
			if !valid {
				return Request{}, &ArgError{"date"}
			}
			dates = append(dates, d)
			continue
		}
		unit = append(unit, tok)
	}
	req.Unit = strings.Join(unit, " ")
	switch {
	case len(years) > 1 || len(years) == 1 && len(dates) > 0:
		return Request{}, &ArgError{"period"}
	case len(years) == 1:
		req.From, req.To = YearPeriod(years[0])
	case len(dates) == 2:
		req.From, req.To = dates[0], dates[1]
	case len(dates) != 0:
		return Request{}, &ArgError{"dates"}
	}
	if req.To.Before(req.From) {
		return Request{}, &ArgError{"order"}
	}
	return req, nil
}

// YearPeriod is the first and last day of year y.
func YearPeriod(y int) (time.Time, time.Time) {
	return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)
}

// ParseYear reads a year (2026 or 2026年) within 1949–2200.
func ParseYear(s string) (int, bool) {
	y, ok := yearToken(strings.TrimSpace(s))
	return y, ok && y >= minYear && y <= maxYear
}

// ParseDate reads a date as ParseArgs does.
func ParseDate(s string) (time.Time, bool) {
	d, ok, valid := dateToken(strings.TrimSpace(s))
	return d, ok && valid
}

func yearToken(tok string) (int, bool) {
	tok = strings.TrimSuffix(tok, "年")
	if len(tok) != 4 || !digits(tok) {
		return 0, false
	}
	y, _ := strconv.Atoi(tok)
	return y, true
}

// dateToken reads a date token: ok when it has a date's shape, valid when
// that date exists.
func dateToken(tok string) (d time.Time, ok, valid bool) {
	var parts []string
	switch {
	case len(tok) == 8 && digits(tok):
		parts = []string{tok[:4], tok[4:6], tok[6:]}
	default:
		parts = strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		if len(parts) != 3 || strings.Trim(tok, "-/.0123456789") != "" || len(parts[0]) != 4 ||
			len(parts[1]) > 2 || len(parts[2]) > 2 || !digits(parts[0]+parts[1]+parts[2]) {
			return time.Time{}, false, false
		}
	}
	y, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	day, _ := strconv.Atoi(parts[2])
	d = time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	valid = y >= minYear && y <= maxYear && d.Year() == y && int(d.Month()) == m && d.Day() == day
	return d, true, valid
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
