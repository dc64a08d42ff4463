package sqlstore

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Migration 202612030003_review: the supervisor's review of a visit.
// Existing visits are approved (the column's default): they were accepted
// before review existed.

// v7Visit is the visits table's review columns as added here.
type v7Visit struct {
	ID         uint64 `gorm:"primaryKey"`
	Review     string `gorm:"size:16;not null;default:approved;index"`
	ReviewerID *int64
	ReviewedAt *time.Time
	ReviewNote string `gorm:"type:text"`
}

func (v7Visit) TableName() string { return "visits" }

var v7Columns = []string{"Review", "ReviewerID", "ReviewedAt", "ReviewNote"}

func migrateReview(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, c := range v7Columns {
		if err := m.AddColumn(&v7Visit{}, c); err != nil {
			return fmt.Errorf("add column visits %s: %w", c, err)
		}
	}
	if err := m.CreateIndex(&v7Visit{}, "Review"); err != nil {
		return fmt.Errorf("index visits review: %w", err)
	}
	return nil
}

func rollbackReview(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.DropIndex(&v7Visit{}, "Review"); err != nil {
		return fmt.Errorf("drop index visits review: %w", err)
	}
	for i := len(v7Columns) - 1; i >= 0; i-- {
		if err := m.DropColumn(&v7Visit{}, v7Columns[i]); err != nil {
			return fmt.Errorf("drop column visits %s: %w", v7Columns[i], err)
		}
	}
	return nil
}
