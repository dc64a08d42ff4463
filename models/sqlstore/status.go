package sqlstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// maxFollowUps bounds Status.OpenFollowUps.
const maxFollowUps = 10

// MemberStatus returns the status of a member v may see; out of scope is
// ErrNotFound. The view is audited ("view_status") in the same transaction;
// if the audit row cannot be written, nothing is returned.
func (s *Store) MemberStatus(ctx context.Context, v models.Viewer, memberID uint64, today time.Time) (models.Status, error) {
	var st models.Status
	err := s.viewAudited(ctx, v, models.AuditViewStatus, memberID, func(tx *gorm.DB) error {
		st = models.Status{}
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
		return models.Status{}, err
	}
	switch {
	case st.LastVisit != nil && st.LastVisit.NextVisit != nil:
		st.NextDue, st.NextReason = *st.LastVisit.NextVisit, models.NextPlanned
	case st.LastVisit != nil:
		st.NextDue, st.NextReason = models.SuggestNextVisit(st.Member, st.Sanctions, st.LastVisit.Date)
	default:
		st.NextDue, st.NextReason = models.SuggestNextVisit(st.Member, st.Sanctions, today)
	}
	return st, nil
}

// loadVisitSummary fills the visit fields of st for st.Member.
func loadVisitSummary(tx *gorm.DB, st *models.Status) error {
	id := st.Member.ID
	var n int64
	if err := tx.Model(&models.Visit{}).Where("member_id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("count visits of member %d: %w", id, err)
	}
	st.VisitCount = int(n)
	if n == 0 {
		return nil
	}
	var last []models.Visit
	err := tx.Where("member_id = ?", id).Order("date DESC, id DESC").Limit(1).Find(&last).Error
	if err != nil {
		return fmt.Errorf("load last visit of member %d: %w", id, err)
	}
	if len(last) == 1 {
		last[0].NormaliseDates()
		st.LastVisit = &last[0]
		var names []string
		err := tx.Model(&models.User{}).Where("telegram_id = ?", last[0].AuthorID).Limit(1).Pluck("name", &names).Error
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
