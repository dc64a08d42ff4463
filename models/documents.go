package models

// VisitDoc is what the record form of one visit holds: the visit, its
// member and unit, the sanctions it was about, and the names of its author
// and reviewer (by Telegram id; absent when not registered).
type VisitDoc struct {
	Member    Member
	UnitName  string
	Visit     Visit
	Sanctions []Sanction
	Names     map[int64]string
}

// ArchiveDoc is what a member's archive holds: the member and unit, every
// sanction, every visit in date order with the ids of the sanctions each
// was about, and the names of the visits' authors and reviewers.
type ArchiveDoc struct {
	Member         Member
	UnitName       string
	Sanctions      []Sanction
	Visits         []Visit
	VisitSanctions map[uint64][]uint64
	Names          map[int64]string
}
