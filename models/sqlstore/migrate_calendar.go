package sqlstore

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The columns and tables of migration 202611270003_calendar, frozen as
// they were then (see migrate_roster.go).

type v3Member struct {
	ID         uint64     `gorm:"primaryKey"`
	AssignedAt *time.Time `gorm:"type:date"`
}

func (v3Member) TableName() string { return "members" }

type v3User struct {
	ID     uint64 `gorm:"primaryKey"`
	Digest string `gorm:"size:8;not null;default:'weekly'"`
}

func (v3User) TableName() string { return "users" }

type v3Delivery struct {
	ID          uint64    `gorm:"primaryKey"`
	Key         string    `gorm:"size:191;not null;uniqueIndex"`
	Recipient   int64     `gorm:"not null;index"`
	Kind        string    `gorm:"size:16;not null"`
	Period      string    `gorm:"size:16;not null"`
	Status      string    `gorm:"size:16;not null;index"`
	Attempts    int       `gorm:"not null;default:0"`
	NextAttempt time.Time `gorm:"not null;index"`
	LeaseUntil  *time.Time
	Payload     string `gorm:"type:mediumtext;not null"`
	LastError   string `gorm:"size:64;not null;default:''"`
	CreatedAt   time.Time
	SentAt      *time.Time
}

func (v3Delivery) TableName() string { return "deliveries" }

type v3Snooze struct {
	ID        uint64    `gorm:"primaryKey"`
	Recipient int64     `gorm:"not null;uniqueIndex:idx_snoozes_recipient_item,priority:1"`
	ItemKey   string    `gorm:"size:64;not null;uniqueIndex:idx_snoozes_recipient_item,priority:2"`
	Until     time.Time `gorm:"type:date;not null;index"`
}

func (v3Snooze) TableName() string { return "snoozes" }

type v3WorkdayOverride struct {
	Day     time.Time `gorm:"type:date;primaryKey;autoIncrement:false"`
	Workday bool      `gorm:"not null"`
	Year    int       `gorm:"not null;index"`
}

func (v3WorkdayOverride) TableName() string { return "workday_overrides" }

// v3Columns lists the columns migration 202611270003_calendar adds.
var v3Columns = []struct {
	model any
	field string
}{
	{&v3Member{}, "AssignedAt"},
	{&v3User{}, "Digest"},
}

func v3Tables() []any { return []any{&v3Delivery{}, &v3Snooze{}, &v3WorkdayOverride{}} }

func migrateCalendar(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, c := range v3Columns {
		if err := m.AddColumn(c.model, c.field); err != nil {
			return fmt.Errorf("add column %s: %w", c.field, err)
		}
	}
	if err := m.CreateTable(v3Tables()...); err != nil {
		return fmt.Errorf("create calendar tables: %w", err)
	}
	return nil
}

func rollbackCalendar(tx *gorm.DB) error {
	m := tx.Migrator()
	tables := v3Tables()
	for i := len(tables) - 1; i >= 0; i-- {
		if err := m.DropTable(tables[i]); err != nil {
			return fmt.Errorf("drop calendar tables: %w", err)
		}
	}
	for i := len(v3Columns) - 1; i >= 0; i-- {
		if err := m.DropColumn(v3Columns[i].model, v3Columns[i].field); err != nil {
			return fmt.Errorf("drop column %s: %w", v3Columns[i].field, err)
		}
	}
	return nil
}
