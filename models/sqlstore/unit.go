package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// maxPath is the size of units.path.
const maxPath = 512

// UnitTree returns the units of v's subtree (every unit for an admin),
// ordered by path so that a parent comes before its children. A non-admin
// viewer whose unit is gone gets ErrNotFound.
func (s *Store) UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error) {
	q, err := scopedUnits(s.db.WithContext(ctx), v)
	if err != nil {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	var units []models.Unit
	if err := q.Order("units.path").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	return units, nil
}

// CreateUnit adds a unit called name under parentID (nil: a new root).
// Admins only (ErrForbidden, audited). The name is trimmed and must have
// 1–128 characters (ErrInvalid); a sibling of the same name is ErrDuplicate
// and an unknown parent ErrNotFound.
func (s *Store) CreateUnit(ctx context.Context, actor models.Viewer, name string, parentID *uint64) (models.Unit, error) {
	name = strings.TrimSpace(name)
	if actor.Role != models.RoleAdmin {
		return models.Unit{}, s.deny(ctx, actor, models.AuditUnitCreate, &denial{err: models.ErrForbidden})
	}
	if err := models.ValidateUnitName(name); err != nil {
		return models.Unit{}, fmt.Errorf("%s: %w", models.AuditUnitCreate, err)
	}
	var u models.Unit
	err := s.guarded(ctx, actor, models.AuditUnitCreate, func(tx *gorm.DB) error {
		var parent *models.Unit
		if parentID != nil {
			p, err := lockUnit(tx, *parentID)
			if err != nil {
				return err
			}
			parent = &p
		}
		if err := checkSiblingName(tx, parentID, name, 0); err != nil {
			return err
		}
		var err error
		if u, err = insertUnit(tx, name, parent); err != nil {
			return err
		}
		return writeAudit(tx, actor, models.AuditUnitCreate, nil, nil, fmt.Sprintf("unit=%d parent=%d", u.ID, parentOrZero(u)))
	})
	if err != nil {
		return models.Unit{}, err
	}
	return u, nil
}

func parentOrZero(u models.Unit) uint64 {
	if u.ParentID == nil {
		return 0
	}
	return *u.ParentID
}

// lockUnit loads a unit and, on MySQL, locks its row until the end of the
// transaction (SQLite's write transactions are serialised anyway).
func lockUnit(tx *gorm.DB, id uint64) (models.Unit, error) {
	var u models.Unit
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&u, "id = ?", id).Error; err != nil {
		return models.Unit{}, fmt.Errorf("unit %d: %w", id, notFound(err))
	}
	return u, nil
}

