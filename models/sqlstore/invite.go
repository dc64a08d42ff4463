package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// maxUserName is the size of users.name, in characters.
const maxUserName = 64

// inviteCodeBytes is the entropy of an invitation code: 128 bits, written
// as 32 lower-case hex digits so that it fits a t.me ?start= parameter and
// survives MySQL's case-insensitive comparison unchanged.
const inviteCodeBytes = 16

// CreateInvitation makes a one-time code that registers whoever redeems it
// as role in unitID, valid for ttl from now. Admins may invite any role to
// any unit; supervisors only inspectors, and only to a unit of their
// subtree; anyone else gets ErrForbidden (audited). A unit outside the
// actor's subtree is ErrNotFound; an unknown role or a ttl ≤ 0 is
// ErrInvalid.
func (s *Store) CreateInvitation(ctx context.Context, actor models.Viewer, role models.Role, unitID uint64, ttl time.Duration, now time.Time) (models.Invitation, error) {
	if !models.ValidRole(role) || ttl <= 0 {
		return models.Invitation{}, fmt.Errorf("%s: role or ttl: %w", models.AuditInviteCreate, models.ErrInvalid)
	}
	if actor.Role != models.RoleAdmin && (actor.Role != models.RoleSupervisor || role != models.RoleInspector) {
		return models.Invitation{}, s.deny(ctx, actor, models.AuditInviteCreate, &denial{err: models.ErrForbidden})
	}
	code, err := newInviteCode()
	if err != nil {
		return models.Invitation{}, err
	}
	now = now.UTC().Truncate(time.Millisecond)
	inv := models.Invitation{Code: code, Role: role, UnitID: unitID, CreatedBy: actor.TelegramID,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = s.guarded(ctx, actor, models.AuditInviteCreate, func(tx *gorm.DB) error {
		if err := unitInScope(tx, actor, unitID); err != nil {
			return err
		}
		inv.ID = 0
		if err := tx.Create(&inv).Error; err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		detail := fmt.Sprintf("invitation=%d role=%s unit=%d", inv.ID, role, unitID)
		return writeAudit(tx, actor, models.AuditInviteCreate, nil, nil, detail)
	})
	if err != nil {
		return models.Invitation{}, err
	}
	return inv, nil
}

func newInviteCode() (string, error) {
	b := make([]byte, inviteCodeBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("invitation code: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// unitInScope returns ErrNotFound unless unit id exists inside v's scope.
func unitInScope(tx *gorm.DB, v models.Viewer, id uint64) error {
	q, err := scopedUnits(tx, v)
	if err != nil {
		return err
	}
	var n int64
	if err := q.Where("units.id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("check unit %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("unit %d: %w", id, models.ErrNotFound)
	}
	return nil
}

// RedeemInvitation registers telegramID with the invitation's role and
// unit under name (trimmed, cut to 64 characters), all in one transaction
// with the "invite_redeem" audit row. An unknown code is ErrNotFound; a
// used, revoked or expired one ErrInviteUsed, ErrInviteRevoked or
// ErrInviteExpired (checked in that order). A telegramID that belongs to
// an active user is ErrDuplicate; a revoked user's row is re-activated with
// the invitation's role and unit. Of several concurrent redemptions of one
// code exactly one succeeds; the others get ErrInviteUsed.
func (s *Store) RedeemInvitation(ctx context.Context, code string, telegramID int64, name string, now time.Time) (models.User, models.Invitation, error) {
	name = truncateRunes(strings.TrimSpace(name), maxUserName)
	code = strings.TrimSpace(code)
	if name == "" || telegramID == 0 {
		return models.User{}, models.Invitation{}, fmt.Errorf("%s: name or telegram id: %w", models.AuditInviteRedeem, models.ErrInvalid)
	}
	if code == "" || len(code) > 64 {
		return models.User{}, models.Invitation{}, fmt.Errorf("%s: %w", models.AuditInviteRedeem, models.ErrNotFound)
	}
	now = now.UTC().Truncate(time.Millisecond)
	var (
		u   models.User
		inv models.Invitation
	)
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if inv, err = claimInvitation(tx, code, telegramID, now); err != nil {
			return err
		}
		if u, err = registerUser(tx, inv, telegramID, name, now); err != nil {
			return err
		}
		actor := models.Viewer{TelegramID: telegramID, Role: inv.Role, UnitID: inv.UnitID}
		detail := fmt.Sprintf("invitation=%d role=%s unit=%d", inv.ID, inv.Role, inv.UnitID)
		return writeAudit(tx, actor, models.AuditInviteRedeem, nil, nil, detail)
	})
	if err != nil {
		return models.User{}, models.Invitation{}, fmt.Errorf("%s: %w", models.AuditInviteRedeem, err)
	}
	return u, inv, nil
}

// lockInvitation loads an invitation by its exact code and locks its row.
func lockInvitation(tx *gorm.DB, code string) (models.Invitation, error) {
	var inv models.Invitation
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&inv, "code = ?", code).Error
	if err == nil && inv.Code != code { // MySQL compares case-insensitively
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return models.Invitation{}, fmt.Errorf("invitation: %w", notFound(err))
	}
	return inv, nil
}

// invitationState returns the error of an invitation that cannot be
// redeemed or revoked any more, nil for a pending one.
func invitationState(inv models.Invitation, now time.Time) error {
	switch {
	case inv.UsedAt != nil:
		return models.ErrInviteUsed
	case inv.RevokedAt != nil:
		return models.ErrInviteRevoked
	case !now.Before(inv.ExpiresAt):
		return models.ErrInviteExpired
	}
	return nil
}

// claimInvitation marks a pending invitation used by telegramID. The
// conditional UPDATE makes a second claim fail even where the row lock is
// not available (SQLite serialises write transactions instead).
func claimInvitation(tx *gorm.DB, code string, telegramID int64, now time.Time) (models.Invitation, error) {
	inv, err := lockInvitation(tx, code)
	if err != nil {
		return models.Invitation{}, err
	}
	if err := invitationState(inv, now); err != nil {
		return models.Invitation{}, fmt.Errorf("invitation %d: %w", inv.ID, err)
	}
	res := tx.Model(&models.Invitation{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", inv.ID).
		Updates(map[string]any{"used_by": telegramID, "used_at": now})
	if res.Error != nil {
		return models.Invitation{}, fmt.Errorf("claim invitation %d: %w", inv.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return models.Invitation{}, fmt.Errorf("invitation %d: %w", inv.ID, models.ErrInviteUsed)
	}
	inv.UsedBy, inv.UsedAt = &telegramID, &now
	return inv, nil
}

// registerUser creates the user of a redeemed invitation, or re-activates
// a revoked one. It reads the users table by Telegram id without a scope:
// the row is the redeemer's own, and nothing of it leaves the store unless
// the redemption succeeds.
func registerUser(tx *gorm.DB, inv models.Invitation, telegramID int64, name string, now time.Time) (models.User, error) {
	var u models.User
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&u, "telegram_id = ?", telegramID).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		u = models.User{TelegramID: telegramID, Name: name, Role: inv.Role, UnitID: inv.UnitID, Lang: "zh"}
		if err := tx.Create(&u).Error; err != nil {
			if isDuplicate(err) {
				return models.User{}, fmt.Errorf("user %d registered concurrently: %w", telegramID, models.ErrDuplicate)
			}
			return models.User{}, fmt.Errorf("insert user: %w", err)
		}
		return u, nil
	case err != nil:
		return models.User{}, fmt.Errorf("look up user %d: %w", telegramID, err)
	case u.RevokedAt == nil:
		return models.User{}, fmt.Errorf("user %d is registered: %w", telegramID, models.ErrDuplicate)
	}
	u.Name, u.Role, u.UnitID, u.RevokedAt, u.UpdatedAt = name, inv.Role, inv.UnitID, nil, now
	err = tx.Model(&u).Select("name", "role", "unit_id", "revoked_at", "updated_at").Updates(&u).Error
	if err != nil {
		return models.User{}, fmt.Errorf("re-activate user %d: %w", telegramID, err)
	}
	return u, nil
}

// RevokeInvitation makes a pending code unusable. Admins may revoke any
// invitation, supervisors those for inspectors of their subtree; anyone
// else gets ErrForbidden (audited). An unknown code, or one for a unit
// outside the actor's subtree, is ErrNotFound; a used or already revoked
// one ErrInviteUsed or ErrInviteRevoked. An expired code may be revoked.
func (s *Store) RevokeInvitation(ctx context.Context, actor models.Viewer, code string) error {
	if !rosterWriter(actor) {
		return s.deny(ctx, actor, models.AuditInviteRevoke, &denial{err: models.ErrForbidden})
	}
	code = strings.TrimSpace(code)
	return s.guarded(ctx, actor, models.AuditInviteRevoke, func(tx *gorm.DB) error {
		inv, err := lockInvitation(tx, code)
		if err != nil {
			return err
		}
		if err := unitInScope(tx, actor, inv.UnitID); errors.Is(err, models.ErrNotFound) {
			return fmt.Errorf("invitation: %w", models.ErrNotFound) // say nothing about the unit
		} else if err != nil {
			return err
		}
		if actor.Role != models.RoleAdmin && inv.Role != models.RoleInspector {
			return forbidden(nil, nil)
		}
		if inv.UsedAt != nil || inv.RevokedAt != nil {
			return fmt.Errorf("invitation %d: %w", inv.ID, invitationState(inv, time.Time{}))
		}
		if err := tx.Model(&inv).Update("revoked_at", nowUTC()).Error; err != nil {
			return fmt.Errorf("revoke invitation %d: %w", inv.ID, err)
		}
		return writeAudit(tx, actor, models.AuditInviteRevoke, nil, nil, fmt.Sprintf("invitation=%d", inv.ID))
	})
}
