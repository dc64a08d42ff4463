package models

// This file is the contract of the roster issue (units, invitations, users,
// members, sanctions, visit edits, audit listing, import). The lead wrote
// the signatures; the bodies are filled in beside it, and this file then
// keeps only the types.

import (
	"context"
	"errors"
	"time"
)

// Errors of the roster operations.
var (
	ErrForbidden     = errors.New("forbidden")          // the actor's role or scope does not allow it (audited)
	ErrInUse         = errors.New("in use")             // a unit that still has members, users or child units
	ErrInviteUsed    = errors.New("invitation used")    // redeemed already
	ErrInviteExpired = errors.New("invitation expired") // past ExpiresAt
	ErrInviteRevoked = errors.New("invitation revoked")
	ErrEditWindow    = errors.New("edit window closed") // author's 7 days are over and actor is not admin
)

// Invitation is a one-time code that registers whoever redeems it with a
// role and a unit.
type Invitation struct {
	ID        uint64    `gorm:"primaryKey"`
	Code      string    `gorm:"size:64;not null;uniqueIndex"`
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
}

// SanctionInput is a new sanction; PeriodEnd is computed.
type SanctionInput struct {
	MemberID        uint64
	Kind            SanctionKind
	DecisionNo      string
	DecisionDate    time.Time
	EffectiveDate   time.Time // zero: the decision date
	ProbationMonths int
}

// VisitRevision keeps a saved visit as it was before an edit.
type VisitRevision struct {
	ID       uint64    `gorm:"primaryKey"`
	VisitID  uint64    `gorm:"not null;index"`
	Version  int       `gorm:"not null"` // 1 for the first edit
	EditorID int64     `gorm:"not null"`
	At       time.Time `gorm:"not null"`
	Reason   string    `gorm:"size:512;not null"`
	Changed  string    `gorm:"size:512;not null"` // comma-separated field names that changed
	Before   string    `gorm:"type:text;not null"` // JSON of the visit and its sanction ids before the edit
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
	Column string // the column header as in the template
	Reason string // a code handlers/ renders: "unit_not_found", "unit_ambiguous", "unit_out_of_scope", "member_not_found", "duplicate_in_file", "decision_no_other_member", ...
}

// ImportResult counts what an import did or would do.
type ImportResult struct {
	NewMembers       int
	UpdatedMembers   int
	NewSanctions     int
	UpdatedSanctions int
	Unchanged        int
	Rejected         []ImportRejection
}

var errTODO = errors.New("not implemented yet")

// UnitTree returns the units in v's subtree (all for admins), by path.
func (s *Store) UnitTree(ctx context.Context, v Viewer) ([]Unit, error) { return nil, errTODO }

// CreateUnit adds a unit under parentID (nil: a new root). Admins only.
func (s *Store) CreateUnit(ctx context.Context, actor Viewer, name string, parentID *uint64) (Unit, error) {
	return Unit{}, errTODO
}

// RenameUnit renames a unit. Admins only.
func (s *Store) RenameUnit(ctx context.Context, actor Viewer, id uint64, name string) error {
	return errTODO
}

// MoveUnit moves a unit and its subtree under newParent. Admins only.
func (s *Store) MoveUnit(ctx context.Context, actor Viewer, id, newParent uint64) error {
	return errTODO
}

// DeleteUnit deletes an empty unit (ErrInUse otherwise). Admins only.
func (s *Store) DeleteUnit(ctx context.Context, actor Viewer, id uint64) error { return errTODO }

// CreateInvitation makes a one-time code valid for ttl from now.
func (s *Store) CreateInvitation(ctx context.Context, actor Viewer, role Role, unitID uint64, ttl time.Duration, now time.Time) (Invitation, error) {
	return Invitation{}, errTODO
}

// RedeemInvitation registers telegramID with the invitation's role and unit.
func (s *Store) RedeemInvitation(ctx context.Context, code string, telegramID int64, name string, now time.Time) (User, Invitation, error) {
	return User{}, Invitation{}, errTODO
}

// RevokeInvitation makes an unused code unusable.
func (s *Store) RevokeInvitation(ctx context.Context, actor Viewer, code string) error {
	return errTODO
}

// ListUsers lists the users of v's subtree.
func (s *Store) ListUsers(ctx context.Context, v Viewer) ([]UserRow, error) { return nil, errTODO }

// RevokeUser removes a user's access at once.
func (s *Store) RevokeUser(ctx context.Context, actor Viewer, telegramID int64) (User, error) {
	return User{}, errTODO
}

// CreateMember adds a member to a unit of the actor's subtree.
func (s *Store) CreateMember(ctx context.Context, actor Viewer, in MemberInput) (Member, error) {
	return Member{}, errTODO
}

// UpdateMember applies a patch to a member of the actor's subtree.
func (s *Store) UpdateMember(ctx context.Context, actor Viewer, id uint64, p MemberPatch) (Member, error) {
	return Member{}, errTODO
}

// CreateSanction adds a sanction to a member of the actor's subtree.
func (s *Store) CreateSanction(ctx context.Context, actor Viewer, in SanctionInput) (Sanction, error) {
	return Sanction{}, errTODO
}

// LiftSanction records a sanction lifted or party rights restored.
func (s *Store) LiftSanction(ctx context.Context, actor Viewer, sanctionID uint64, on time.Time, decisionNo string) error {
	return errTODO
}

// GetVisit returns a visit of the viewer's subtree with its sanction ids.
func (s *Store) GetVisit(ctx context.Context, v Viewer, id uint64) (Visit, []uint64, error) {
	return Visit{}, nil, errTODO
}

// UpdateVisit edits a saved visit, keeping the previous version.
func (s *Store) UpdateVisit(ctx context.Context, actor Viewer, id uint64, updated Visit, sanctionIDs []uint64, reason string, now time.Time) (VisitRevision, error) {
	return VisitRevision{}, errTODO
}

// VisitHistory lists a visit's revisions, oldest first.
func (s *Store) VisitHistory(ctx context.Context, v Viewer, id uint64) ([]VisitRevision, error) {
	return nil, errTODO
}

// ListAudit lists audit events; admins only.
func (s *Store) ListAudit(ctx context.Context, v Viewer, f AuditFilter) ([]AuditEvent, error) {
	return nil, errTODO
}

// ImportRoster checks and, when apply is true, writes an import in one
// transaction; with apply false nothing is written (a preview).
func (s *Store) ImportRoster(ctx context.Context, actor Viewer, members []ImportMember, sanctions []ImportSanction, apply bool) (ImportResult, error) {
	return ImportResult{}, errTODO
}
