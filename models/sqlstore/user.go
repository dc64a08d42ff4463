package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// FindUser returns the active user with the given Telegram id, or
// ErrNotFound, also for a revoked user. It answers "who is asking" before
// there is a Viewer, so it is the one read of users that no scope limits.
//
// It runs on every update, so it skips GORM's statement building and
// reflection: one plain query, scanned field by field.
func (s *Store) FindUser(ctx context.Context, telegramID int64) (models.User, error) {
	var u models.User
	err := s.sqlDB.QueryRowContext(ctx, findUserSQL, telegramID).Scan(
		&u.ID, &u.TelegramID, &u.Name, &u.Role, &u.UnitID, &u.Lang, &u.Digest, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		err = models.ErrNotFound
	}
	if err != nil {
		return models.User{}, fmt.Errorf("find user %d: %w", telegramID, err)
	}
	return u, nil
}

const findUserSQL = "SELECT id, telegram_id, name, role, unit_id, lang, digest, created_at, updated_at " +
	"FROM users WHERE telegram_id = ? AND revoked_at IS NULL"

// CreateUser registers u and records an "add_user" audit row for actor in
// the same transaction. It fails with ErrDuplicate if the Telegram id is
// already registered and with ErrNotFound if u.UnitID does not exist.
// Deciding whether actor may do this is the caller's job.
func (s *Store) CreateUser(ctx context.Context, actor models.Viewer, u *models.User) error {
	if err := validateUser(u); err != nil {
		return err
	}
	if u.Lang == "" {
		u.Lang = "zh"
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Unit{}).Where("id = ?", u.UnitID).Count(&n).Error; err != nil {
			return fmt.Errorf("check unit %d: %w", u.UnitID, err)
		}
		if n == 0 {
			return fmt.Errorf("unit %d: %w", u.UnitID, models.ErrNotFound)
		}
		if err := tx.Model(&models.User{}).Where("telegram_id = ?", u.TelegramID).Count(&n).Error; err != nil {
			return fmt.Errorf("check user: %w", err)
		}
		if n > 0 {
			return models.ErrDuplicate
		}
		u.ID = 0
		if err := tx.Create(u).Error; err != nil {
			if isDuplicate(err) {
				return models.ErrDuplicate
			}
			return fmt.Errorf("insert user: %w", err)
		}
		detail := fmt.Sprintf("user=%d role=%s unit=%d", u.TelegramID, u.Role, u.UnitID)
		return writeAudit(tx, actor, models.AuditAddUser, nil, nil, detail)
	})
	if err != nil {
		u.ID = 0
		return fmt.Errorf("create user %d: %w", u.TelegramID, err)
	}
	return nil
}

func validateUser(u *models.User) error {
	switch {
	case u == nil:
		return errors.New("create user: nil user")
	case u.TelegramID == 0:
		return errors.New("create user: no telegram id")
	case strings.TrimSpace(u.Name) == "":
		return fmt.Errorf("create user %d: empty name", u.TelegramID)
	case !models.ValidRole(u.Role):
		return fmt.Errorf("create user %d: invalid role %q", u.TelegramID, u.Role)
	case len(u.Lang) > 8:
		return fmt.Errorf("create user %d: invalid language code", u.TelegramID)
	}
	return nil
}

// SetUserLang sets a user's language code ("zh", "en"); ErrNotFound if there
// is no such user.
func (s *Store) SetUserLang(ctx context.Context, telegramID int64, lang string) error {
	if lang == "" || len(lang) > 8 {
		return fmt.Errorf("set language of user %d: invalid language code", telegramID)
	}
	// MySQL runs with clientFoundRows, so an unchanged row still counts.
	res := s.db.WithContext(ctx).Model(&models.User{}).Where("telegram_id = ?", telegramID).Update("lang", lang)
	if res.Error != nil {
		return fmt.Errorf("set language of user %d: %w", telegramID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set language of user %d: %w", telegramID, models.ErrNotFound)
	}
	return nil
}

// FindUnitByName finds a unit by its exact name or, when name is a number,
// by id. ErrNotFound if none matches, ErrAmbiguous if several units share
// the name.
func (s *Store) FindUnitByName(ctx context.Context, name string) (models.Unit, error) {
	name = strings.TrimSpace(name)
	db := s.db.WithContext(ctx)
	if id, err := strconv.ParseUint(name, 10, 64); err == nil {
		var u models.Unit
		err := db.Take(&u, "id = ?", id).Error
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return models.Unit{}, fmt.Errorf("find unit %d: %w", id, err)
		}
		// Fall through: a unit may be named with digits.
	}
	var units []models.Unit
	if err := db.Where("name = ?", name).Order("id").Limit(2).Find(&units).Error; err != nil {
		return models.Unit{}, fmt.Errorf("find unit by name: %w", err)
	}
	switch len(units) {
	case 0:
		return models.Unit{}, fmt.Errorf("find unit by name: %w", models.ErrNotFound)
	case 1:
		return units[0], nil
	default:
		return models.Unit{}, fmt.Errorf("find unit by name: %w", models.ErrAmbiguous)
	}
}

// UnitName returns the name of unit id, or ErrNotFound.
func (s *Store) UnitName(ctx context.Context, id uint64) (string, error) {
	var u models.Unit
	if err := s.db.WithContext(ctx).Select("name").Take(&u, "id = ?", id).Error; err != nil {
		return "", fmt.Errorf("unit name %d: %w", id, notFound(err))
	}
	return u.Name, nil
}

