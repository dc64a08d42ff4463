package sqlstore

import (
	"context"
	"errors"
	"log/slog"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Hooks for the external tests in package models_test; compiled only into
// test binaries.

// InsertForTest inserts rows (fixtures the API cannot create), each
// prepared as the store prepares its own writes: a member gets its pinyin,
// a sanction is validated and its period end computed, a visit's dates
// become UTC midnights.
func InsertForTest(ctx context.Context, s *Store, rows ...any) error {
	for _, r := range rows {
		if err := prepareForTest(r); err != nil {
			return err
		}
		if err := s.db.WithContext(ctx).Create(r).Error; err != nil {
			return err
		}
	}
	return nil
}

// prepareForTest prepares a row, or a slice of rows, for InsertForTest.
func prepareForTest(row any) error {
	switch r := row.(type) {
	case *models.Member:
		prepareMember(r)
	case *models.Sanction:
		return prepareSanction(r)
	case *models.Visit:
		r.NormaliseDates()
		r.RequestsOpen = r.RequestsPending()
	case *[]models.Member:
		for i := range *r {
			prepareMember(&(*r)[i])
		}
	case *[]models.Sanction:
		for i := range *r {
			if err := prepareSanction(&(*r)[i]); err != nil {
				return err
			}
		}
	case *[]models.Visit:
		for i := range *r {
			(*r)[i].NormaliseDates()
			(*r)[i].RequestsOpen = (*r)[i].RequestsPending()
		}
	}
	return nil
}

// ExecForTest runs a statement, such as dropping a table.
func ExecForTest(ctx context.Context, s *Store, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}

// LogToForTest sends the store's query log to log.
func LogToForTest(s *Store, log *slog.Logger) {
	s.db.Logger = &gormLogger{log: log}
}

// CountForTest counts the rows of table matching where (may be "").
func CountForTest(ctx context.Context, s *Store, table, where string, args ...any) (int64, error) {
	q := s.db.WithContext(ctx).Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	var n int64
	err := q.Count(&n).Error
	return n, err
}

// AuditForTest returns the audit rows of an action, oldest first.
func AuditForTest(ctx context.Context, s *Store, action string) ([]models.AuditEvent, error) {
	var out []models.AuditEvent
	err := s.db.WithContext(ctx).Where("action = ?", action).Order("id").Find(&out).Error
	return out, err
}

// SchemaDriftForTest lists the columns and indexes of the structs in
// package models that the migrations did not create.
func SchemaDriftForTest(ctx context.Context, s *Store) ([]string, error) {
	var missing []string
	m := s.db.WithContext(ctx).Migrator()
	for _, model := range []any{&models.Unit{}, &models.User{}, &models.Member{}, &models.Sanction{}, &models.Visit{}, &models.VisitSanction{}, &models.AuditEvent{}, &models.Invitation{}, &models.VisitRevision{}, &models.Delivery{}, &snooze{}, &workdayOverride{}, &auditHead{}, &auditMember{}, &factorRow{}} {
		stmt := &gorm.Statement{DB: s.db}
		if err := stmt.Parse(model); err != nil {
			return nil, err
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName != "" && !m.HasColumn(model, f.DBName) {
				missing = append(missing, stmt.Schema.Table+"."+f.DBName)
			}
		}
		for _, idx := range stmt.Schema.ParseIndexes() {
			if !m.HasIndex(model, idx.Name) {
				missing = append(missing, stmt.Schema.Table+" index "+idx.Name)
			}
		}
	}
	return missing, nil
}

// BackfillPinyinForTest runs the pinyin backfill of migration
// 202611270002_roster again.
func BackfillPinyinForTest(ctx context.Context, s *Store) error {
	return backfillPinyin(s.db.WithContext(ctx))
}

// BulkInsertForTest runs fill in one transaction; the insert it hands to
// fill writes a slice of rows as they are (no pinyin, no computed period
// end) in multi-row INSERTs of batch rows.
func BulkInsertForTest(ctx context.Context, s *Store, batch int, fill func(insert func(rows any) error) error) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fill(func(rows any) error { return tx.CreateInBatches(rows, batch).Error })
	})
}

// DatabaseForTest names the MySQL database the store is connected to.
func DatabaseForTest(ctx context.Context, s *Store) (string, error) {
	var name string
	err := s.db.WithContext(ctx).Raw("SELECT DATABASE()").Scan(&name).Error
	return name, err
}

// MigrateToForTest applies the migrations up to and including id.
func MigrateToForTest(ctx context.Context, s *Store, id string) error {
	return s.migrator(ctx).MigrateTo(id)
}

// PluckForTest reads one column of the rows of table matching where.
func PluckForTest(ctx context.Context, s *Store, table, column string, dest any, where string, args ...any) error {
	return s.db.WithContext(ctx).Table(table).Where(where, args...).Pluck(column, dest).Error
}

// AppendRolledBackForTest appends ev to its chain in a transaction that is
// then rolled back, as when an audited change fails after its audit row.
func AppendRolledBackForTest(ctx context.Context, s *Store, ev models.AuditEvent) error {
	errRollback := errors.New("roll back")
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := appendAudit(tx, &ev); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}
