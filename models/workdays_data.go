package models

import "time"

// dayRange is the days from..to (inclusive) of one month.
type dayRange struct {
	month    time.Month
	from, to int
}

// officialYear is a year's official schedule: holidays and the days off
// taken in exchange (放假调休), and the weekend days worked instead (调休上班).
type officialYear struct {
	off, work []dayRange
}

// officialYears are the schedules shipped with the bot. Add a year only
// from the State Council's published notice; a year missing here (and
// from workday_overrides) falls back to Monday to Friday.
var officialYears = map[int]officialYear{
	// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
	2026: {
		off: []dayRange{
			{time.January, 1, 3},     // 元旦
			{time.February, 15, 23},  // 春节
			{time.April, 4, 6},       // 清明节
			{time.May, 1, 5},         // 劳动节
			{time.June, 19, 21},      // 端午节
			{time.September, 25, 27}, // 中秋节
			{time.October, 1, 7},     // 国庆节
		},
		work: []dayRange{
			{time.January, 4, 4},     // Sunday
			{time.February, 14, 14},  // Saturday
			{time.February, 28, 28},  // Saturday
			{time.May, 9, 9},         // Saturday
			{time.September, 20, 20}, // Sunday
			{time.October, 10, 10},   // Saturday
		},
	},
}

// days returns the schedule of year y as day of year → workday.
// OfficialWorkdays returns the built-in schedule of a year: day of year →
// workday, for the days that differ from Monday to Friday. ok is false for
// a year the bot does not ship.
func OfficialWorkdays(year int) (days map[int]bool, ok bool) {
	o, ok := officialYears[year]
	if !ok {
		return nil, false
	}
	return o.days(year), true
}

func (o officialYear) days(y int) map[int]bool {
	out := map[int]bool{}
	for _, set := range []struct {
		ranges  []dayRange
		workday bool
	}{{o.off, false}, {o.work, true}} {
		for _, r := range set.ranges {
			for d := r.from; d <= r.to; d++ {
				out[time.Date(y, r.month, d, 0, 0, 0, 0, time.UTC).YearDay()] = set.workday
			}
		}
	}
	return out
}
