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
// as 32 lower-case hex digits so that it fits a t.me ?start= parameter.
const inviteCodeBytes = 16

// CreateInvitation makes a one-time code that registers whoever redeems it
// as role in unitID, valid for ttl from now (at most
// models.MaxAdminInviteTTL for an admin invitation), and only for the
// Telegram id boundTo when that is not 0. Only the code's SHA-256 is
// stored; the code is on the returned invitation and nowhere else. Admins
// may invite any role to any unit; supervisors only inspectors, and only
// to a unit of their subtree; anyone else gets ErrForbidden (audited). A
// unit outside the actor's subtree is ErrNotFound; an unknown role, a
// negative boundTo or a ttl ≤ 0 is ErrInvalid.
func (s *Store) CreateInvitation(ctx context.Context, actor models.Viewer, role models.Role, unitID uint64, boundTo int64, ttl time.Duration, now time.Time) (models.Invitation, error) {
	if !models.ValidRole(role) || ttl <= 0 || boundTo < 0 {
		return models.Invitation{}, fmt.Errorf("%s: role, telegram id or ttl: %w", models.AuditInviteCreate, models.ErrInvalid)
	}
	if actor.Role != models.RoleAdmin && (actor.Role != models.RoleSupervisor || role != models.RoleInspector) {
		return models.Invitation{}, s.deny(ctx, actor, models.AuditInviteCreate, &denial{err: models.ErrForbidden})
	}
	if role == models.RoleAdmin {
		ttl = min(ttl, models.MaxAdminInviteTTL)
	}
	code, err := newInviteCode()
	if err != nil {
		return models.Invitation{}, err
	}
	now = now.UTC().Truncate(time.Millisecond)
	inv := models.Invitation{CodeHash: hashCode(code), Role: role, UnitID: unitID, CreatedBy: actor.TelegramID,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if boundTo != 0 {
		inv.BoundTo = &boundTo
	}
	err = s.guarded(ctx, actor, models.AuditInviteCreate, func(tx *gorm.DB) error {
		if err := unitInScope(tx, actor, unitID); err != nil {
			return err
		}
		inv.ID = 0
		if err := tx.Create(&inv).Error; err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		detail := fmt.Sprintf("invitation=%d role=%s unit=%d bound=%d", inv.ID, role, unitID, boundTo)
		return writeAudit(tx, actor, models.AuditInviteCreate, nil, nil, detail)
	})
	if err != nil {
		return models.Invitation{}, err
	}
	inv.Code = code
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
// with the "invite_redeem" audit row. An unknown code is ErrNotFound, and
// so is a code bound to another Telegram id; a used, revoked or expired
// one ErrInviteUsed, ErrInviteRevoked or ErrInviteExpired (checked in that
// order). A code whose inviter has lost access since, or redeemed by its
// own inviter, is ErrInviteRevoked: revoking a user revokes their codes,
// and no code brings its own inviter back. A telegramID that belongs to
// an active user is ErrDuplicate; a revoked user's row is re-activated
// with the invitation's role and unit. Of several concurrent redemptions
// of one code exactly one succeeds; the others get ErrInviteUsed. Every
// refusal of a code that exists or has the form of one is audited
// ("invite_redeem_failed", with the reason) in a transaction of its own.
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
		if inv, err = claimInvitation(tx, hashCode(code), telegramID, now); err != nil {
			return err
		}
		if u, err = registerUser(tx, inv, telegramID, name, now); errors.Is(err, models.ErrDuplicate) {
			return &redeemFailure{invitation: inv.ID, reason: "registered", err: err}
		} else if err != nil {
			return err
		}
		actor := models.Viewer{TelegramID: telegramID, Role: inv.Role, UnitID: inv.UnitID}
		detail := fmt.Sprintf("invitation=%d role=%s unit=%d", inv.ID, inv.Role, inv.UnitID)
		return writeAudit(tx, actor, models.AuditInviteRedeem, nil, nil, detail)
	})
	if err != nil {
		return models.User{}, models.Invitation{}, s.redeemFailed(ctx, code, telegramID, err)
	}
	return u, inv, nil
}

// redeemFailure is a refused redemption, with what its audit row says.
type redeemFailure struct {
	invitation uint64 // 0: no such code
	reason     string
	err        error
}

func (f *redeemFailure) Error() string { return f.reason + ": " + f.err.Error() }
func (f *redeemFailure) Unwrap() error { return f.err }

