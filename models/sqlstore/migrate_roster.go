package sqlstore

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The columns, indexes and tables of migration 202611270002_roster, frozen
// as they were then. Each struct declares only what the migration adds
// (plus the primary key), so that AddColumn and CreateIndex read their
// definitions from here and never from package models.

type v2Member struct {
	ID             uint64 `gorm:"primaryKey"`
	AssigneeID     *int64 `gorm:"index"`
	IntervalMonths int    `gorm:"not null;default:0"`
	NamePinyin     string `gorm:"size:255;not null;default:'';index"`
	NameInitials   string `gorm:"size:64;not null;default:'';index"`
}

func (v2Member) TableName() string { return "members" }

type v2Sanction struct {
	ID             uint64 `gorm:"primaryKey"`
	LiftDecisionNo string `gorm:"size:64;not null;default:''"`
}

func (v2Sanction) TableName() string { return "sanctions" }

type v2User struct {
	ID        uint64 `gorm:"primaryKey"`
	RevokedAt *time.Time
}

func (v2User) TableName() string { return "users" }

type v2Invitation struct {
	ID        uint64    `gorm:"primaryKey"`
	Code      string    `gorm:"size:64;not null;uniqueIndex"`
	Role      string    `gorm:"size:16;not null"`
	UnitID    uint64    `gorm:"not null;index"`
	CreatedBy int64     `gorm:"not null;index"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedBy    *int64
	UsedAt    *time.Time
	RevokedAt *time.Time
}

func (v2Invitation) TableName() string { return "invitations" }

type v2VisitRevision struct {
	ID       uint64    `gorm:"primaryKey"`
	VisitID  uint64    `gorm:"not null;uniqueIndex:idx_visit_revisions_visit_version,priority:1"`
	Version  int       `gorm:"not null;uniqueIndex:idx_visit_revisions_visit_version,priority:2"`
	EditorID int64     `gorm:"not null"`
	At       time.Time `gorm:"not null"`
	Reason   string    `gorm:"size:512;not null"`
	Changed  string    `gorm:"size:512;not null"`
	Before   string    `gorm:"type:mediumtext;not null"`
}

func (v2VisitRevision) TableName() string { return "visit_revisions" }

// v2Columns lists the columns migration 202611270002_roster adds.
var v2Columns = []struct {
	model any
	field string
}{
	{&v2Member{}, "AssigneeID"},
	{&v2Member{}, "IntervalMonths"},
	{&v2Member{}, "NamePinyin"},
	{&v2Member{}, "NameInitials"},
	{&v2Sanction{}, "LiftDecisionNo"},
	{&v2User{}, "RevokedAt"},
}

// v2Indexes lists the indexes it adds to existing tables, by field.
var v2Indexes = []string{"AssigneeID", "NamePinyin", "NameInitials"}

func migrateRoster(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, c := range v2Columns {
		if err := m.AddColumn(c.model, c.field); err != nil {
			return fmt.Errorf("add column %s: %w", c.field, err)
		}
	}
	for _, field := range v2Indexes {
		if err := m.CreateIndex(&v2Member{}, field); err != nil {
			return fmt.Errorf("index members %s: %w", field, err)
		}
	}
	if err := m.CreateTable(&v2Invitation{}, &v2VisitRevision{}); err != nil {
		return fmt.Errorf("create roster tables: %w", err)
	}
	return backfillPinyin(tx)
}

func rollbackRoster(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.DropTable(&v2VisitRevision{}, &v2Invitation{}); err != nil {
		return fmt.Errorf("drop roster tables: %w", err)
	}
	for _, field := range v2Indexes {
		if err := m.DropIndex(&v2Member{}, field); err != nil {
			return fmt.Errorf("drop index members %s: %w", field, err)
		}
	}
	for i := len(v2Columns) - 1; i >= 0; i-- {
		if err := m.DropColumn(v2Columns[i].model, v2Columns[i].field); err != nil {
			return fmt.Errorf("drop column %s: %w", v2Columns[i].field, err)
		}
	}
	return nil
}

// backfillPinyin fills name_pinyin and name_initials of the members that
// existed before the columns did, a thousand at a time.
func backfillPinyin(tx *gorm.DB) error {
	type row struct {
		ID   uint64
		Name string
	}
	var last uint64
	for {
		var rows []row
		err := tx.Table("members").Select("id", "name").Where("id > ?", last).
			Order("id").Limit(1000).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("backfill pinyin: load members: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			full, initials := namePinyin(r.Name)
			err := tx.Table("members").Where("id = ?", r.ID).
				Updates(map[string]any{"name_pinyin": full, "name_initials": initials}).Error
			if err != nil {
				return fmt.Errorf("backfill pinyin of member %d: %w", r.ID, err)
			}
		}
		last = rows[len(rows)-1].ID
	}
}
