package models

import "time"

// Digest frequencies (User.Digest).
const (
	DigestWeekly = "weekly"
	DigestDaily  = "daily"
	DigestOff    = "off"
)

// The horizons of a digest, in days.
const (
	digestSoonDays     = 14 // DueSoon: due within this many days
	digestExpiringDays = 30 // ExpiringNoVisit: the period ends within this many days
	digestEscalateDays = 14 // Escalations: overdue by more than this many days
)

// NewDigestData files items, sorted most urgent first, into the lists of
// a digest on today (a date); Since and VisitsByInspector are left to the
// caller.
func NewDigestData(items []DueItem, today time.Time) DigestData {
	d := DigestData{Today: today}
	soon := today.AddDate(0, 0, digestSoonDays)
	expiring := today.AddDate(0, 0, digestExpiringDays)
	escalate := today.AddDate(0, 0, -digestEscalateDays)
	for _, it := range items {
		overdue := it.Due.Before(today)
		switch {
		case overdue:
			d.Overdue = append(d.Overdue, it)
		case !it.Due.After(soon):
			d.DueSoon = append(d.DueSoon, it)
		}
		if it.Reason == DueBeforeExpiry && !overdue && !it.Due.After(expiring) {
			d.ExpiringNoVisit = append(d.ExpiringNoVisit, it)
		}
		if it.Reason == DueKey && overdue {
			d.KeyNotVisited = append(d.KeyNotVisited, it)
		}
		if !it.Reason.Visit() {
			d.OpenFollowUps = append(d.OpenFollowUps, it)
		}
		if it.Due.Before(escalate) {
			d.Escalations = append(d.Escalations, it)
		}
	}
	return d
}
