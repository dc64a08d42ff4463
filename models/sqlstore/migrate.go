package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// mysqlTableOptions makes every MySQL table InnoDB and utf8mb4, whatever the
// server's defaults. The collation is unicode_520_ci, not unicode_ci: the
// latter gives every character outside the BMP the same weight, so that
// names with rare characters (CJK Extension B and later, e.g. 𠮷) would
// compare equal to each other.
const mysqlTableOptions = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci"

// Migrate brings the schema up to date. Migrations are versioned (gormigrate
// records their ids in the "migrations" table), so running it again is a
// no-op.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.migrator(ctx).Migrate(); err != nil {
		return fmt.Errorf("migrate %s: %w", s.dialect, err)
	}
	return s.ensureAuditHeads(ctx)
}

// migrator is gormigrate over the store's migrations.
func (s *Store) migrator(ctx context.Context) *gormigrate.Gormigrate {
	db := s.db.WithContext(ctx)
	if s.dialect == DialectMySQL {
		db = db.Set("gorm:table_options", mysqlTableOptions)
	}
	// A new session, so that gormigrate's chained calls (Table("migrations"),
	// ...) do not leak into the statements of the migrations themselves.
	db = db.Session(&gorm.Session{})
	return gormigrate.New(db, &gormigrate.Options{
		TableName:                 "migrations",
		IDColumnName:              "id",
		IDColumnSize:              64,
		UseTransaction:            s.dialect == DialectSQLite, // MySQL DDL commits implicitly
		ValidateUnknownMigrations: true,
	}, migrations())
}

// migrations lists every schema change in order. A migration never changes
// once released: it declares the tables as they were at that point, so that
// later edits to the structs of package models do not rewrite history.
func migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		{ID: "202611270001_initial", Migrate: migrateInitial, Rollback: rollbackInitial},
		{ID: "202611270002_roster", Migrate: migrateRoster, Rollback: rollbackRoster},
		{ID: "202611270003_calendar", Migrate: migrateCalendar, Rollback: rollbackCalendar},
		{ID: "202612010001_security", Migrate: migrateSecurity, Rollback: rollbackSecurity},
		{ID: "202612030001_rules", Migrate: migrateRules, Rollback: rollbackRules},
		{ID: "202612030001_second_factor", Migrate: migrateSecondFactor, Rollback: rollbackSecondFactor},
		{ID: "202612030002_audit_chains", Migrate: migrateAuditChains, Rollback: rollbackAuditChains},
		{ID: "202612030003_review", Migrate: migrateReview, Rollback: rollbackReview},
	}
}

// The tables of migration 202611270001_initial, frozen as they were then.

type v1Unit struct {
	ID        uint64  `gorm:"primaryKey"`
	ParentID  *uint64 `gorm:"index"`
	Name      string  `gorm:"size:128;not null;index"`
	Path      string  `gorm:"size:512;not null;index"`
	CreatedAt time.Time
}

func (v1Unit) TableName() string { return "units" }

type v1User struct {
	ID         uint64 `gorm:"primaryKey"`
	TelegramID int64  `gorm:"not null;uniqueIndex"`
	Name       string `gorm:"size:64;not null"`
	Role       string `gorm:"size:16;not null"`
	UnitID     uint64 `gorm:"not null;index"`
	Lang       string `gorm:"size:8;not null;default:zh"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (v1User) TableName() string { return "users" }

type v1Member struct {
	ID        uint64 `gorm:"primaryKey"`
	Name      string `gorm:"size:64;not null;index"`
	UnitID    uint64 `gorm:"not null;index"`
	Post      string `gorm:"size:128;not null;default:''"`
	Rank      string `gorm:"size:24;not null;default:other"`
	Key       bool   `gorm:"not null;default:false"`
	KeyReason string `gorm:"size:256;not null;default:''"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (v1Member) TableName() string { return "members" }

type v1Sanction struct {
	ID              uint64     `gorm:"primaryKey"`
	MemberID        uint64     `gorm:"not null;index:idx_sanctions_member_decision,priority:1"`
	Kind            string     `gorm:"size:32;not null"`
	DecisionNo      string     `gorm:"size:64;not null;uniqueIndex"`
	DecisionDate    time.Time  `gorm:"type:date;not null;index:idx_sanctions_member_decision,priority:2"`
	EffectiveDate   time.Time  `gorm:"type:date;not null"`
	ProbationMonths int        `gorm:"not null;default:0"`
	PeriodEnd       *time.Time `gorm:"type:date;index"`
	Enforced        bool       `gorm:"not null;default:false"`
	LiftedOn        *time.Time `gorm:"type:date"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (v1Sanction) TableName() string { return "sanctions" }

type v1Visit struct {
	ID                 uint64     `gorm:"primaryKey"`
	IdemKey            string     `gorm:"size:64;not null;uniqueIndex"`
	MemberID           uint64     `gorm:"not null;index:idx_visits_member_date,priority:1"`
	AuthorID           int64      `gorm:"not null;index"`
	Date               time.Time  `gorm:"type:date;not null;index;index:idx_visits_member_date,priority:2"`
	Methods            string     `gorm:"size:128;not null"`
	Type               string     `gorm:"size:16;not null"`
	Inspectors         string     `gorm:"size:512;not null"`
	Participants       string     `gorm:"size:512;not null;default:''"`
	Thinking           string     `gorm:"type:text;not null"`
	Work               string     `gorm:"type:text;not null"`
	Difficulties       string     `gorm:"type:text"`
	Opinions           string     `gorm:"type:text"`
	Help               string     `gorm:"type:text"`
	EnforcementOK      bool       `gorm:"not null"`
	EnforcementProblem string     `gorm:"type:text"`
	PayCorrectedFen    int64      `gorm:"not null;default:0"`
	Conclusion         string     `gorm:"size:16;not null"`
	Recommendation     string     `gorm:"size:16;not null"`
	FeedbackUnit       bool       `gorm:"not null"`
	BranchInformed     bool       `gorm:"not null"`
	NextVisit          *time.Time `gorm:"type:date"`
	CreatedAt          time.Time
}

func (v1Visit) TableName() string { return "visits" }

type v1VisitSanction struct {
	VisitID    uint64 `gorm:"primaryKey;autoIncrement:false"`
	SanctionID uint64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (v1VisitSanction) TableName() string { return "visit_sanctions" }

type v1AuditEvent struct {
	ID       uint64    `gorm:"primaryKey"`
	At       time.Time `gorm:"not null;index"`
	ActorID  int64     `gorm:"not null;index"`
	Action   string    `gorm:"size:32;not null"`
	MemberID *uint64   `gorm:"index"`
	VisitID  *uint64
	Detail   string `gorm:"size:255;not null;default:''"`
}

func (v1AuditEvent) TableName() string { return "audit_events" }

// initialTables lists the tables of migration 202611270001_initial in
// creation order; Rollback drops them in reverse.
func initialTables() []any {
	return []any{&v1Unit{}, &v1User{}, &v1Member{}, &v1Sanction{}, &v1Visit{}, &v1VisitSanction{}, &v1AuditEvent{}}
}

func migrateInitial(tx *gorm.DB) error {
	return tx.AutoMigrate(initialTables()...)
}

func rollbackInitial(tx *gorm.DB) error {
	tables := initialTables()
	for i := len(tables) - 1; i >= 0; i-- {
		if err := tx.Migrator().DropTable(tables[i]); err != nil {
			return err
		}
	}
	return nil
}