// checkSiblingName returns ErrDuplicate when a unit other than except has
// the name under parentID (nil: among the roots).
func checkSiblingName(tx *gorm.DB, parentID *uint64, name string, except uint64) error {
	q := tx.Model(&models.Unit{}).Where("name = ? AND id <> ?", name, except)
	if parentID == nil {
		q = q.Where("parent_id IS NULL")
	} else {
		q = q.Where("parent_id = ?", *parentID)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return fmt.Errorf("check sibling names: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("a sibling unit has that name: %w", models.ErrDuplicate)
	}
	return nil
}

// insertUnit inserts a unit and sets its path, which needs its id.
func insertUnit(tx *gorm.DB, name string, parent *models.Unit) (models.Unit, error) {
	prefix := "/"
	u := models.Unit{Name: name}
	if parent != nil {
		prefix, u.ParentID = parent.Path, &parent.ID
	}
	u.Path = prefix
	if err := tx.Create(&u).Error; err != nil {
		return models.Unit{}, fmt.Errorf("insert unit: %w", err)
	}
	u.Path = prefix + strconv.FormatUint(u.ID, 10) + "/"
	if len(u.Path) > maxPath {
		return models.Unit{}, fmt.Errorf("unit tree too deep: %w", models.ErrInvalid)
	}
	if err := tx.Model(&u).Update("path", u.Path).Error; err != nil {
		return models.Unit{}, fmt.Errorf("set path of unit %d: %w", u.ID, err)
	}
	return u, nil
}

// RenameUnit renames a unit. Admins only (ErrForbidden, audited); the
// rules of CreateUnit apply to the name.
func (s *Store) RenameUnit(ctx context.Context, actor models.Viewer, id uint64, name string) error {
	name = strings.TrimSpace(name)
	if actor.Role != models.RoleAdmin {
		return s.deny(ctx, actor, models.AuditUnitRename, &denial{err: models.ErrForbidden})
	}
	if err := models.ValidateUnitName(name); err != nil {
		return fmt.Errorf("%s: %w", models.AuditUnitRename, err)
	}
	return s.guarded(ctx, actor, models.AuditUnitRename, func(tx *gorm.DB) error {
		u, err := lockUnit(tx, id)
		if err != nil {
			return err
		}
		if err := checkSiblingName(tx, u.ParentID, name, u.ID); err != nil {
			return err
		}
		if err := tx.Model(&u).Update("name", name).Error; err != nil {
			return fmt.Errorf("rename unit %d: %w", id, err)
		}
		return writeAudit(tx, actor, models.AuditUnitRename, nil, nil, fmt.Sprintf("unit=%d", id))
	})
}

// MoveUnit moves a unit and its whole subtree under newParent (0: make it a
// root), rewriting the materialised paths of the subtree in one statement
// of the same transaction. Interactive assignments of the subtree's
// members to users whose units no longer hold them are cleared with it
// (the audit row names those members). Admins only (ErrForbidden, audited). Moving a
// unit under itself or one of its descendants is ErrInvalid, next to a
// sibling of the same name ErrDuplicate.
func (s *Store) MoveUnit(ctx context.Context, actor models.Viewer, id, newParent uint64) error {
	if actor.Role != models.RoleAdmin {
		return s.deny(ctx, actor, models.AuditUnitMove, &denial{err: models.ErrForbidden})
	}
	return s.guarded(ctx, actor, models.AuditUnitMove, func(tx *gorm.DB) error {
		u, parent, err := lockMove(tx, id, newParent)
		if err != nil {
			return err
		}
		if parent != nil && strings.HasPrefix(parent.Path, u.Path) {
			return fmt.Errorf("unit %d into its own subtree: %w", id, models.ErrInvalid)
		}
		newPath, parentID := "/"+strconv.FormatUint(id, 10)+"/", (*uint64)(nil)
		if parent != nil {
			newPath, parentID = parent.Path+newPath[1:], &parent.ID
		}
		if err := checkSiblingName(tx, parentID, u.Name, u.ID); err != nil {
			return err
		}
		if err := s.rewritePaths(tx, u.Path, newPath); err != nil {
			return err
		}
		if err := tx.Model(&u).Update("parent_id", parentID).Error; err != nil {
			return fmt.Errorf("set parent of unit %d: %w", id, err)
		}
		cleared, err := clearStrandedAssignments(tx, newPath)
		if err != nil {
			return err
		}
		return writeAuditMembers(tx, actor, models.AuditUnitMove, cleared, nil,
			fmt.Sprintf("unit=%d from=%d to=%d assignments_cleared=%d", id, parentOrZero(u), newParent, len(cleared)))
	})
}

// lockMove locks the moved unit and its new parent (nil for 0) in id
// order, so that two moves cannot each see the other's old paths.
func lockMove(tx *gorm.DB, id, newParent uint64) (models.Unit, *models.Unit, error) {
	ids := []uint64{id}
	if newParent != 0 {
		ids = append(ids, newParent)
	}
	var units []models.Unit
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id IN ?", ids).Order("id").Find(&units).Error; err != nil {
		return models.Unit{}, nil, fmt.Errorf("lock units: %w", err)
	}
	var u, p *models.Unit
	for i := range units {
		if units[i].ID == id {
			u = &units[i]
		}
		if units[i].ID == newParent {
			p = &units[i]
		}
	}
	if u == nil || (newParent != 0 && p == nil) {
		return models.Unit{}, nil, fmt.Errorf("unit %d or %d: %w", id, newParent, models.ErrNotFound)
	}
	return *u, p, nil
}

