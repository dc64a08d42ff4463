package sqlstore

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The table of migration 202612030001_second_factor, frozen as it was
// then: administrators' TOTP authenticators (see factor.go).
type v5SecondFactor struct {
	TelegramID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Secret      []byte `gorm:"size:255;not null"`
	Sealed      bool   `gorm:"not null;default:false"`
	ConfirmedAt *time.Time
	LastStep    int64 `gorm:"not null;default:0"`
	VerifiedAt  *time.Time
	Failures    int `gorm:"not null;default:0"`
	LockedUntil *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v5SecondFactor) TableName() string { return "second_factors" }

func migrateSecondFactor(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v5SecondFactor{}); err != nil {
		return fmt.Errorf("create second_factors: %w", err)
	}
	return nil
}

func rollbackSecondFactor(tx *gorm.DB) error {
	if err := tx.Migrator().DropTable(&v5SecondFactor{}); err != nil {
		return fmt.Errorf("drop second_factors: %w", err)
	}
	return nil
}
