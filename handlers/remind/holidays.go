package remind

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
)

// Bounds of /holidays.
const (
	minHolidayYear  = 2000
	maxHolidayYear  = 2100
	maxHolidayRange = 31 // days in one "a..b" range
)

// cmdHolidays handles /holidays <year> (show) and
// /holidays <year> off <dates> work <dates> (replace), for admins.
func (r *Remind) cmdHolidays(t *kit.Turn, args string) error {
	if !t.IsAdmin() {
		t.Say("admin_only")
		return nil
	}
	f := strings.Fields(args)
	if len(f) == 0 {
		t.Say("rm_hol_usage")
		return nil
	}
	year, err := strconv.Atoi(f[0])
	if err != nil || year < minHolidayYear || year > maxHolidayYear {
		t.Say("rm_hol_bad_year", "Value", kit.Esc(shorten(f[0], kit.MaxArgRunes)), "Min", minHolidayYear, "Max", maxHolidayYear)
		return nil
	}
	if len(f) == 1 {
		return r.showHolidays(t, year)
	}
	off, work, p := parseHolidayArgs(year, f[1:])
	if p != nil {
		t.Say(p.ID, p.Data...)
		t.Say("rm_hol_usage")
		return nil
	}
	if err := r.db.SetHolidayYear(t.Ctx, t.Viewer, year, off, work); err != nil {
		return fmt.Errorf("set holidays of %d: %w", year, err)
	}
	t.Say("rm_hol_saved", "Year", year, "Off", dayList(t.T, off), "Work", dayList(t.T, work))
	return nil
}

// showHolidays shows a year's official schedule as the workday calendar
// has it: weekdays off and weekend days on.
func (r *Remind) showHolidays(t *kit.Turn, year int) error {
	var off, work []time.Time
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		workday, known, err := r.db.IsWorkday(t.Ctx, d)
		if err != nil {
			return fmt.Errorf("workday %s: %w", d.Format(kit.DateLayout), err)
		}
		if !known {
			t.Say("rm_hol_unknown", "Year", year)
			return nil
		}
		if weekend(d) && workday {
			work = append(work, d)
		} else if !weekend(d) && !workday {
			off = append(off, d)
		}
	}
	t.Say("rm_hol_show", "Year", year, "Off", dayList(t.T, off), "Work", dayList(t.T, work))
	return nil
}

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// parseHolidayArgs parses "off <dates> work <dates>" (either part may be
// left out, dates may be split over several words). Days off that fall on
// a weekend and "workdays" that are weekdays change nothing and are
// dropped. A refusal says what to correct.
func parseHolidayArgs(year int, words []string) (off, work []time.Time, p *kit.Problem) {
	lists := map[string]string{}
	cur := ""
	for _, w := range words {
		switch kw := strings.ToLower(w); kw {
		case "off", "work":
			if _, dup := lists[kw]; dup {
				return nil, nil, kit.Refuse("rm_hol_syntax")
			}
			cur, lists[kw] = kw, ""
			continue
		}
		if cur == "" {
			return nil, nil, kit.Refuse("rm_hol_syntax")
		}
		lists[cur] += "," + w
	}
	if off, p = parseDayList(year, lists["off"]); p != nil {
		return nil, nil, p
	}
	if work, p = parseDayList(year, lists["work"]); p != nil {
		return nil, nil, p
	}
	if len(off)+len(work) == 0 {
		return nil, nil, kit.Refuse("rm_hol_syntax")
	}
	for _, d := range off {
		if slices.ContainsFunc(work, d.Equal) {
			return nil, nil, kit.Refuse("rm_hol_both", "Date", d.Format(kit.DateLayout))
		}
	}
	off = slices.DeleteFunc(off, weekend)
	work = slices.DeleteFunc(work, func(d time.Time) bool { return !weekend(d) })
	return off, work, nil
}

// parseDayList parses "2027-01-01,2027-02-06..2027-02-12" into sorted,
// distinct days of the year.
func parseDayList(year int, list string) ([]time.Time, *kit.Problem) {
	var days []time.Time
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		from, to, p := parseDayRange(year, part)
		if p != nil {
			return nil, p
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, func(x, y time.Time) int { return x.Compare(y) })
	return slices.CompactFunc(days, time.Time.Equal), nil
}

// parseDayRange parses one day or one "a..b" range of days of the year.
func parseDayRange(year int, part string) (from, to time.Time, p *kit.Problem) {
	a, b, isRange := strings.Cut(part, "..")
	from, err1 := time.Parse(kit.DateLayout, a)
	to = from
	var err2 error
	if isRange {
		to, err2 = time.Parse(kit.DateLayout, b)
	}
	value := kit.Esc(shorten(part, kit.MaxArgRunes))
	switch {
	case err1 != nil || err2 != nil || to.Before(from):
		return from, to, kit.Refuse("rm_hol_bad_date", "Value", value)
	case from.Year() != year || to.Year() != year:
		return from, to, kit.Refuse("rm_hol_wrong_year", "Value", value, "Year", year)
	case to.Sub(from) >= maxHolidayRange*24*time.Hour:
		return from, to, kit.Refuse("rm_hol_range_long", "Value", value, "Max", maxHolidayRange)
	}
	return from, to, nil
}

// dayList writes sorted days compactly, consecutive days as a range, in
// the form /holidays accepts.
func dayList(tr kit.Tr, days []time.Time) string {
	if len(days) == 0 {
		return tr.T("rm_hol_none")
	}
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Equal(days[j].AddDate(0, 0, 1)) {
			j++
		}
		p := days[i].Format(kit.DateLayout)
		if j > i {
			p += ".." + days[j].Format(kit.DateLayout)
		}
		parts = append(parts, p)
		i = j + 1
	}
	return strings.Join(parts, ",")
}
