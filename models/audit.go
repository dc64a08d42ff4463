package models

// Audit actions of the roster operations. Each operation writes its row in
// the transaction of its change or view, so that the change is rolled back
// (or the data not returned) when the row cannot be written.
const (
	AuditUnitCreate     = "unit_create"
	AuditUnitRename     = "unit_rename"
	AuditUnitMove       = "unit_move"
	AuditUnitDelete     = "unit_delete"
	AuditInviteCreate   = "invite_create"
	AuditInviteRedeem   = "invite_redeem"
	AuditInviteRevoke   = "invite_revoke"
	AuditInviteFailed   = "invite_redeem_failed" // Detail "invitation=<id, 0 if unknown> reason=<used|revoked|expired|bound|own|inviter|registered|unknown>"
	AuditListUsers      = "list_users"
	AuditRevokeUser     = "revoke_user"
	AuditRenameUser     = "rename_user" // Detail "user=<telegram id>"
	AuditMemberCreate   = "member_create"
	AuditMemberUpdate   = "member_update"
	AuditSanctionCreate = "sanction_create"
	AuditSanctionLift   = "sanction_lift"
	AuditOpenVisit      = "open_visit"
	AuditVisitEdit      = "visit_edit"
	AuditViewHistory    = "view_history"
	AuditViewAudit      = "view_audit"
	AuditImport         = "import"

	// AuditDenied records a refused operation (ErrForbidden, ErrEditWindow);
	// its Detail is "op=<the action that was refused>".
	AuditDenied = "denied"
)

// Audit actions of the visit flow and of users.
const (
	AuditAddUser     = "add_user"
	AuditSearch      = "search_member"
	AuditOpenMember  = "open_member"
	AuditViewStatus  = "view_status"
	AuditCreateVisit = "create_visit"
)

// Audit actions of the calendar.
const (
	AuditViewDigest   = "view_digest"   // Detail "since=<date> items=<n>"; /digest's names: "n=<members returned>"
	AuditViewDue      = "view_due"      // /due: Detail "n=<members returned>"
	AuditListMembers  = "list_members"  // a reminder or digest rendered: Detail "n=<members returned>"
	AuditSnooze       = "snooze"        // Detail "key=<item key> until=<date>"
	AuditFollowUpDone = "followup_done" // Detail "fields=feedback_unit,branch_informed"
	AuditHolidaysSet  = "holidays_set"  // Detail "year=<y> off=<n> work=<n>"
	AuditViewReport   = "view_report"   // the year-end figures: Detail "year=<y> n=<members named> [unit=<id>]", naming them
)

// AuditPruned is the action of the row an audit prune writes (actor 0):
// Detail "through_seq=<n> events=<n> before=<date>".
const AuditPruned = "audit_prune"

// MinAuditRetentionMonths is the shortest audit retention: rows younger
// than this are never pruned, whatever the setting.
const MinAuditRetentionMonths = 6

// AuditCheck is what verifying the audit chain found.
type AuditCheck struct {
	Events   int    // events checked
	FloorSeq uint64 // events up to this one were pruned
	HeadSeq  uint64 // the last event of the chain
	HeadHash string // its hash: worth recording outside the database
	Broken   *AuditBreak
}

// AuditBreak is the first broken link of the chain.
type AuditBreak struct {
	Seq     uint64 // where the chain breaks (the missing or altered event)
	EventID uint64 // 0 when the event is missing
	Reason  string // operator-facing: what does not match
}

// AuditPrune is what pruning the audit trail did.
type AuditPrune struct {
	Events     int    // events deleted
	ThroughSeq uint64 // the chain now starts after this event
}

// Actions of the sanction and visit rules issue.
const (
	AuditSanctionExtend = "sanction_extend" // Detail "sanction=<id>"
	AuditRectified      = "rectified"       // Detail "on=<date> fen=<n>": a visit's enforcement problem corrected
	AuditRequestsMet    = "requests_met"    // Detail "on=<date>": a visit's requests met
)

// Actions of reading and reviewing visits.
const (
	AuditViewVisit   = "view_visit"   // /visit <no>: the whole record; Detail "result=not_found" when nothing was shown
	AuditReviewVisit = "review_visit" // Detail "result=approved|returned version=<revisions seen>"
	AuditListReviews = "list_reviews" // /review and the digest's pending visits: Detail "n=<visits listed>"
)

// Audit actions of the documents: each names the member (and, for a
// form, the visit) it holds.
const (
	AuditDocForm    = "doc_form"    // a visit's record form
	AuditDocArchive = "doc_archive" // a member's archive: Detail "visits=<n> sanctions=<n>"
)
