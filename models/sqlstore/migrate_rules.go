package sqlstore

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The columns of migration 202612030001_rules, frozen as they were then
// (see migrate_roster.go): the personnel category recorded with each
// sanction and the extension of a probation, the unit's appraisal of a
// member, and the visit record's new findings, appraisal and open tasks.

type v4Sanction struct {
	ID          uint64 `gorm:"primaryKey"`
	Category    string `gorm:"size:24;not null;default:other"`
	ExtensionNo string `gorm:"size:64;not null;default:''"`
}

func (v4Sanction) TableName() string { return "sanctions" }

type v4Member struct {
	ID                uint64     `gorm:"primaryKey"`
	UnitAppraisal     string     `gorm:"type:text"`
	UnitAppraisalDate *time.Time `gorm:"type:date"`
}

func (v4Member) TableName() string { return "members" }

type v4Visit struct {
	ID                 uint64     `gorm:"primaryKey"`
	Study              string     `gorm:"type:text"`
	Rectification      string     `gorm:"type:text"`
	CaseView           string     `gorm:"type:text"`
	Loopholes          string     `gorm:"type:text"`
	Guidance           string     `gorm:"type:text"`
	Requests           string     `gorm:"type:text"`
	RequestsMetOn      *time.Time `gorm:"type:date"`
	RequestsOpen       bool       `gorm:"not null;default:false"`
	AppraisalMorality  string     `gorm:"size:16;not null;default:''"`
	AppraisalAbility   string     `gorm:"size:16;not null;default:''"`
	AppraisalDiligence string     `gorm:"size:16;not null;default:''"`
	AppraisalResults   string     `gorm:"size:16;not null;default:''"`
	AppraisalIntegrity string     `gorm:"size:16;not null;default:''"`
	AppraisalNote      string     `gorm:"type:text"`
	RectifiedOn        *time.Time `gorm:"type:date"`
	RectifiedFen       int64      `gorm:"not null;default:0"`
}

func (v4Visit) TableName() string { return "visits" }

// v4Columns lists the columns migration 202612030001_rules adds.
var v4Columns = []struct {
	model any
	field string
}{
	{&v4Sanction{}, "Category"}, {&v4Sanction{}, "ExtensionNo"},
	{&v4Member{}, "UnitAppraisal"}, {&v4Member{}, "UnitAppraisalDate"},
	{&v4Visit{}, "Study"}, {&v4Visit{}, "Rectification"}, {&v4Visit{}, "CaseView"}, {&v4Visit{}, "Loopholes"},
	{&v4Visit{}, "Guidance"}, {&v4Visit{}, "Requests"}, {&v4Visit{}, "RequestsMetOn"}, {&v4Visit{}, "RequestsOpen"},
	{&v4Visit{}, "AppraisalMorality"}, {&v4Visit{}, "AppraisalAbility"}, {&v4Visit{}, "AppraisalDiligence"},
	{&v4Visit{}, "AppraisalResults"}, {&v4Visit{}, "AppraisalIntegrity"}, {&v4Visit{}, "AppraisalNote"},
	{&v4Visit{}, "RectifiedOn"}, {&v4Visit{}, "RectifiedFen"},
}

// v4Backfill brings the existing rows under the new rules:
//   - each sanction's personnel category is the member's current one (the
//     best knowledge there is of the category at the decision);
//   - an expulsion from the party has no period (it was stored as 60
//     months, which made it "end");
//   - an enforcement problem recorded before this migration counts as
//     corrected on the visit's date by the pay recorded with it: the old
//     form asked for the pay corrected, so its records are of problems
//     found and fixed;
//   - whether a sanction was enforced follows from its latest visit's
//     check (sanctions never visited keep what they had).
var v4Backfill = []string{
	"UPDATE sanctions SET category = COALESCE((SELECT members.`rank` FROM members WHERE members.id = sanctions.member_id), 'other')",
	"UPDATE sanctions SET period_end = NULL WHERE kind = 'party_expulsion'",
	"UPDATE visits SET rectified_on = `date`, rectified_fen = pay_corrected_fen WHERE enforcement_ok = 0",
	"UPDATE sanctions SET enforced = COALESCE((SELECT CASE WHEN visits.enforcement_ok = 1 OR visits.rectified_on IS NOT NULL THEN 1 ELSE 0 END " +
		"FROM visits JOIN visit_sanctions ON visit_sanctions.visit_id = visits.id WHERE visit_sanctions.sanction_id = sanctions.id " +
		"ORDER BY visits.date DESC, visits.id DESC LIMIT 1), enforced)",
}

func migrateRules(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, c := range v4Columns {
		if err := m.AddColumn(c.model, c.field); err != nil {
			return fmt.Errorf("add column %s: %w", c.field, err)
		}
	}
	for _, stmt := range v4Backfill {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
	}
	return nil
}

func rollbackRules(tx *gorm.DB) error {
	m := tx.Migrator()
	for i := len(v4Columns) - 1; i >= 0; i-- {
		if err := m.DropColumn(v4Columns[i].model, v4Columns[i].field); err != nil {
			return fmt.Errorf("drop column %s: %w", v4Columns[i].field, err)
		}
	}
	return nil
}
