package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// RenameUser corrects the name an active user of the actor's scope is
// registered under (the name official records show for them), with its
// "rename_user" audit row in the same transaction. Admins only; anyone
// else gets ErrForbidden (audited). An empty name, one over 64 characters
// or one with control characters is ErrInvalid; a user absent, revoked or
// outside the scope is ErrNotFound. It returns the user as renamed.
func (s *Store) RenameUser(ctx context.Context, actor models.Viewer, telegramID int64, name string) (models.User, error) {
	if actor.Role != models.RoleAdmin {
		return models.User{}, s.deny(ctx, actor, models.AuditRenameUser, &denial{err: models.ErrForbidden})
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > maxUserName || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return models.User{}, fmt.Errorf("%s: name: %w", models.AuditRenameUser, models.ErrInvalid)
	}
	var u models.User
	err := s.guarded(ctx, actor, models.AuditRenameUser, func(tx *gorm.DB) error {
		var err error
		if u, err = findRevocable(tx, actor, telegramID); err != nil {
			return err
		}
		u.Name, u.UpdatedAt = name, nowUTC()
		res := tx.Model(&u).Where("revoked_at IS NULL").Select("name", "updated_at").Updates(&u)
		if res.Error != nil {
			return fmt.Errorf("rename user %d: %w", telegramID, res.Error)
		}
		if res.RowsAffected != 1 { // revoked concurrently
			return fmt.Errorf("user %d: %w", telegramID, models.ErrNotFound)
		}
		return writeAudit(tx, actor, models.AuditRenameUser, nil, nil, fmt.Sprintf("user=%d", telegramID))
	})
	if err != nil {
		return models.User{}, err
	}
	return u, nil
}
