package models

import "time"

// Status is what /status shows about one member.
type Status struct {
	Member    Member
	UnitName  string
	Sanctions []Sanction // newest decision first

	VisitCount int
	LastVisit  *Visit // most recent by Date, then ID; nil if never visited
	LastAuthor string // name of the user who logged LastVisit, "" if unknown

	// OpenFollowUps are visits still owing feedback to the unit or the
	// party branch, newest first, at most 10.
	OpenFollowUps []Visit

	// NextDue is LastVisit.NextVisit when set (NextReason NextPlanned),
	// else SuggestNextVisit from the last visit's date, or from today when
	// there was none. It may lie in the past: the visit is overdue.
	NextDue    time.Time
	NextReason NextReason
}
