package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// DueInScope returns the open calendar items of v's subtree (admins:
// everything), most urgent first, with their inspectors: what /due lists
// for a supervisor or an admin. Like DueItems it returns member ids,
// reasons and dates only, and writes no audit row of its own: what the
// user is then shown of the members is read through MemberNames, whose
// one row names them under the command's action. It reads the calendar in
// parts, like Digest. A non-admin viewer whose unit does not exist is
// ErrNotFound.
func (s *Store) DueInScope(ctx context.Context, v models.Viewer, r models.CalendarRules, today time.Time) ([]models.DueItem, error) {
	today = models.DateOf(today)
	var items []models.DueItem
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		sc, err := viewerScope(tx, v)
		if err != nil {
			return err
		}
		var assignees map[uint64]int64
		if items, assignees, err = collectDueInTx(tx, r, today, sc); err != nil {
			return err
		}
		return resolveInspectors(tx, items, assignees, today)
	})
	if err != nil {
		return nil, fmt.Errorf("due items of %d: %w", v.TelegramID, err)
	}
	slices.SortFunc(items, models.CompareDue)
	return items, nil
}
