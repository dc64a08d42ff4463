package models

// The types of the reminders issue (the visit calendar, workdays,
// deliveries, locks). The rules are in calendar.go, digests in digest.go,
// deliveries in delivery.go, the built-in workdays in workdays_data.go
// and the in-process locks in lock.go. Package sqlstore evaluates the
// rules over the whole roster and stores deliveries, snoozes and workdays;
// package redisstate has the locks shared by replicas.

import (
	"context"
	"errors"
	"time"
)

// DueReason says why a visit is due.
type DueReason string

// Reasons a visit (or, for the last three, a task after a visit) is due
// (DOMAIN.md, "The calendar the bot keeps").
const (
	DueAnnual       DueReason = "annual"        // mandatory/key target sanctioned in year Y: visit in Y+1 by the deadline
	DueInteractive  DueReason = "interactive"   // assigned inspector, every N months
	DueBeforeExpiry DueReason = "before_expiry" // the 30 days before a probation or governmental period ends
	DueAfterExpiry  DueReason = "after_expiry"  // the 30 days after it ends
	DueKey          DueReason = "key"           // key target, at least every 90 days
	DueEnforcement  DueReason = "enforcement"   // 降级 or heavier: the enforcement check, one month after it takes effect
	DueAgreed       DueReason = "agreed"        // the next visit date agreed at the last visit
	DueFollowUp     DueReason = "follow_up"     // feedback to unit or branch notice still open, 7 days after the visit
	DueRectify      DueReason = "rectify"       // an enforcement problem found at a visit, until marked corrected (整改)
	DueRequest      DueReason = "request"       // requests passed to departments at a visit, until marked met (诉求落实)
)

// Visit reports whether an item of reason r is a visit owed; follow-ups,
// rectifications and requests are tasks after a visit.
func (r DueReason) Visit() bool {
	return r != DueFollowUp && r != DueRectify && r != DueRequest
}

// CalendarRules are the configurable numbers of the calendar.
type CalendarRules struct {
	AnnualDeadlineMonth time.Month // default June
	AnnualDeadlineDay   int        // default 30
	BeforeDays          int        // default 30
	AfterDays           int        // default 30
	KeyEveryDays        int        // default 90
	FollowUpDays        int        // default 7
	LeadDays            int        // an item with a fixed due date opens this many days before it (interactive, key); default 14
}

// DueItem is one visit owed: a member, a reason, a window and who is
// responsible. It is open until a visit of the member inside [From, Due]
// (or, for follow-ups, marking the follow-up done) satisfies it; after Due
// it is overdue.
type DueItem struct {
	MemberID   uint64
	SanctionID uint64 // the sanction it is about (annual, expiry, enforcement), 0 if none
	VisitID    uint64 // agreed, follow-up, rectify, request: the visit it comes from
	Reason     DueReason
	From, Due  time.Time // calendar dates (UTC midnight)
	UnitID     uint64
	Inspectors []int64       // Telegram ids: the assigned inspector, else the inspectors of the member's unit (nearest ancestor that has any)
	Owed       *FollowUpOwed `json:",omitempty"` // DueFollowUp: which of the two follow-ups are open (nil: not known, as in payloads written before it was kept)
}

// FollowUpOwed says which follow-ups of a visit are still open, so that a
// list names the open one and marks only what the user says is done.
type FollowUpOwed struct {
	Unit   bool `json:"u,omitempty"` // feedback to the member's unit (向所在单位反馈)
	Branch bool `json:"b,omitempty"` // the party branch informed (向所在党支部通报)
}

// MemberCalendar is what the rules need to know of one member.
type MemberCalendar struct {
	Member    Member
	Sanctions []Sanction
	Visits    []VisitMark // every visit of the member, by date
	Assigned  time.Time   // when the interactive assignment was made (zero: unknown, use the member's UpdatedAt)
}

// VisitMark is a visit as the calendar sees it.
type VisitMark struct {
	ID             uint64
	Date           time.Time
	FeedbackUnit   bool
	BranchInformed bool
	Next           *time.Time // the next visit date agreed at it
	OpenProblem    bool       // it found an enforcement problem not yet marked corrected
	OpenRequest    bool       // it passed on requests not yet marked met
}

// Delivery is one reminder or digest to one recipient, recorded under a
// unique Key before it is sent, so that it is sent once.
type Delivery struct {
	ID          uint64    `gorm:"primaryKey"`
	Key         string    `gorm:"size:191;not null;uniqueIndex"` // kind:recipient:period, e.g. "reminder:10002:2027-03-01"
	Recipient   int64     `gorm:"not null;index"`
	Kind        string    `gorm:"size:16;not null"` // DeliveryReminder, DeliveryDigest, DeliveryAdminDigest
	Period      string    `gorm:"size:16;not null"` // "2027-03-01" (a day) or "2027-W09" (a week)
	Status      string    `gorm:"size:16;not null;index"`
	Attempts    int       `gorm:"not null;default:0"`
	NextAttempt time.Time `gorm:"not null;index"`
	LeaseUntil  *time.Time
	Payload     string `gorm:"type:mediumtext;not null"`    // JSON the renderer needs (item list or digest figures); ids and codes, no names
	LastError   string `gorm:"size:64;not null;default:''"` // an error code, never text from Telegram
	CreatedAt   time.Time
	SentAt      *time.Time
}

// Delivery kinds and statuses.
const (
	DeliveryReminder    = "reminder"
	DeliveryDigest      = "digest"
	DeliveryAdminDigest = "admin_digest"

	StatusPending   = "pending"   // recorded, not sent yet (or to retry at NextAttempt)
	StatusSending   = "sending"   // its send is under way until LeaseUntil (see StatusClaimed)
	StatusSent      = "sent"      // Telegram accepted it
	StatusFailed    = "failed"    // gave up after retries
	StatusBlocked   = "blocked"   // the recipient blocked the bot (403)
	StatusUncertain = "uncertain" // a sender died while sending: not resent (it may have arrived), shown to admins
)

// ErrLocked is returned by TryLock when another holder has the lock.
var ErrLocked = errors.New("locked")

// Lock is a held lock; Refresh extends it, Unlock releases it (only if
// still ours).
type Lock interface {
	Refresh(ctx context.Context, ttl time.Duration) error
	Unlock(ctx context.Context) error
}

// Locker hands out named locks with an expiry (SET NX PX in Redis; a map
// in process).
type Locker interface {
	TryLock(ctx context.Context, name string, ttl time.Duration) (Lock, error) // ErrLocked when held elsewhere
}

// DigestData is what a supervisor's (or an admin's) digest reports for
// their subtree.
type DigestData struct {
	Overdue           []DueItem
	DueSoon           []DueItem     // due within 14 days, not overdue
	ExpiringNoVisit   []DueItem     // before_expiry items open for sanctions ending within 30 days
	VisitsByInspector map[int64]int // visits logged in [Since, Today] per author (Telegram id)
	KeyNotVisited     []DueItem     // key items overdue
	OpenFollowUps     []DueItem     // tasks after visits: follow-ups, rectifications, requests
	Escalations       []DueItem     // overdue by more than 14 days
	Since, Today      time.Time
	// PendingReviews are the visits awaiting review, oldest saved first,
	// and PendingTotal how many there are (none for digests written
	// before review existed).
	PendingReviews []PendingVisit `json:",omitempty"`
	PendingTotal   int            `json:",omitempty"`
}
