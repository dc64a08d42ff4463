package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// factorRow is an administrator's second factor (models.SecondFactor).
type factorRow struct {
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

func (factorRow) TableName() string { return "second_factors" }

func (r factorRow) factor() models.SecondFactor {
	f := models.SecondFactor{TelegramID: r.TelegramID, Secret: r.Secret, Sealed: r.Sealed,
		Confirmed: r.ConfirmedAt != nil, LastStep: r.LastStep, Failures: r.Failures}
	if r.VerifiedAt != nil {
		f.VerifiedAt = r.VerifiedAt.UTC()
	}
	if r.LockedUntil != nil {
		f.LockedUntil = r.LockedUntil.UTC()
	}
	return f
}

// SecondFactor returns the second factor of an administrator, or
// ErrNotFound when they have none.
func (s *Store) SecondFactor(ctx context.Context, telegramID int64) (models.SecondFactor, error) {
	var row factorRow
	if err := s.db.WithContext(ctx).Take(&row, "telegram_id = ?", telegramID).Error; err != nil {
		return models.SecondFactor{}, fmt.Errorf("second factor of %d: %w", telegramID, notFound(err))
	}
	return row.factor(), nil
}

// EnrolSecondFactor stores a new secret for the administrator actor, not
// yet confirmed (replacing one that was not), and audits it. A confirmed
// factor is replaced only after ResetSecondFactor: ErrDuplicate. Only an
// administrator has one: ErrForbidden, audited.
func (s *Store) EnrolSecondFactor(ctx context.Context, actor models.Viewer, secret []byte, sealed bool) error {
	return s.guarded(ctx, actor, models.AuditFactorEnrol, func(tx *gorm.DB) error {
		if actor.Role != models.RoleAdmin {
			return forbidden(nil, nil)
		}
		var row factorRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "telegram_id = ?", actor.TelegramID).Error
		switch {
		case err == nil && row.ConfirmedAt != nil:
			return fmt.Errorf("second factor of %d: %w", actor.TelegramID, models.ErrDuplicate)
		case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("load second factor: %w", err)
		}
		if err := tx.Where("telegram_id = ?", actor.TelegramID).Delete(&factorRow{}).Error; err != nil {
			return fmt.Errorf("drop unconfirmed second factor: %w", err)
		}
		row = factorRow{TelegramID: actor.TelegramID, Secret: secret, Sealed: sealed}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store second factor: %w", err)
		}
		return writeAudit(tx, actor, models.AuditFactorEnrol, nil, nil, "")
	})
}

// CheckSecondFactor checks a code of the administrator actor at now with
// check, under a lock of their factor so that replicas count failures
// together: a code is accepted once (its time step must follow the last
// one accepted), and MaxFactorFailures wrong codes in a row lock the factor
// for FactorLockout. Every attempt is audited, the code never. An accepted
// code confirms an enrolment. ErrNotFound: no factor.
func (s *Store) CheckSecondFactor(ctx context.Context, actor models.Viewer, now time.Time, check models.FactorCheck) (models.FactorResult, error) {
	var res models.FactorResult
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var row factorRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "telegram_id = ?", actor.TelegramID).Error
		if err != nil {
			return fmt.Errorf("load second factor: %w", notFound(err))
		}
		var updates map[string]any
		var detail string
		res, updates, detail = judgeCode(row.factor(), now.UTC(), check)
		if err := tx.Model(&factorRow{}).Where("telegram_id = ?", actor.TelegramID).Updates(updates).Error; err != nil {
			return fmt.Errorf("update second factor: %w", err)
		}
		return writeAudit(tx, actor, models.AuditFactorVerify, nil, nil, detail)
	})
	if err != nil {
		return models.FactorResult{}, fmt.Errorf("check second factor of %d: %w", actor.TelegramID, err)
	}
	return res, nil
}

// judgeCode decides an attempt on f at now: its result, the columns to
// update and the audit detail.
func judgeCode(f models.SecondFactor, now time.Time, check models.FactorCheck) (models.FactorResult, map[string]any, string) {
	if now.Before(f.LockedUntil) {
		return models.FactorResult{Locked: true, LockedUntil: f.LockedUntil}, map[string]any{"updated_at": now}, "result=locked"
	}
	step, ok, reseal := check(f)
	if ok && step > f.LastStep {
		up := map[string]any{"last_step": step, "verified_at": now, "failures": 0, "locked_until": nil, "updated_at": now}
		if !f.Confirmed {
			up["confirmed_at"] = now
		}
		if reseal != nil {
			up["secret"], up["sealed"] = reseal, true
		}
		return models.FactorResult{OK: true}, up, "result=ok"
	}
	detail := "result=wrong"
	if ok {
		detail = "result=replayed" // a right code, used before
	}
	failures := f.Failures + 1
	if failures >= models.MaxFactorFailures {
		until := now.Add(models.FactorLockout)
		return models.FactorResult{Locked: true, LockedUntil: until},
			map[string]any{"failures": 0, "locked_until": until, "updated_at": now}, detail + " locked=1"
	}
	return models.FactorResult{Left: models.MaxFactorFailures - failures},
		map[string]any{"failures": failures, "updated_at": now}, detail
}

// ResetSecondFactor removes the second factor of telegramID, so that they
// enrol again (a lost authenticator). Only an administrator may, and it
// is audited; ErrNotFound: none to remove.
func (s *Store) ResetSecondFactor(ctx context.Context, actor models.Viewer, telegramID int64) error {
	return s.guarded(ctx, actor, models.AuditFactorReset, func(tx *gorm.DB) error {
		if actor.Role != models.RoleAdmin {
			return forbidden(nil, nil)
		}
		res := tx.Where("telegram_id = ?", telegramID).Delete(&factorRow{})
		if res.Error != nil {
			return fmt.Errorf("delete second factor: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("second factor of %d: %w", telegramID, models.ErrNotFound)
		}
		return writeAudit(tx, actor, models.AuditFactorReset, nil, nil, "of="+strconv.FormatInt(telegramID, 10))
	})
}
