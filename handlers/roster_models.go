package handlers

import (
	"errors"

	"github.com/huifang/huifang/models"
)

// assigneeOf is the Telegram id of the member's inspector of interactive
// visits, 0 when none.
func assigneeOf(m models.Member) int64 {
	if m.AssigneeID == nil {
		return 0
	}
	return *m.AssigneeID
}

// isInvalid reports input models refused (ErrInvalid); the wizards check
// first, so this is the rule they do not know of.
func isInvalid(err error) bool { return errors.Is(err, models.ErrInvalid) }
