package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// UnitInUse tells, without deleting it, whether DeleteUnit would refuse
// the unit as in use (ErrInUse: it has child units, members or active
// users); nil when it could be deleted. Admins only, like DeleteUnit
// (ErrForbidden, audited as a refused deletion); a unit outside the scope
// or absent is ErrNotFound. It reads counts only and writes no row of its
// own: the deletion, or its refusal, is what is audited.
func (s *Store) UnitInUse(ctx context.Context, actor models.Viewer, id uint64) error {
	if actor.Role != models.RoleAdmin {
		return s.deny(ctx, actor, models.AuditUnitDelete, &denial{err: models.ErrForbidden})
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := unitInScope(tx, actor, id); err != nil {
			return err
		}
		return checkUnitEmpty(tx, actor, id)
	})
	if err != nil && !errors.Is(err, models.ErrInUse) && !errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("check unit %d in use: %w", id, err)
	}
	return err
}
