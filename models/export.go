package models

import "time"

// AuditExport is the action of a data export (/export, huifang export):
// Detail "unit=<id, 0: all> since=<date, 0: all time> until=<date>
// members=<n> sanctions=<n> visits=<n>"; the members it contained are named in audit_members.
const AuditExport = "export"

// ExportScope is what an export covers: the members of a unit's subtree
// (UnitID 0: the viewer's whole scope) and a period (zero From and To:
// all time). With a period, the visits are those dated in it and the
// members those visited in it or under a sanction during it (decided by
// its end and not ended before its start); the sanctions are every
// sanction of those members.
type ExportScope struct {
	UnitID   uint64
	From, To time.Time // dates (UTC midnights), inclusive; both zero or both set
}

// Dated reports whether the scope has a period.
func (s ExportScope) Dated() bool { return !s.From.IsZero() }

// ExportCounts are how many rows of each kind an export holds.
type ExportCounts struct {
	Members, Sanctions, Visits int
}

// Total is the number of rows of every kind.
func (c ExportCounts) Total() int { return c.Members + c.Sanctions + c.Visits }

// ExportSanction is a sanction with its member's name, as exported.
type ExportSanction struct {
	Sanction
	MemberName string
	UnitName   string
}

// ExportVisit is the current revision of a visit with what its row shows
// besides the record: the member, their unit, the decision numbers of the
// sanctions it was about, and the names of its author and reviewer (""
// when not a user any more).
type ExportVisit struct {
	Visit
	MemberName   string
	UnitName     string
	DecisionNos  []string
	AuthorName   string
	ReviewerName string
}

// ExportSink receives an export's rows from the store, in this order:
// Begin with the counts, every member, every sanction, every visit. An
// error from it stops the export (and rolls its audit row back).
type ExportSink interface {
	Begin(c ExportCounts) error
	Member(m MemberMatch) error
	Sanction(s *ExportSanction) error
	Visit(v *ExportVisit) error
}
