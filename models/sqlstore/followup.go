package sqlstore

import (
	"context"
	"errors"
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
// Audited ("snooze") in the same transaction, a probe of a member out of
// scope too (detail "result=not_found").
func (s *Store) Snooze(ctx context.Context, v models.Viewer, itemKey string, until time.Time) error {
	item, err := models.ParseDueKey(itemKey)
	if err != nil {
		return fmt.Errorf("snooze: %w", err)
	}
	until = models.DateOf(until)
	if !models.DateInRange(until) {
		return fmt.Errorf("snooze: until: %w", models.ErrInvalid)
	}
	var missing bool
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		detail := fmt.Sprintf("key=%s until=%s", itemKey, until.Format(time.DateOnly))
		_, err := findMember(tx, v, item.MemberID)
		if missing = errors.Is(err, models.ErrNotFound); missing {
			return writeAudit(tx, v, models.AuditSnooze, &item.MemberID, nil, "result=not_found "+detail)
		}
		if err != nil {
			return err
		}
		if err := saveSnooze(tx, v, itemKey, until); err != nil {
			return err
		}
		return writeAudit(tx, v, models.AuditSnooze, &item.MemberID, nil, detail)
	})
	if err == nil && missing {
		err = fmt.Errorf("member %d: %w", item.MemberID, models.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("snooze %s: %w", itemKey, err)
	}
	return nil
}

// saveSnooze upserts v's snooze of an item and clears v's long-expired ones.
func saveSnooze(tx *gorm.DB, v models.Viewer, itemKey string, until time.Time) error {
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
	return nil
}

// MarkFollowUp records feedback to the unit and/or the branch notice as
// done for a visit v may see (else ErrNotFound, audited as a probe with
// "result=not_found"). Only the visit's author, the member's assigned
// inspector, a supervisor over the member's unit or an admin may (else
// ErrForbidden, audited as "denied"). It sets only the flags asked for
// that are still open, never clears one, and records just those; with
// neither flag asked, or none of them open, it is ErrInvalid. Audited
// ("followup_done", with the fields set) in the same transaction.
func (s *Store) MarkFollowUp(ctx context.Context, v models.Viewer, visitID uint64, feedback, branch bool) error {
	if !feedback && !branch {
		return fmt.Errorf("%s %d: nothing to mark: %w", models.AuditFollowUpDone, visitID, models.ErrInvalid)
	}
	var missing bool
	err := s.guarded(ctx, v, models.AuditFollowUpDone, func(tx *gorm.DB) error {
		visit, _, err := findVisit(tx, v, visitID, true)
		if missing = errors.Is(err, models.ErrNotFound); missing {
			return writeAudit(tx, v, models.AuditFollowUpDone, nil, &visitID, "result=not_found")
		}
		if err != nil {
			return err
		}
		if err := mayMarkFollowUp(tx, v, visit); err != nil {
			return err
		}
		updates := map[string]any{}
		var fields []string
		if feedback && !visit.FeedbackUnit {
			updates["feedback_unit"], fields = true, append(fields, "feedback_unit")
		}
		if branch && !visit.BranchInformed {
			updates["branch_informed"], fields = true, append(fields, "branch_informed")
		}
		if len(fields) == 0 {
			return fmt.Errorf("nothing open: %w", models.ErrInvalid)
		}
		if err := tx.Table("visits").Where("id = ?", visitID).Updates(updates).Error; err != nil {
			return fmt.Errorf("update visit: %w", err)
		}
		return writeAudit(tx, v, models.AuditFollowUpDone, &visit.MemberID, &visitID, "fields="+strings.Join(fields, ","))
	})
	if err == nil && missing {
		err = models.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", models.AuditFollowUpDone, visitID, err)
	}
	return nil
}

// mayMarkFollowUp lets the visit's author, the member's assigned
// inspector, supervisors and admins (the visit is in their scope: findVisit
// checked) record its follow-up; anyone else is refused.
func mayMarkFollowUp(tx *gorm.DB, v models.Viewer, visit models.Visit) error {
	if v.Role == models.RoleAdmin || v.Role == models.RoleSupervisor || visit.AuthorID == v.TelegramID {
		return nil
	}
	var m models.Member
	if err := tx.Select("assignee_id").Take(&m, "id = ?", visit.MemberID).Error; err != nil {
		return fmt.Errorf("assignee of member %d: %w", visit.MemberID, notFound(err))
	}
	if m.AssigneeID != nil && *m.AssigneeID == v.TelegramID {
		return nil
	}
	return forbidden(&visit.MemberID, &visit.ID)
}
