package sqlstore

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// The columns and tables of migration 202612010001_security, frozen as
// they were then (see migrate_roster.go): invitation codes stored as their
// SHA-256 and optionally bound to one Telegram id; the audit hash chain
// (a sequence number and hash per event, the events' member lists, the
// chain's head).

type v4Invitation struct {
	ID      uint64 `gorm:"primaryKey"`
	BoundTo *int64
}

func (v4Invitation) TableName() string { return "invitations" }

type v4AuditEvent struct {
	ID   uint64 `gorm:"primaryKey"`
	Seq  uint64 `gorm:"not null;default:0;uniqueIndex"`
	Hash string `gorm:"size:64;not null;default:''"`
}

func (v4AuditEvent) TableName() string { return "audit_events" }

// v4AuditRow is an audit event as this migration reads it to chain it.
type v4AuditRow struct {
	ID       uint64
	At       time.Time
	ActorID  int64
	Action   string
	MemberID *uint64
	VisitID  *uint64
	Detail   string
	Seq      uint64
}

func (r v4AuditRow) fields() chainFields {
	return chainFields{Seq: r.Seq, At: r.At, ActorID: r.ActorID, Action: r.Action,
		MemberID: r.MemberID, VisitID: r.VisitID, Detail: r.Detail}
}

type v4AuditMember struct {
	EventID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	MemberID uint64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (v4AuditMember) TableName() string { return "audit_members" }

type v4AuditChain struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement:false"`
	Seq       uint64 `gorm:"not null"`
	Hash      string `gorm:"size:64;not null"`
	FloorSeq  uint64 `gorm:"not null;default:0"`
	FloorHash string `gorm:"size:64;not null;default:''"`
	UpdatedAt time.Time
}

func (v4AuditChain) TableName() string { return "audit_chain" }

func migrateSecurity(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.AddColumn(&v4Invitation{}, "BoundTo"); err != nil {
		return fmt.Errorf("add column bound_to: %w", err)
	}
	if err := hashStoredCodes(tx); err != nil {
		return err
	}
	for _, f := range []string{"Seq", "Hash"} {
		if err := m.AddColumn(&v4AuditEvent{}, f); err != nil {
			return fmt.Errorf("add column audit_events %s: %w", f, err)
		}
	}
	if err := m.CreateTable(&v4AuditMember{}, &v4AuditChain{}); err != nil {
		return fmt.Errorf("create audit tables: %w", err)
	}
	if err := chainExistingEvents(tx); err != nil {
		return err
	}
	// The index comes last: every row had seq 0 until it was chained.
	if err := m.CreateIndex(&v4AuditEvent{}, "Seq"); err != nil {
		return fmt.Errorf("index audit_events seq: %w", err)
	}
	return nil
}

func rollbackSecurity(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.DropTable(&v4AuditChain{}, &v4AuditMember{}); err != nil {
		return fmt.Errorf("drop audit tables: %w", err)
	}
	if err := m.DropIndex(&v4AuditEvent{}, "Seq"); err != nil {
		return fmt.Errorf("drop index audit_events seq: %w", err)
	}
	for _, f := range []string{"Hash", "Seq"} {
		if err := m.DropColumn(&v4AuditEvent{}, f); err != nil {
			return fmt.Errorf("drop column audit_events %s: %w", f, err)
		}
	}
	// The codes stay hashed: their clear text is gone.
	if err := m.DropColumn(&v4Invitation{}, "BoundTo"); err != nil {
		return fmt.Errorf("drop column bound_to: %w", err)
	}
	return nil
}

// hashStoredCodes replaces the clear invitation codes of earlier versions
// by their SHA-256, so that pending codes keep working.
func hashStoredCodes(tx *gorm.DB) error {
	var rows []struct {
		ID   uint64
		Code string
	}
	if err := tx.Table("invitations").Select("id", "code").Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("load invitation codes: %w", err)
	}
	for _, r := range rows {
		if err := tx.Table("invitations").Where("id = ?", r.ID).Update("code", hashCode(r.Code)).Error; err != nil {
			return fmt.Errorf("hash code of invitation %d: %w", r.ID, err)
		}
	}
	return nil
}

// chainExistingEvents numbers the audit events of earlier versions in id
// order, a thousand at a time, chains their hashes and writes the head.
func chainExistingEvents(tx *gorm.DB) error {
	head := auditHead{ID: 1, Hash: genesisHash}
	var last uint64
	for {
		var evs []v4AuditRow
		if err := tx.Table("audit_events").Where("id > ?", last).Order("id").Limit(1000).Find(&evs).Error; err != nil {
			return fmt.Errorf("chain audit events: %w", err)
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			head.Seq++
			ev.Seq = head.Seq
			head.Hash = auditHash(head.Hash, ev.fields())
			err := tx.Table("audit_events").Where("id = ?", ev.ID).
				Updates(map[string]any{"seq": ev.Seq, "hash": head.Hash}).Error
			if err != nil {
				return fmt.Errorf("chain audit event %d: %w", ev.ID, err)
			}
		}
		last = evs[len(evs)-1].ID
	}
	head.UpdatedAt = nowUTC()
	if err := tx.Create(&head).Error; err != nil {
		return fmt.Errorf("write audit chain head: %w", err)
	}
	return nil
}
