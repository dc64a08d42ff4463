package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Who may write members and sanctions: admins anywhere, supervisors inside
// their subtree (a unit or member outside it is ErrNotFound, as for a
// read); inspectors only log visits, so CreateMember, UpdateMember,
// CreateSanction, LiftSanction and ImportRoster refuse them with
// ErrForbidden, audited as "denied" before anything is read.

// CreateMember adds a member to a unit of the actor's subtree, with its
// "member_create" audit row in the same transaction. Texts are trimmed;
// an empty Rank is RankOther. Invalid fields are ErrInvalid, a unit outside
// the subtree ErrNotFound, and a member of the same name in the same unit
// ErrDuplicate: name and unit identify a member (as in ImportRoster).
func (s *Store) CreateMember(ctx context.Context, actor models.Viewer, in models.MemberInput) (models.Member, error) {
	if !rosterWriter(actor) {
		return models.Member{}, s.deny(ctx, actor, models.AuditMemberCreate, &denial{err: models.ErrForbidden})
	}
	in = in.Normalised()
	if err := in.Validate(); err != nil {
		return models.Member{}, fmt.Errorf("%s: %w", models.AuditMemberCreate, err)
	}
	var m models.Member
	err := s.guarded(ctx, actor, models.AuditMemberCreate, func(tx *gorm.DB) error {
		if err := unitInScope(tx, actor, in.UnitID); err != nil {
			return err
		}
		if err := checkMemberUnique(tx, actor, in.Name, in.UnitID, 0); err != nil {
			return err
		}
		m = models.Member{Name: in.Name, UnitID: in.UnitID, Post: in.Post, Rank: in.Rank, Key: in.Key, KeyReason: in.KeyReason}
		prepareMember(&m)
		if err := tx.Create(&m).Error; err != nil {
			return fmt.Errorf("insert member: %w", err)
		}
		return writeAudit(tx, actor, models.AuditMemberCreate, &m.ID, nil, fmt.Sprintf("unit=%d", m.UnitID))
	})
	if err != nil {
		return models.Member{}, err
	}
	return m, nil
}

// checkMemberUnique returns ErrDuplicate when a member other than except
// has the name in the unit.
func checkMemberUnique(tx *gorm.DB, v models.Viewer, name string, unitID, except uint64) error {
	q, err := scopedMembers(tx, v)
	if err != nil {
		return err
	}
	var n int64
	err = q.Where("members.unit_id = ? AND members.name = ? AND members.id <> ?", unitID, name, except).Count(&n).Error
	if err != nil {
		return fmt.Errorf("check member names: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("a member of that name is in unit %d: %w", unitID, models.ErrDuplicate)
	}
	return nil
}

// UpdateMember applies a patch to a member of the actor's subtree, with
// its "member_update" audit row (the names of the changed columns) in the
// same transaction. A patch that changes nothing writes nothing. A member
// or new unit outside the subtree is ErrNotFound; a name already taken in
// the unit ErrDuplicate. An assignee must be an active inspector or
// supervisor the actor can see, whose unit's subtree holds the member's
// unit; otherwise, and for any other invalid field, ErrInvalid.
func (s *Store) UpdateMember(ctx context.Context, actor models.Viewer, id uint64, p models.MemberPatch) (models.Member, error) {
	if !rosterWriter(actor) {
		return models.Member{}, s.deny(ctx, actor, models.AuditMemberUpdate, &denial{err: models.ErrForbidden, memberID: &id})
	}
	if err := p.Validate(); err != nil {
		return models.Member{}, fmt.Errorf("%s: %w", models.AuditMemberUpdate, err)
	}
	var m models.Member
	err := s.guarded(ctx, actor, models.AuditMemberUpdate, func(tx *gorm.DB) error {
		row, err := findMember(tx, actor, id)
		if err != nil {
			return err
		}
		m = row.Member
		changed := p.Apply(&m)
		if len(changed) == 0 {
			return nil
		}
		if err := checkMemberChange(tx, actor, m, row.Member); err != nil {
			return err
		}
		cols := append([]string{"name_pinyin", "name_initials", "updated_at"}, changed...)
		if slices.Contains(changed, "assignee_id") || slices.Contains(changed, "interval_months") {
			m.AssignedAt = assignedOn(m, nowUTC())
			cols = append(cols, "assigned_at")
		}
		prepareMember(&m)
		if err := tx.Model(&m).Select(cols).Updates(&m).Error; err != nil {
			return fmt.Errorf("update member %d: %w", id, err)
		}
		return writeAudit(tx, actor, models.AuditMemberUpdate, &m.ID, nil, "fields="+strings.Join(changed, ","))
	})
	if err != nil {
		return models.Member{}, err
	}
	return m, nil
}

// checkMemberChange checks the scope, uniqueness and assignee of a
// patched member against its previous state.
func checkMemberChange(tx *gorm.DB, actor models.Viewer, m, old models.Member) error {
	if m.UnitID != old.UnitID {
		if err := unitInScope(tx, actor, m.UnitID); err != nil {
			return err
		}
	}
	if m.UnitID != old.UnitID || m.Name != old.Name {
		if err := checkMemberUnique(tx, actor, m.Name, m.UnitID, m.ID); err != nil {
			return err
		}
	}
	if m.AssigneeID == nil {
		return nil
	}
	return checkAssignee(tx, actor, *m.AssigneeID, m.UnitID)
}

// checkAssignee returns ErrInvalid unless telegramID is an active
// inspector or supervisor visible to actor whose unit's subtree contains
// unit memberUnit.
func checkAssignee(tx *gorm.DB, actor models.Viewer, telegramID int64, memberUnit uint64) error {
	users, err := scopedUsers(tx, actor)
	if err != nil {
		return err
	}
	var paths []string
	err = users.Where("users.telegram_id = ? AND users.role IN ?", telegramID, []models.Role{models.RoleInspector, models.RoleSupervisor}).
		Limit(1).Pluck("units.path", &paths).Error
	if err != nil {
		return fmt.Errorf("look up assignee: %w", err)
	}
	units, err := scopedUnits(tx, actor)
	if err != nil {
		return err
	}
	var memberPath []string
	if err := units.Where("units.id = ?", memberUnit).Limit(1).Pluck("units.path", &memberPath).Error; err != nil {
		return fmt.Errorf("look up unit %d: %w", memberUnit, err)
	}
	if len(paths) == 0 || len(memberPath) == 0 || !(unitScope{path: paths[0]}).contains(memberPath[0]) {
		return fmt.Errorf("AssigneeID: %w", models.ErrInvalid)
	}
	return nil
}

// assignedOn returns the day an interactive assignment starts: today when
// m has an assignee and an interval, none otherwise.
func assignedOn(m models.Member, now time.Time) *time.Time {
	if m.AssigneeID == nil || m.IntervalMonths <= 0 {
		return nil
	}
	d := models.DateOf(now)
	return &d
}
