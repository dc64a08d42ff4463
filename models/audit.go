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
	AuditListUsers      = "list_users"
	AuditRevokeUser     = "revoke_user"
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
	AuditViewDigest   = "view_digest"   // Detail "since=<date> items=<n>"
	AuditListMembers  = "list_members"  // Detail "n=<members returned>"
	AuditSnooze       = "snooze"        // Detail "key=<item key> until=<date>"
	AuditFollowUpDone = "followup_done" // Detail "fields=feedback_unit,branch_informed"
	AuditHolidaysSet  = "holidays_set"  // Detail "year=<y> off=<n> work=<n>"
)

// Actions of the sanction and visit rules issue.
const (
	AuditSanctionExtend = "sanction_extend" // Detail "sanction=<id>"
	AuditRectified      = "rectified"       // Detail "on=<date> fen=<n>": a visit's enforcement problem corrected
	AuditRequestsMet    = "requests_met"    // Detail "on=<date>": a visit's requests met
)
