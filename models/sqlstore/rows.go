package sqlstore

import "time"

// Tables that only the store knows.

// snooze hides one due item from one recipient's reminders until a day
// (that day it shows again).
type snooze struct {
	ID        uint64    `gorm:"primaryKey"`
	Recipient int64     `gorm:"not null;uniqueIndex:idx_snoozes_recipient_item,priority:1"`
	ItemKey   string    `gorm:"size:64;not null;uniqueIndex:idx_snoozes_recipient_item,priority:2"`
	Until     time.Time `gorm:"type:date;not null;index"`
}

// workdayOverride is one day of a year's official schedule set by an
// admin: a day off on a weekday, or a make-up workday (调休) on a weekend.
// A year with any rows here ignores the built-in data.
type workdayOverride struct {
	Day     time.Time `gorm:"type:date;primaryKey;autoIncrement:false"`
	Workday bool      `gorm:"not null"`
	Year    int       `gorm:"not null;index"`
}

func (snooze) TableName() string { return "snoozes" }

func (workdayOverride) TableName() string { return "workday_overrides" }
