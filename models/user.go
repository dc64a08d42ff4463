package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// ValidRole reports whether r is one of the roles.
func ValidRole(r Role) bool {
	return r == RoleAdmin || r == RoleSupervisor || r == RoleInspector
}

// FindUser returns the user with the given Telegram id, or ErrNotFound.
func (s *Store) FindUser(ctx context.Context, telegramID int64) (User, error) {
	var u User
	if err := s.db.WithContext(ctx).Take(&u, "telegram_id = ?", telegramID).Error; err != nil {
		return User{}, fmt.Errorf("find user %d: %w", telegramID, notFound(err))
	}
	return u, nil
}

// CreateUser registers u and records an "add_user" audit row for actor in
// the same transaction. It fails with ErrConflict if the Telegram id is
// already registered and with ErrNotFound if u.UnitID does not exist.
// Deciding whether actor may do this is the caller's job.
func (s *Store) CreateUser(ctx context.Context, actor Viewer, u *User) error {
	if err := validateUser(u); err != nil {
		return err
	}
	if u.Lang == "" {
		u.Lang = "zh"
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Unit{}).Where("id = ?", u.UnitID).Count(&n).Error; err != nil {
			return fmt.Errorf("check unit %d: %w", u.UnitID, err)
		}
		if n == 0 {
			return fmt.Errorf("unit %d: %w", u.UnitID, ErrNotFound)
		}
		if err := tx.Model(&User{}).Where("telegram_id = ?", u.TelegramID).Count(&n).Error; err != nil {
			return fmt.Errorf("check user: %w", err)
		}
		if n > 0 {
			return ErrConflict
		}
		u.ID = 0
		if err := tx.Create(u).Error; err != nil {
			if isDuplicate(err) {
				return ErrConflict
			}
			return fmt.Errorf("insert user: %w", err)
		}
		detail := fmt.Sprintf("user=%d role=%s unit=%d", u.TelegramID, u.Role, u.UnitID)
		return writeAudit(tx, actor, AuditAddUser, nil, nil, detail)
	})
	if err != nil {
		u.ID = 0
		return fmt.Errorf("create user %d: %w", u.TelegramID, err)
	}
	return nil
}

func validateUser(u *User) error {
	switch {
	case u == nil:
		return errors.New("create user: nil user")
	case u.TelegramID == 0:
		return errors.New("create user: no telegram id")
	case strings.TrimSpace(u.Name) == "":
		return fmt.Errorf("create user %d: empty name", u.TelegramID)
	case !ValidRole(u.Role):
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
	res := s.db.WithContext(ctx).Model(&User{}).Where("telegram_id = ?", telegramID).Update("lang", lang)
	if res.Error != nil {
		return fmt.Errorf("set language of user %d: %w", telegramID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("set language of user %d: %w", telegramID, ErrNotFound)
	}
	return nil
}

// FindUnitByName finds a unit by its exact name or, when name is a number,
// by id. ErrNotFound if none matches, ErrConflict if several units share
// the name.
func (s *Store) FindUnitByName(ctx context.Context, name string) (Unit, error) {
	name = strings.TrimSpace(name)
	db := s.db.WithContext(ctx)
	if id, err := strconv.ParseUint(name, 10, 64); err == nil {
		var u Unit
		err := db.Take(&u, "id = ?", id).Error
		if err == nil {
			return u, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return Unit{}, fmt.Errorf("find unit %d: %w", id, err)
		}
		// Fall through: a unit may be named with digits.
	}
	var units []Unit
	if err := db.Where("name = ?", name).Order("id").Limit(2).Find(&units).Error; err != nil {
		return Unit{}, fmt.Errorf("find unit by name: %w", err)
	}
	switch len(units) {
	case 0:
		return Unit{}, fmt.Errorf("find unit by name: %w", ErrNotFound)
	case 1:
		return units[0], nil
	default:
		return Unit{}, fmt.Errorf("find unit by name: %w", ErrConflict)
	}
}

// UnitName returns the name of unit id, or ErrNotFound.
func (s *Store) UnitName(ctx context.Context, id uint64) (string, error) {
	var u Unit
	if err := s.db.WithContext(ctx).Select("name").Take(&u, "id = ?", id).Error; err != nil {
		return "", fmt.Errorf("unit name %d: %w", id, notFound(err))
	}
	return u.Name, nil
}
