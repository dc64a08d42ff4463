package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Viewer is who asks. An admin sees every member; anyone else sees only the
// members of their unit's subtree. UnitID may be 0 for an admin configured
// in the environment who has no row in the users table.
type Viewer struct {
	TelegramID int64
	Role       Role
	UnitID     uint64
}

// Audit actions.
const (
	AuditAddUser     = "add_user"
	AuditSearch      = "search_member"
	AuditOpenMember  = "open_member"
	AuditViewStatus  = "view_status"
	AuditCreateVisit = "create_visit"
)

// txAttempts bounds how often a transaction that InnoDB rolled back for a
// deadlock is run again.
const txAttempts = 3

// inTx runs fn in one transaction, again if MySQL reports a deadlock.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := s.db.WithContext(ctx).Transaction(fn)
		if err == nil || attempt == txAttempts || !isRetryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

// likeEscape escapes s for a LIKE pattern used with likeEscapeClause. '!'
// rather than '\' is the escape character because a backslash means
// different things in MySQL and SQLite string literals.
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// likeEscapeClause goes right after "LIKE ?".
const likeEscapeClause = " ESCAPE '!'"

// scopedMembers starts a query on members joined with their units, limited
// to what v may see. A non-admin viewer whose unit does not exist sees
// nothing (ErrNotFound).
func scopedMembers(tx *gorm.DB, v Viewer) (*gorm.DB, error) {
	q := tx.Table("members").Joins("JOIN units ON units.id = members.unit_id")
	if v.Role == RoleAdmin {
		return q, nil
	}
	var u Unit
	if err := tx.Select("path").Take(&u, "id = ?", v.UnitID).Error; err != nil {
		return nil, fmt.Errorf("viewer unit %d: %w", v.UnitID, notFound(err))
	}
	return q.Where("units.path LIKE ?"+likeEscapeClause, likeEscape(u.Path)+"%"), nil
}

// memberRow is a member with its unit's name.
type memberRow struct {
	Member   `gorm:"embedded"`
	UnitName string
}

const memberRowColumns = "members.*, units.name AS unit_name"

// findMember loads one member inside v's scope; out of scope is ErrNotFound.
func findMember(tx *gorm.DB, v Viewer, id uint64) (memberRow, error) {
	q, err := scopedMembers(tx, v)
	if err != nil {
		return memberRow{}, err
	}
	var rows []memberRow
	if err := q.Select(memberRowColumns).Where("members.id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return memberRow{}, fmt.Errorf("find member %d: %w", id, err)
	}
	if len(rows) == 0 {
		return memberRow{}, fmt.Errorf("member %d: %w", id, ErrNotFound)
	}
	return rows[0], nil
}

// writeAudit inserts one audit row in tx.
func writeAudit(tx *gorm.DB, v Viewer, action string, memberID, visitID *uint64, detail string) error {
	ev := AuditEvent{
		At:       time.Now().UTC(),
		ActorID:  v.TelegramID,
		Action:   action,
		MemberID: memberID,
		VisitID:  visitID,
		Detail:   detail,
	}
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("write audit %s: %w", action, err)
	}
	return nil
}

// viewAudited runs read and writes the audit row of the view in the same
// transaction, so that no data leaves the store without its audit row (fail
// closed). A view that finds nothing is audited too, with detail
// "result=not_found": probing outside one's scope is worth a record.
func (s *Store) viewAudited(ctx context.Context, v Viewer, action string, memberID uint64, read func(tx *gorm.DB) error) error {
	var missing bool
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		missing = false
		detail := ""
		if err := read(tx); errors.Is(err, ErrNotFound) {
			missing, detail = true, "result=not_found"
		} else if err != nil {
			return err
		}
		return writeAudit(tx, v, action, &memberID, nil, detail)
	})
	if err != nil {
		return fmt.Errorf("%s %d: %w", action, memberID, err)
	}
	if missing {
		return fmt.Errorf("%s %d: %w", action, memberID, ErrNotFound)
	}
	return nil
}
