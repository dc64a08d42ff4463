package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// maxFollowUps bounds Status.OpenFollowUps.
const maxFollowUps = 10

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

// MemberStatus returns the status of a member v may see; out of scope is
// ErrNotFound. The view is audited ("view_status") in the same transaction;
// if the audit row cannot be written, nothing is returned.
func (s *Store) MemberStatus(ctx context.Context, v Viewer, memberID uint64, today time.Time) (Status, error) {
	var st Status
	err := s.viewAudited(ctx, v, AuditViewStatus, memberID, func(tx *gorm.DB) error {
		st = Status{}
		row, err := findMember(tx, v, memberID)
		if err != nil {
			return err
		}
		st.Member, st.UnitName = row.Member, row.UnitName
		if st.Sanctions, err = memberSanctions(tx, memberID); err != nil {
			return err
		}
		return loadVisitSummary(tx, &st)
	})
	if err != nil {
		return Status{}, err
	}
	switch {
	case st.LastVisit != nil && st.LastVisit.NextVisit != nil:
		st.NextDue, st.NextReason = *st.LastVisit.NextVisit, NextPlanned
	case st.LastVisit != nil:
		st.NextDue, st.NextReason = SuggestNextVisit(st.Member, st.Sanctions, st.LastVisit.Date)
	default:
		st.NextDue, st.NextReason = SuggestNextVisit(st.Member, st.Sanctions, today)
	}
	return st, nil
}

// loadVisitSummary fills the visit fields of st for st.Member.
func loadVisitSummary(tx *gorm.DB, st *Status) error {
	id := st.Member.ID
	var n int64
	if err := tx.Model(&Visit{}).Where("member_id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("count visits of member %d: %w", id, err)
	}
	st.VisitCount = int(n)
	if n == 0 {
		return nil
	}
	var last []Visit
	err := tx.Where("member_id = ?", id).Order("date DESC, id DESC").Limit(1).Find(&last).Error
	if err != nil {
		return fmt.Errorf("load last visit of member %d: %w", id, err)
	}
	if len(last) == 1 {
		last[0].NormaliseDates()
		st.LastVisit = &last[0]
		var names []string
		err := tx.Model(&User{}).Where("telegram_id = ?", last[0].AuthorID).Limit(1).Pluck("name", &names).Error
		if err != nil {
			return fmt.Errorf("load author of visit %d: %w", last[0].ID, err)
		}
		if len(names) == 1 {
			st.LastAuthor = names[0]
		}
	}
	err = tx.Where("member_id = ? AND (feedback_unit = ? OR branch_informed = ?)", id, false, false).
		Order("date DESC, id DESC").Limit(maxFollowUps).Find(&st.OpenFollowUps).Error
	if err != nil {
		return fmt.Errorf("load open follow-ups of member %d: %w", id, err)
	}
	for i := range st.OpenFollowUps {
		st.OpenFollowUps[i].NormaliseDates()
	}
	return nil
}
