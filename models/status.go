package models

// Status is what /status shows about one member.
type Status struct {
	Member    Member
	UnitName  string
	Sanctions []Sanction // newest decision first

	VisitCount int
	// Visits are the member's latest visits, newest first (at most 10):
	// number, date, methods and review state.
	Visits     []Visit
	LastVisit  *Visit // most recent by Date, then ID; nil if never visited
	LastAuthor string // name of the user who logged LastVisit, "" if unknown

	// OpenFollowUps are visits still owing feedback to the unit or the
	// party branch, newest first, at most 10; OpenProblems those whose
	// enforcement problem is not marked corrected, OpenRequests those
	// whose requests are not marked met.
	OpenFollowUps, OpenProblems, OpenRequests []Visit

	// Next is the next visit owed (NextVisit), HasNext false when the
	// calendar owes none; its Due may lie in the past (overdue). Later
	// are the other visits owed after it (Upcoming), most urgent first.
	Next    DueItem
	HasNext bool
	Later   []DueItem
}
