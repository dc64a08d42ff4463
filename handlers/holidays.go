package handlers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// Bounds of /holidays.
const (
	minHolidayYear  = 2000
	maxHolidayYear  = 2100
	maxHolidayRange = 31 // days in one "a..b" range
)

// holidayErr is a rejected /holidays argument: a catalogue id and its data.
type holidayErr struct {
	id string
	kv []any
}

// cmdHolidays handles /holidays <year> (show) and
// /holidays <year> off <dates> work <dates> (replace), for admins.
func (s *session) cmdHolidays(args string) error {
	if s.user.Role != models.RoleAdmin {
		s.say("admin_only")
		return nil
	}
	f := strings.Fields(args)
	if len(f) == 0 {
		s.say("rm_hol_usage")
		return nil
	}
	year, err := strconv.Atoi(f[0])
	if err != nil || year < minHolidayYear || year > maxHolidayYear {
		s.say("rm_hol_bad_year", "Value", esc(shorten(f[0], maxArgRunes)), "Min", minHolidayYear, "Max", maxHolidayYear)
		return nil
	}
	db, err := s.a.reminders()
	if err != nil {
		return err
	}
	if len(f) == 1 {
		return s.showHolidays(db, year)
	}
	off, work, herr := parseHolidayArgs(year, f[1:])
	if herr != nil {
		s.say(herr.id, herr.kv...)
		s.say("rm_hol_usage")
		return nil
	}
	if err := db.SetHolidayYear(s.ctx, s.viewer, year, off, work); err != nil {
		return fmt.Errorf("set holidays of %d: %w", year, err)
	}
	s.say("rm_hol_saved", "Year", year, "Off", s.dayList(off), "Work", s.dayList(work))
	return nil
}

// showHolidays shows a year's official schedule as the workday calendar
// has it: weekdays off and weekend days on.
func (s *session) showHolidays(db remindStore, year int) error {
	var off, work []time.Time
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == year; d = d.AddDate(0, 0, 1) {
		workday, known, err := db.IsWorkday(s.ctx, d)
		if err != nil {
			return fmt.Errorf("workday %s: %w", d.Format(dateLayout), err)
		}
		if !known {
			s.say("rm_hol_unknown", "Year", year)
			return nil
		}
		if weekend(d) && workday {
			work = append(work, d)
		} else if !weekend(d) && !workday {
			off = append(off, d)
		}
	}
	s.say("rm_hol_show", "Year", year, "Off", s.dayList(off), "Work", s.dayList(work))
	return nil
}

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// parseHolidayArgs parses "off <dates> work <dates>" (either part may be
// left out, dates may be split over several words). Days off that fall on
// a weekend and "workdays" that are weekdays change nothing and are
// dropped.
func parseHolidayArgs(year int, words []string) (off, work []time.Time, herr *holidayErr) {
	lists := map[string]string{}
	cur := ""
	for _, w := range words {
		switch kw := strings.ToLower(w); kw {
		case "off", "work":
			if _, dup := lists[kw]; dup {
				return nil, nil, &holidayErr{id: "rm_hol_syntax"}
			}
			cur, lists[kw] = kw, ""
			continue
		}
		if cur == "" {
			return nil, nil, &holidayErr{id: "rm_hol_syntax"}
		}
		lists[cur] += "," + w
	}
	if off, herr = parseDayList(year, lists["off"]); herr != nil {
		return nil, nil, herr
	}
	if work, herr = parseDayList(year, lists["work"]); herr != nil {
		return nil, nil, herr
	}
	if len(off)+len(work) == 0 {
		return nil, nil, &holidayErr{id: "rm_hol_syntax"}
	}
	for _, d := range off {
		if slices.ContainsFunc(work, d.Equal) {
			return nil, nil, &holidayErr{id: "rm_hol_both", kv: []any{"Date", d.Format(dateLayout)}}
		}
	}
	off = slices.DeleteFunc(off, weekend)
	work = slices.DeleteFunc(work, func(d time.Time) bool { return !weekend(d) })
	return off, work, nil
}

// parseDayList parses "2027-01-01,2027-02-06..2027-02-12" into sorted,
// distinct days of the year.
func parseDayList(year int, list string) ([]time.Time, *holidayErr) {
	var days []time.Time
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		a, b, isRange := strings.Cut(part, "..")
		from, err1 := time.Parse(dateLayout, a)
		to := from
		var err2 error
		if isRange {
			to, err2 = time.Parse(dateLayout, b)
		}
		value := esc(shorten(part, maxArgRunes))
		switch {
		case err1 != nil || err2 != nil || to.Before(from):
			return nil, &holidayErr{id: "rm_hol_bad_date", kv: []any{"Value", value}}
		case from.Year() != year || to.Year() != year:
			return nil, &holidayErr{id: "rm_hol_wrong_year", kv: []any{"Value", value, "Year", year}}
		case to.Sub(from) >= maxHolidayRange*24*time.Hour:
			return nil, &holidayErr{id: "rm_hol_range_long", kv: []any{"Value", value, "Max", maxHolidayRange}}
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, func(x, y time.Time) int { return x.Compare(y) })
	return slices.CompactFunc(days, time.Time.Equal), nil
}

// dayList writes sorted days compactly, consecutive days as a range, in
// the form /holidays accepts.
func (s *session) dayList(days []time.Time) string {
	if len(days) == 0 {
		return s.t.T("rm_hol_none")
	}
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Equal(days[j].AddDate(0, 0, 1)) {
			j++
		}
		p := days[i].Format(dateLayout)
		if j > i {
			p += ".." + days[j].Format(dateLayout)
		}
		parts = append(parts, p)
		i = j + 1
	}
	return strings.Join(parts, ",")
}
