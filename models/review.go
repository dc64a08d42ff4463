package models

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxReviewNoteRunes bounds the comment of a return, like the reason of
// an edit (which it becomes).
const MaxReviewNoteRunes = 512

// MaxPendingReviews is the most visits a work list returns.
const MaxPendingReviews = 200

// ErrReviewed reports a review of a visit that is not pending (any
// more): another reviewer was first, or it was returned and not yet
// corrected.
var ErrReviewed = errors.New("visit already reviewed")

// VisitRecord is one saved visit as it is read back whole: the record,
// the member and the sanctions it was about, who wrote and who reviewed it.
type VisitRecord struct {
	Visit        Visit
	SanctionIDs  []uint64
	Member       Member
	UnitName     string
	Sanctions    []Sanction // those the visit was about, newest decision first
	AuthorName   string     // "" when the author has no users row
	ReviewerName string     // "" when not reviewed or unknown
	Revisions    int        // how many times it was edited
}

// PendingVisit is one visit awaiting review, for a supervisor's work list
// and digest: ids and dates only.
type PendingVisit struct {
	ID        uint64    `json:"id"`
	MemberID  uint64    `json:"member"`
	AuthorID  int64     `json:"author"`
	Date      time.Time `json:"date"`
	CreatedAt time.Time `json:"created"`
	// The member's name and unit, filled for a work list read directly;
	// never kept in a delivery's payload.
	MemberName string `json:"-"`
	UnitName   string `json:"-"`
}

// MayReview reports whether a viewer's role reviews visits: supervisors
// and admins (their scope is checked by the store).
func MayReview(v Viewer) bool { return v.Role == RoleSupervisor || v.Role == RoleAdmin }

// ReviewDecision is what a reviewer decides about a pending visit.
type ReviewDecision struct {
	Approve   bool
	Note      string // the comment of a return (required then, 1-512 characters)
	Revisions int    // the revisions the reviewer saw: a visit edited since is ErrStale
}

// Validate checks a decision: a return carries a comment that may be
// exported (no spreadsheet formula), an approval none.
func (d ReviewDecision) Validate() error {
	note := strings.TrimSpace(d.Note)
	switch {
	case d.Approve && note != "":
		return fmt.Errorf("review: an approval carries no comment: %w", ErrInvalid)
	case d.Approve:
		return nil
	case note == "" || utf8.RuneCountInString(note) > MaxReviewNoteRunes:
		return fmt.Errorf("review: the comment must have 1-%d characters: %w", MaxReviewNoteRunes, ErrInvalid)
	case StartsFormula(note):
		return fmt.Errorf("review: the comment starts a formula: %w", ErrInvalid)
	}
	return nil
}
