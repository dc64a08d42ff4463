package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
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
func (s *Store) CreateMember(ctx context.Context, actor Viewer, in MemberInput) (Member, error) {
	if !rosterWriter(actor) {
		return Member{}, s.deny(ctx, actor, AuditMemberCreate, &denial{err: ErrForbidden})
	}
	in = in.normalised()
	if err := in.Validate(); err != nil {
		return Member{}, fmt.Errorf("%s: %w", AuditMemberCreate, err)
	}
	var m Member
	err := s.guarded(ctx, actor, AuditMemberCreate, func(tx *gorm.DB) error {
		if err := unitInScope(tx, actor, in.UnitID); err != nil {
			return err
		}
		if err := checkMemberUnique(tx, actor, in.Name, in.UnitID, 0); err != nil {
			return err
		}
		m = Member{Name: in.Name, UnitID: in.UnitID, Post: in.Post, Rank: in.Rank, Key: in.Key, KeyReason: in.KeyReason}
		prepareMember(&m)
		if err := tx.Create(&m).Error; err != nil {
			return fmt.Errorf("insert member: %w", err)
		}
		return writeAudit(tx, actor, AuditMemberCreate, &m.ID, nil, fmt.Sprintf("unit=%d", m.UnitID))
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

// checkMemberUnique returns ErrDuplicate when a member other than except
// has the name in the unit.
func checkMemberUnique(tx *gorm.DB, v Viewer, name string, unitID, except uint64) error {
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
		return fmt.Errorf("a member of that name is in unit %d: %w", unitID, ErrDuplicate)
	}
	return nil
}

// Validate checks the fields a patch sets, as CreateMember would, and the
// interval (0..24 months). Errors wrap ErrInvalid.
func (p MemberPatch) Validate() error {
	m := Member{Name: "x", Rank: RankOther}
	p.apply(&m)
	if p.IntervalMonths != nil && (*p.IntervalMonths < 0 || *p.IntervalMonths > maxIntervalMonths) {
		return fmt.Errorf("IntervalMonths: %w", ErrInvalid)
	}
	return invalidErr(memberIssues(m.Name, m.Post, m.Rank, m.KeyReason))
}

// apply sets m's fields from p (texts trimmed, AssigneeID 0 as nil) and
// returns the columns whose values changed.
func (p MemberPatch) apply(m *Member) []string {
	var changed []string
	set := func(column string, differs bool, assign func()) {
		if differs {
			assign()
			changed = append(changed, column)
		}
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		set("name", name != m.Name, func() { m.Name = name })
	}
	if p.UnitID != nil {
		set("unit_id", *p.UnitID != m.UnitID, func() { m.UnitID = *p.UnitID })
	}
	if p.Post != nil {
		post := strings.TrimSpace(*p.Post)
		set("post", post != m.Post, func() { m.Post = post })
	}
	if p.Rank != nil {
		set("rank", *p.Rank != m.Rank, func() { m.Rank = *p.Rank })
	}
	if p.Key != nil {
		set("key", *p.Key != m.Key, func() { m.Key = *p.Key })
	}
	if p.KeyReason != nil {
		reason := strings.TrimSpace(*p.KeyReason)
		set("key_reason", reason != m.KeyReason, func() { m.KeyReason = reason })
	}
	if p.AssigneeID != nil {
		var next *int64
		if *p.AssigneeID != 0 {
			next = p.AssigneeID
		}
		differs := (next == nil) != (m.AssigneeID == nil) || (next != nil && *next != *m.AssigneeID)
		set("assignee_id", differs, func() { m.AssigneeID = next })
	}
	if p.IntervalMonths != nil {
		set("interval_months", *p.IntervalMonths != m.IntervalMonths, func() { m.IntervalMonths = *p.IntervalMonths })
	}
	return changed
}

// UpdateMember applies a patch to a member of the actor's subtree, with
// its "member_update" audit row (the names of the changed columns) in the
// same transaction. A patch that changes nothing writes nothing. A member
// or new unit outside the subtree is ErrNotFound; a name already taken in
// the unit ErrDuplicate. An assignee must be an active inspector or
// supervisor the actor can see, whose unit's subtree holds the member's
// unit; otherwise, and for any other invalid field, ErrInvalid.
func (s *Store) UpdateMember(ctx context.Context, actor Viewer, id uint64, p MemberPatch) (Member, error) {
	if !rosterWriter(actor) {
		return Member{}, s.deny(ctx, actor, AuditMemberUpdate, &denial{err: ErrForbidden, memberID: &id})
	}
	if err := p.Validate(); err != nil {
		return Member{}, fmt.Errorf("%s: %w", AuditMemberUpdate, err)
	}
	var m Member
	err := s.guarded(ctx, actor, AuditMemberUpdate, func(tx *gorm.DB) error {
		row, err := findMember(tx, actor, id)
		if err != nil {
			return err
		}
		m = row.Member
		changed := p.apply(&m)
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
		return writeAudit(tx, actor, AuditMemberUpdate, &m.ID, nil, "fields="+strings.Join(changed, ","))
	})
	if err != nil {
		return Member{}, err
	}
	return m, nil
}

// checkMemberChange checks the scope, uniqueness and assignee of a
// patched member against its previous state.
func checkMemberChange(tx *gorm.DB, actor Viewer, m, old Member) error {
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
func checkAssignee(tx *gorm.DB, actor Viewer, telegramID int64, memberUnit uint64) error {
	users, err := scopedUsers(tx, actor)
	if err != nil {
		return err
	}
	var paths []string
	err = users.Where("users.telegram_id = ? AND users.role IN ?", telegramID, []Role{RoleInspector, RoleSupervisor}).
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
		return fmt.Errorf("AssigneeID: %w", ErrInvalid)
	}
	return nil
}

// assignedOn returns the day an interactive assignment starts: today when
// m has an assignee and an interval, none otherwise.
func assignedOn(m Member, now time.Time) *time.Time {
	if m.AssigneeID == nil || m.IntervalMonths <= 0 {
		return nil
	}
	d := DateOf(now)
	return &d
}
