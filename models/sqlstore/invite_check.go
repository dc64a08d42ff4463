package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// CheckInvitation tells whether telegramID could redeem code now, without
// redeeming it: the invitation (its role, unit and inviter) when it
// could, else the error RedeemInvitation would give, refusals audited
// alike ("invite_redeem_failed"). The newcomer is asked their name and
// shown the unit between this check and the redemption, which checks
// everything again: the code may be used or revoked meanwhile.
func (s *Store) CheckInvitation(ctx context.Context, code string, telegramID int64, now time.Time) (models.Invitation, error) {
	code = strings.TrimSpace(code)
	if telegramID == 0 {
		return models.Invitation{}, fmt.Errorf("check invitation: telegram id: %w", models.ErrInvalid)
	}
	if code == "" || len(code) > 64 {
		return models.Invitation{}, fmt.Errorf("check invitation: %w", models.ErrNotFound)
	}
	now = now.UTC().Truncate(time.Millisecond)
	var inv models.Invitation
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&inv, "code = ?", hashCode(code)).Error; err != nil {
			return fmt.Errorf("invitation: %w", notFound(err))
		}
		if err := mayRedeem(tx, inv, telegramID, now); err != nil {
			return err
		}
		return notRegistered(tx, inv, telegramID)
	})
	if err != nil {
		return models.Invitation{}, s.redeemFailed(ctx, code, telegramID, err)
	}
	return inv, nil
}

// notRegistered is the redeemFailure of a redeemer who is an active user
// already, as registerUser would find.
func notRegistered(tx *gorm.DB, inv models.Invitation, telegramID int64) error {
	var n int64
	err := tx.Model(&models.User{}).Where("telegram_id = ? AND revoked_at IS NULL", telegramID).Count(&n).Error
	if err != nil {
		return fmt.Errorf("look up user %d: %w", telegramID, err)
	}
	if n > 0 {
		return &redeemFailure{invitation: inv.ID, reason: "registered",
			err: fmt.Errorf("user %d is registered: %w", telegramID, models.ErrDuplicate)}
	}
	return nil
}