// rewritePaths replaces the prefix oldPath by newPath in the path of every
// unit of the subtree at oldPath, in one UPDATE.
func (s *Store) rewritePaths(tx *gorm.DB, oldPath, newPath string) error {
	var longest int
	err := tx.Model(&models.Unit{}).Select("COALESCE(MAX(LENGTH(path)), 0)").
		Where("path LIKE ?"+likeEscapeClause, likeEscape(oldPath)+"%").Scan(&longest).Error
	if err != nil {
		return fmt.Errorf("measure subtree: %w", err)
	}
	if longest-len(oldPath)+len(newPath) > maxPath {
		return fmt.Errorf("unit tree too deep: %w", models.ErrInvalid)
	}
	concat := "CONCAT(?, SUBSTRING(path, ?))"
	if s.dialect == DialectSQLite {
		concat = "? || SUBSTR(path, ?)"
	}
	err = tx.Model(&models.Unit{}).Where("path LIKE ?"+likeEscapeClause, likeEscape(oldPath)+"%").
		Update("path", gorm.Expr(concat, newPath, len(oldPath)+1)).Error
	if err != nil {
		return fmt.Errorf("rewrite paths: %w", err)
	}
	return nil
}

// DeleteUnit deletes a unit. Admins only (ErrForbidden, audited). A unit
// with child units, members or active users is ErrInUse; its pending
// invitations are revoked with it, so that nobody joins a deleted unit.
func (s *Store) DeleteUnit(ctx context.Context, actor models.Viewer, id uint64) error {
	if actor.Role != models.RoleAdmin {
		return s.deny(ctx, actor, models.AuditUnitDelete, &denial{err: models.ErrForbidden})
	}
	return s.guarded(ctx, actor, models.AuditUnitDelete, func(tx *gorm.DB) error {
		u, err := lockUnit(tx, id)
		if err != nil {
			return err
		}
		if err := checkUnitEmpty(tx, actor, u.ID); err != nil {
			return err
		}
		err = tx.Model(&models.Invitation{}).Where("unit_id = ? AND used_at IS NULL AND revoked_at IS NULL", id).
			Update("revoked_at", nowUTC()).Error
		if err != nil {
			return fmt.Errorf("revoke invitations of unit %d: %w", id, err)
		}
		if err := tx.Delete(&u).Error; err != nil {
			return fmt.Errorf("delete unit %d: %w", id, err)
		}
		return writeAudit(tx, actor, models.AuditUnitDelete, nil, nil, fmt.Sprintf("unit=%d", id))
	})
}

// checkUnitEmpty returns ErrInUse when the unit has child units, members
// or active users.
func checkUnitEmpty(tx *gorm.DB, actor models.Viewer, id uint64) error {
	members, err := scopedMembers(tx, actor)
	if err != nil {
		return err
	}
	users, err := scopedUsers(tx, actor)
	if err != nil {
		return err
	}
	for what, q := range map[string]*gorm.DB{
		"child units": tx.Model(&models.Unit{}).Where("parent_id = ?", id),
		"members":     members.Where("members.unit_id = ?", id),
		"users":       users.Where("users.unit_id = ?", id),
	} {
		var n int64
		if err := q.Count(&n).Error; err != nil {
			return fmt.Errorf("count %s of unit %d: %w", what, id, err)
		}
		if n > 0 {
			return fmt.Errorf("unit %d has %s: %w", id, what, models.ErrInUse)
		}
	}
	return nil
}

// clearStrandedAssignments clears the assignee of every member of the
// subtree at path whose assignee's unit does not hold the member's unit
// (any more), and returns those members.
func clearStrandedAssignments(tx *gorm.DB, path string) ([]uint64, error) {
	var rows []struct {
		ID           uint64
		MemberPath   string
		AssigneePath *string
	}
	err := tx.Table("members").Select("members.id, mu.path AS member_path, au.path AS assignee_path").
		Joins("JOIN units mu ON mu.id = members.unit_id").
		Joins("LEFT JOIN users ON users.telegram_id = members.assignee_id").
		Joins("LEFT JOIN units au ON au.id = users.unit_id").
		Where("members.assignee_id IS NOT NULL AND mu.path LIKE ?"+likeEscapeClause, likeEscape(path)+"%").
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("assignments of the moved units: %w", err)
	}
	var stranded []uint64
	for _, r := range rows {
		if r.AssigneePath == nil || !(unitScope{path: *r.AssigneePath}).contains(r.MemberPath) {
			stranded = append(stranded, r.ID)
		}
	}
	if len(stranded) == 0 {
		return nil, nil
	}
	err = tx.Table("members").Where("id IN ?", stranded).
		Updates(map[string]any{"assignee_id": nil, "assigned_at": nil, "updated_at": nowUTC()}).Error
	if err != nil {
		return nil, fmt.Errorf("clear stranded assignments: %w", err)
	}
	return stranded, nil
}
