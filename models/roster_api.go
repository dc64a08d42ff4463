package models

// The types and errors of the roster operations (units, invitations,
// users, members, sanctions, visit edits, audit listing, import). Their
// rules are in validate.go; package sqlstore stores them, one file per
// aggregate.

import (
	"errors"
	"time"
)

// Errors of the roster operations.
var (
	ErrForbidden     = errors.New("forbidden")          // the actor's role does not allow it (audited as "denied"); out of scope is ErrNotFound
	ErrInUse         = errors.New("in use")             // a unit that still has members, users or child units
	ErrInviteUsed    = errors.New("invitation used")    // redeemed already
	ErrInviteExpired = errors.New("invitation expired") // past ExpiresAt
	ErrInviteRevoked = errors.New("invitation revoked") // revoked, or its inviter has lost access
	ErrLastAdmin     = errors.New("last admin")         // revoking the user would leave no active admin
	ErrEditWindow    = errors.New("edit window closed") // author's 7 days are over and actor is not admin (audited)

	// ErrInvalid reports input that breaks a rule of the roster API: a
	// name, post, reason or decision number empty or too long, an unknown
	// role, rank or kind, a date outside 2000..2100, an interval outside
	// 0..24 months, an assignee who may not take the member. The wrapping
	// message names the field, never its value.
	ErrInvalid = errors.New("invalid input")
)

// MaxAdminInviteTTL bounds how long an invitation that makes an admin is
// valid, whatever the configured validity of invitations.
const MaxAdminInviteTTL = 24 * time.Hour

// Invitation is a one-time code that registers whoever redeems it with a
// role and a unit. Only the code's SHA-256 is stored: Code is set on the
// invitation CreateInvitation returns, never on one read back.
type Invitation struct {
	ID        uint64    `gorm:"primaryKey"`
	CodeHash  string    `gorm:"column:code;size:64;not null;uniqueIndex:idx_invitations_code"` // hex SHA-256 of the code
	Code      string    `gorm:"-"`
	BoundTo   *int64    // only this Telegram id may redeem it; nil: anyone
	Role      Role      `gorm:"size:16;not null"`
	UnitID    uint64    `gorm:"not null;index"`
	CreatedBy int64     `gorm:"not null;index"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedBy    *int64
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// UserRow is a user with their unit's name, for lists.
type UserRow struct {
	User
	UnitName string
}

// MemberInput is a new member.
type MemberInput struct {
	Name      string
	UnitID    uint64
	Post      string
	Rank      Rank
	Key       bool
	KeyReason string
}

// MemberPatch changes a member; nil fields stay as they are.
type MemberPatch struct {
	Name           *string
	UnitID         *uint64
	Post           *string
	Rank           *Rank
	Key            *bool
	KeyReason      *string
	AssigneeID     *int64 // Telegram id of the inspector of interactive visits; 0 clears
	IntervalMonths *int   // interval of interactive visits, 1..24; 0 clears

	UnitAppraisal     *string    // 单位鉴定; "" clears it and its date
	UnitAppraisalDate *time.Time // the appraisal's date
}

// SanctionInput is a new sanction; PeriodEnd is computed.
type SanctionInput struct {
	MemberID        uint64
	Kind            SanctionKind
	DecisionNo      string
	DecisionDate    time.Time
	EffectiveDate   time.Time // zero: the decision date
	ProbationMonths int
	Category        Rank // 人员类别 at the decision; "": the member's current one
}

// VisitRevision keeps a saved visit as it was before an edit.
type VisitRevision struct {
	ID       uint64    `gorm:"primaryKey"`
	VisitID  uint64    `gorm:"not null;uniqueIndex:idx_visit_revisions_visit_version,priority:1"`
	Version  int       `gorm:"not null;uniqueIndex:idx_visit_revisions_visit_version,priority:2"` // 1 for the first edit
	EditorID int64     `gorm:"not null"`
	At       time.Time `gorm:"not null"`
	Reason   string    `gorm:"size:512;not null"`
	Changed  string    `gorm:"size:512;not null"`        // comma-separated column names that changed, "sanctions" for the links
	Before   string    `gorm:"type:mediumtext;not null"` // JSON {"visit": Visit, "sanction_ids": [...]} before the edit
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	ActorID  int64  // 0: any
	MemberID uint64 // 0: any
	BeforeID uint64 // 0: from the newest; else events with a smaller id (paging)
	Limit    int    // default 20, at most 100
}

// ImportMember is one row of the members sheet.
type ImportMember struct {
	Row       int // 1-based row number in the file, for rejections
	Name      string
	UnitName  string
	Post      string
	Rank      Rank
	Key       bool
	KeyReason string
}

// ImportSanction is one row of the sanctions sheet; the member is named by
// name and unit, as in the members sheet or the database.
type ImportSanction struct {
	Row             int
	MemberName      string
	UnitName        string
	Kind            SanctionKind
	DecisionNo      string
	DecisionDate    time.Time
	EffectiveDate   time.Time // zero: the decision date
	ProbationMonths int
}

// ImportRejection says why a row was refused.
type ImportRejection struct {
	Sheet  string // "members" or "sanctions"
	Row    int
	Column string // the Go name of the ImportMember/ImportSanction field ("Name", "UnitName", "MemberName", "DecisionNo", ...); handlers/ labels it
	Reason string // one of the Reject codes (validate.go), which handlers/ renders
}

// Sheets of ImportRejection.
const (
	SheetMembers   = "members"
	SheetSanctions = "sanctions"
)

// ImportResult counts what an import did or would do.
type ImportResult struct {
	NewMembers       int
	UpdatedMembers   int
	NewSanctions     int
	UpdatedSanctions int
	Unchanged        int
	Rejected         []ImportRejection
}