// redeemFailed audits a refused redemption and returns its error. A code
// that does not exist is audited only when it has the form of ours: a
// stranger's stray word is no attempt.
func (s *Store) redeemFailed(ctx context.Context, code string, telegramID int64, err error) error {
	var f *redeemFailure
	switch {
	case errors.As(err, &f):
	case errors.Is(err, models.ErrNotFound) && looksLikeCode(code):
		f = &redeemFailure{reason: "unknown", err: err}
	default:
		return fmt.Errorf("%s: %w", models.AuditInviteRedeem, err)
	}
	detail := fmt.Sprintf("invitation=%d reason=%s", f.invitation, f.reason)
	werr := s.inTx(ctx, func(tx *gorm.DB) error {
		return writeAudit(tx, models.Viewer{TelegramID: telegramID}, models.AuditInviteFailed, nil, nil, detail)
	})
	if werr != nil {
		return fmt.Errorf("%s: %w", models.AuditInviteRedeem, errors.Join(err, werr))
	}
	return fmt.Errorf("%s: %w", models.AuditInviteRedeem, err)
}

// looksLikeCode reports whether s has the form newInviteCode gives codes.
func looksLikeCode(s string) bool {
	if len(s) != 2*inviteCodeBytes {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// lockInvitation loads an invitation by the hash of its code and locks
// its row.
func lockInvitation(tx *gorm.DB, codeHash string) (models.Invitation, error) {
	var inv models.Invitation
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&inv, "code = ?", codeHash).Error
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

// stateReasons name invitationState's errors in audit rows.
var stateReasons = map[error]string{
	models.ErrInviteUsed: "used", models.ErrInviteRevoked: "revoked", models.ErrInviteExpired: "expired",
}

// claimInvitation marks a pending invitation used by telegramID, once it
// has checked who may redeem it. The conditional UPDATE makes a second
// claim fail even where the row lock is not available (SQLite serialises
// write transactions instead).
func claimInvitation(tx *gorm.DB, codeHash string, telegramID int64, now time.Time) (models.Invitation, error) {
	inv, err := lockInvitation(tx, codeHash)
	if err != nil {
		return models.Invitation{}, err
	}
	if err := mayRedeem(tx, inv, telegramID, now); err != nil {
		return models.Invitation{}, err
	}
	res := tx.Model(&models.Invitation{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", inv.ID).
		Updates(map[string]any{"used_by": telegramID, "used_at": now})
	if res.Error != nil {
		return models.Invitation{}, fmt.Errorf("claim invitation %d: %w", inv.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		return models.Invitation{}, &redeemFailure{invitation: inv.ID, reason: "used", err: models.ErrInviteUsed}
	}
	inv.UsedBy, inv.UsedAt = &telegramID, &now
	return inv, nil
}

// mayRedeem checks a locked invitation against its state, its binding,
// its inviter and the redeemer, and returns a redeemFailure.
func mayRedeem(tx *gorm.DB, inv models.Invitation, telegramID int64, now time.Time) error {
	fail := func(reason string, err error) error {
		return &redeemFailure{invitation: inv.ID, reason: reason, err: fmt.Errorf("invitation %d: %w", inv.ID, err)}
	}
	if err := invitationState(inv, now); err != nil {
		return fail(stateReasons[err], err)
	}
	if inv.BoundTo != nil && *inv.BoundTo != telegramID {
		return fail("bound", models.ErrNotFound) // say nothing of a code meant for someone else
	}
	if inv.CreatedBy == telegramID {
		return fail("own", models.ErrInviteRevoked)
	}
	active, err := inviterActive(tx, inv.CreatedBy)
	if err != nil {
		return err
	}
	if !active {
		return fail("inviter", models.ErrInviteRevoked)
	}
	return nil
}

// inviterActive reports whether the creator of an invitation still has
// access: their users row is not revoked, or they have none (an admin of
// HUIFANG_ADMINS). A plain read is enough: RevokeUser revokes the pending
// codes of the user it revokes in its own transaction, and the
// invitation's row lock orders the two; this check is for codes made
// before that rule.
func inviterActive(tx *gorm.DB, inviter int64) (bool, error) {
	var rows []models.User
	if err := tx.Select("id", "revoked_at").Where("telegram_id = ?", inviter).Limit(1).Find(&rows).Error; err != nil {
		return false, fmt.Errorf("look up inviter %d: %w", inviter, err)
	}
	return len(rows) == 0 || rows[0].RevokedAt == nil, nil
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
		inv, err := lockInvitation(tx, hashCode(code))
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
