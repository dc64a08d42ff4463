package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Demo roster: every name is fictional and every unit is marked （演示）.
const (
	demoRoot     = "示范区纪委（演示）"
	demoDonghu   = "东湖镇（演示）"
	demoXishan   = "西山街道（演示）"
	demoDHOffice = "东湖镇机关党支部（演示）"
	demoDHVill   = "东湖村党支部（演示）"
	demoXSPatrol = "西山街道城管执法中队（演示）"
	demoXSComm   = "西山社区党支部（演示）"
)

// demoTree lists the demo units, parents first.
var demoTree = []struct{ name, parent string }{
	{demoRoot, ""},
	{demoDonghu, demoRoot},
	{demoXishan, demoRoot},
	{demoDHOffice, demoDonghu},
	{demoDHVill, demoDonghu},
	{demoXSPatrol, demoXishan},
	{demoXSComm, demoXishan},
}

// demoMember is one demo member with the sanctions and visits created
// along with them.
type demoMember struct {
	unit      string
	member    models.Member
	sanctions []models.Sanction
	visits    []models.Visit // linked to every sanction of the member
}

// LoadDemo fills the database with a small, clearly fictional roster: a
// district commission, two townships with their branches, ten members
// (two of them named 张三) with a sanction of every kind and visits that
// make every item of the calendar show, plus an admin (adminTelegramID, at
// the root) and an inspector (inspectorTelegramID, at 东湖镇); a zero id
// skips that user. Dates are relative to today. Running it again changes
// nothing: existing units, users and members are kept as they are.
func (s *Store) LoadDemo(ctx context.Context, adminTelegramID, inspectorTelegramID int64) error {
	return s.LoadDemoOn(ctx, adminTelegramID, inspectorTelegramID, time.Now())
}

// LoadDemoOn is LoadDemo with its dates relative to the day of on.
func (s *Store) LoadDemoOn(ctx context.Context, adminTelegramID, inspectorTelegramID int64, on time.Time) error {
	today := models.DateOf(on)
	author := inspectorTelegramID
	if author == 0 {
		author = adminTelegramID
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		units := make(map[string]models.Unit, len(demoTree))
		for _, n := range demoTree {
			var parent *models.Unit
			if p, ok := units[n.parent]; ok {
				parent = &p
			}
			u, err := ensureUnit(tx, n.name, parent)
			if err != nil {
				return err
			}
			units[n.name] = u
		}
		if err := ensureUser(tx, adminTelegramID, "演示管理员", models.RoleAdmin, units[demoRoot].ID); err != nil {
			return err
		}
		if err := ensureUser(tx, inspectorTelegramID, "演示回访人员", models.RoleInspector, units[demoDonghu].ID); err != nil {
			return err
		}
		for _, dm := range demoMembers(today, inspectorTelegramID) {
			if err := ensureDemoMember(tx, units[dm.unit].ID, dm, author); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	return nil
}

// ensureUnit finds the unit called name under parent (nil: a root) or
// creates it with its materialised path.
func ensureUnit(tx *gorm.DB, name string, parent *models.Unit) (models.Unit, error) {
	q := tx.Where("name = ?", name)
	prefix := "/"
	if parent == nil {
		q = q.Where("parent_id IS NULL")
	} else {
		q = q.Where("parent_id = ?", parent.ID)
		prefix = parent.Path
	}
	var found []models.Unit
	if err := q.Order("id").Limit(1).Find(&found).Error; err != nil {
		return models.Unit{}, fmt.Errorf("find unit: %w", err)
	}
	if len(found) == 1 {
		return found[0], nil
	}
	u := models.Unit{Name: name, Path: prefix}
	if parent != nil {
		u.ParentID = &parent.ID
	}
	if err := tx.Create(&u).Error; err != nil {
		return models.Unit{}, fmt.Errorf("insert unit: %w", err)
	}
	u.Path = prefix + strconv.FormatUint(u.ID, 10) + "/"
	if err := tx.Model(&u).Update("path", u.Path).Error; err != nil {
		return models.Unit{}, fmt.Errorf("set path of unit %d: %w", u.ID, err)
	}
	return u, nil
}

// ensureUser creates the user unless id is 0 or already registered.
func ensureUser(tx *gorm.DB, id int64, name string, role models.Role, unitID uint64) error {
	if id == 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&models.User{}).Where("telegram_id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("check user %d: %w", id, err)
	}
	if n > 0 {
		return nil
	}
	u := models.User{TelegramID: id, Name: name, Role: role, UnitID: unitID, Lang: "zh"}
	if err := tx.Create(&u).Error; err != nil {
		return fmt.Errorf("insert user %d: %w", id, err)
	}
	return nil
}

// ensureDemoMember creates the member with their sanctions and visits
// unless a member with the same name and post exists in the unit.
func ensureDemoMember(tx *gorm.DB, unitID uint64, dm demoMember, author int64) error {
	var n int64
	err := tx.Model(&models.Member{}).Where("unit_id = ? AND name = ? AND post = ?", unitID, dm.member.Name, dm.member.Post).
		Count(&n).Error
	if err != nil || n > 0 {
		return err
	}
	m := dm.member
	m.UnitID = unitID
	prepareMember(&m)
	if err := tx.Create(&m).Error; err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	ids := make([]uint64, len(dm.sanctions))
	for i, s := range dm.sanctions {
		s.MemberID = m.ID
		if s.Category == "" {
			s.Category = m.Rank
		}
		if err := prepareSanction(&s); err != nil {
			return fmt.Errorf("sanction of member %d: %w", m.ID, err)
		}
		if err := tx.Create(&s).Error; err != nil {
			return fmt.Errorf("insert sanction of member %d: %w", m.ID, err)
		}
		ids[i] = s.ID
	}
	for _, v := range dm.visits {
		v.MemberID, v.AuthorID = m.ID, author
		v.NormaliseDates()
		v.RequestsOpen = v.RequestsPending()
		if err := tx.Create(&v).Error; err != nil {
			return fmt.Errorf("insert visit of member %d: %w", m.ID, err)
		}
		for _, id := range ids {
			if err := tx.Create(&models.VisitSanction{VisitID: v.ID, SanctionID: id}).Error; err != nil {
				return fmt.Errorf("link visit %d: %w", v.ID, err)
			}
		}
	}
	return refreshEnforced(tx, ids)
}
