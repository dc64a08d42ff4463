package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// snoozeKeep is how long an expired snooze row is kept before Snooze
// clears it away (the scheduler's "today" may lag the server's clock).
const snoozeKeep = 7 * 24 * time.Hour

// Snooze hides an item from v's reminders until the given day (on that
// day it shows again); snoozing it again moves the day. The key must be a
// DueItem.Key (else ErrInvalid) of a member v may see (else ErrNotFound).
// Audited ("snooze") in the same transaction.
func (s *Store) Snooze(ctx context.Context, v models.Viewer, itemKey string, until time.Time) error {
	item, err := models.ParseDueKey(itemKey)
	if err != nil {
		return fmt.Errorf("snooze: %w", err)
	}
	until = models.DateOf(until)
	if !models.DateInRange(until) {
		return fmt.Errorf("snooze: until: %w", models.ErrInvalid)
	}
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if _, err := findMember(tx, v, item.MemberID); err != nil {
			return err
		}
		row := snooze{Recipient: v.TelegramID, ItemKey: itemKey, Until: until}
		upsert := clause.OnConflict{
			Columns:   []clause.Column{{Name: "recipient"}, {Name: "item_key"}},
			DoUpdates: clause.AssignmentColumns([]string{"until"}),
		}
		if err := tx.Clauses(upsert).Create(&row).Error; err != nil {
			return fmt.Errorf("save snooze: %w", err)
		}
		old := models.DateOf(nowUTC().Add(-snoozeKeep))
		if err := tx.Where("recipient = ? AND `until` < ?", v.TelegramID, old).Delete(&snooze{}).Error; err != nil {
			return fmt.Errorf("clear old snoozes: %w", err)
		}
		detail := fmt.Sprintf("key=%s until=%s", itemKey, until.Format(time.DateOnly))
		return writeAudit(tx, v, models.AuditSnooze, &item.MemberID, nil, detail)
	})
	if err != nil {
		return fmt.Errorf("snooze %s: %w", itemKey, err)
	}
	return nil
}

// MarkFollowUp records feedback to the unit and/or the branch notice as
// done for a visit v may see (else ErrNotFound). It only sets flags,
// never clears them; with neither flag it is ErrInvalid. Audited
// ("followup_done", with the fields set) in the same transaction.
func (s *Store) MarkFollowUp(ctx context.Context, v models.Viewer, visitID uint64, feedback, branch bool) error {
	if !feedback && !branch {
		return fmt.Errorf("%s %d: nothing to mark: %w", models.AuditFollowUpDone, visitID, models.ErrInvalid)
	}
	updates := map[string]any{}
	var fields []string
	if feedback {
		updates["feedback_unit"] = true
		fields = append(fields, "feedback_unit")
	}
	if branch {
		updates["branch_informed"] = true
		fields = append(fields, "branch_informed")
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		visit, _, err := findVisit(tx, v, visitID, true)
		if err != nil {
			return err
		}
		if err := tx.Table("visits").Where("id = ?", visitID).Updates(updates).Error; err != nil {
			return fmt.Errorf("update visit: %w", err)
		}
		return writeAudit(tx, v, models.AuditFollowUpDone, &visit.MemberID, &visitID, "fields="+strings.Join(fields, ","))
	})
	if err != nil {
		return fmt.Errorf("%s %d: %w", models.AuditFollowUpDone, visitID, err)
	}
	return nil
}