// ListUsers lists the active users of v's subtree (all for an admin) with
// their units' names, ordered by unit path, then name. Admins and
// supervisors only (ErrForbidden, audited). The listing is audited
// ("list_users") in the same transaction.
func (s *Store) ListUsers(ctx context.Context, v models.Viewer) ([]models.UserRow, error) {
	if !rosterWriter(v) {
		return nil, s.deny(ctx, v, models.AuditListUsers, &denial{err: models.ErrForbidden})
	}
	var rows []models.UserRow
	err := s.guarded(ctx, v, models.AuditListUsers, func(tx *gorm.DB) error {
		q, err := scopedUsers(tx, v)
		if err != nil {
			return err
		}
		rows = nil
		err = q.Select("users.*, units.name AS unit_name").Order("units.path, users.name, users.id").Find(&rows).Error
		if err != nil {
			return fmt.Errorf("query users: %w", err)
		}
		return writeAudit(tx, v, models.AuditListUsers, nil, nil, fmt.Sprintf("results=%d", len(rows)))
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// RevokeUser removes a user's access at once: FindUser no longer finds
// them, and the invitations they made that are still pending are revoked
// in the same transaction. The row stays, with RevokedAt set, so that
// audit rows and visit authors still resolve. Admins may revoke anyone of
// their scope but themselves (ErrInvalid), supervisors only inspectors of
// their subtree; anyone else gets ErrForbidden (audited), and so does an
// actor whose own access was revoked meanwhile (the actor's row is locked
// and read again in the transaction). Revoking the last active admin (an
// admin with a users row; those of HUIFANG_ADMINS are not seen here) is
// ErrLastAdmin. A user outside the actor's subtree, absent or already
// revoked is ErrNotFound.
func (s *Store) RevokeUser(ctx context.Context, actor models.Viewer, telegramID int64) (models.User, error) {
	if !rosterWriter(actor) {
		return models.User{}, s.deny(ctx, actor, models.AuditRevokeUser, &denial{err: models.ErrForbidden})
	}
	if telegramID == actor.TelegramID {
		return models.User{}, fmt.Errorf("%s: oneself: %w", models.AuditRevokeUser, models.ErrInvalid)
	}
	var u models.User
	err := s.guarded(ctx, actor, models.AuditRevokeUser, func(tx *gorm.DB) error {
		var err error
		if u, err = checkRevocation(tx, actor, telegramID); err != nil {
			return err
		}
		now := nowUTC()
		u.RevokedAt, u.UpdatedAt = &now, now
		res := tx.Model(&u).Where("revoked_at IS NULL").Select("revoked_at", "updated_at").Updates(&u)
		if res.Error != nil {
			return fmt.Errorf("revoke user %d: %w", telegramID, res.Error)
		}
		if res.RowsAffected != 1 { // revoked concurrently
			return fmt.Errorf("user %d: %w", telegramID, models.ErrNotFound)
		}
		res = tx.Model(&models.Invitation{}).Where("created_by = ? AND used_at IS NULL AND revoked_at IS NULL", telegramID).
			Update("revoked_at", now)
		if res.Error != nil {
			return fmt.Errorf("revoke invitations of user %d: %w", telegramID, res.Error)
		}
		detail := fmt.Sprintf("user=%d role=%s invitations_revoked=%d", telegramID, u.Role, res.RowsAffected)
		return writeAudit(tx, actor, models.AuditRevokeUser, nil, nil, detail)
	})
	if err != nil {
		return models.User{}, err
	}
	return u, nil
}

// checkRevocation locks the rows of the actor, the target and every
// active admin (in one statement, in Telegram id order, so that two
// revocations lock alike and the second sees what the first did), then
// checks that the actor still has access, that the target is in scope and
// may be revoked by the actor, and that an admin remains. It returns the
// target.
func checkRevocation(tx *gorm.DB, actor models.Viewer, telegramID int64) (models.User, error) {
	var locked []models.User
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("telegram_id IN ? OR (role = ? AND revoked_at IS NULL)", []int64{actor.TelegramID, telegramID}, models.RoleAdmin).
		Order("telegram_id").Find(&locked).Error
	if err != nil {
		return models.User{}, fmt.Errorf("lock users: %w", err)
	}
	admins, actorFound := 0, false
	for _, l := range locked {
		if l.TelegramID == actor.TelegramID {
			actorFound = true
			if l.RevokedAt != nil {
				return models.User{}, forbidden(nil, nil) // lost access since the update was read
			}
		}
		if l.TelegramID != telegramID && l.Role == models.RoleAdmin && l.RevokedAt == nil {
			admins++ // an admin who remains, the actor included
		}
	}
	if !actorFound && actor.Role != models.RoleAdmin {
		return models.User{}, forbidden(nil, nil) // only admins of HUIFANG_ADMINS act without a row
	}
	u, err := findRevocable(tx, actor, telegramID)
	if err != nil {
		return models.User{}, err
	}
	if actor.Role != models.RoleAdmin && u.Role != models.RoleInspector {
		return models.User{}, forbidden(nil, nil)
	}
	if u.Role == models.RoleAdmin && admins == 0 {
		return models.User{}, fmt.Errorf("user %d: %w", telegramID, models.ErrLastAdmin)
	}
	return u, nil
}

// findRevocable returns the active user telegramID inside actor's scope,
// or ErrNotFound.
func findRevocable(tx *gorm.DB, actor models.Viewer, telegramID int64) (models.User, error) {
	q, err := scopedUsers(tx, actor)
	if err != nil {
		return models.User{}, err
	}
	var found []models.User
	if err := q.Select("users.*").Where("users.telegram_id = ?", telegramID).Limit(1).Find(&found).Error; err != nil {
		return models.User{}, fmt.Errorf("find user %d: %w", telegramID, err)
	}
	if len(found) == 0 {
		return models.User{}, fmt.Errorf("user %d: %w", telegramID, models.ErrNotFound)
	}
	return found[0], nil
}
