package sqlstore

import (
	"fmt"

	"gorm.io/gorm"
)

// Migration 202612030002_audit_chains: the audit trail in several hash
// chains (by actor) instead of one, so that audited transactions of
// different users do not wait for each other's commit. Existing events
// are chain 1.

// v6AuditEvent is audit_events' chain column and its index as added here.
type v6AuditEvent struct {
	ID    uint64 `gorm:"primaryKey"`
	Chain uint16 `gorm:"not null;default:1;uniqueIndex:idx_audit_events_chain_seq,priority:1"`
	Seq   uint64 `gorm:"not null;default:0;uniqueIndex:idx_audit_events_chain_seq,priority:2"`
}

func (v6AuditEvent) TableName() string { return "audit_events" }

func migrateAuditChains(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.AddColumn(&v6AuditEvent{}, "Chain"); err != nil {
		return fmt.Errorf("add column audit_events chain: %w", err)
	}
	if err := m.DropIndex(&v4AuditEvent{}, "Seq"); err != nil {
		return fmt.Errorf("drop index audit_events seq: %w", err)
	}
	if err := m.CreateIndex(&v6AuditEvent{}, "idx_audit_events_chain_seq"); err != nil {
		return fmt.Errorf("index audit_events chain, seq: %w", err)
	}
	return nil
}

func rollbackAuditChains(tx *gorm.DB) error {
	m := tx.Migrator()
	if err := m.DropIndex(&v6AuditEvent{}, "idx_audit_events_chain_seq"); err != nil {
		return fmt.Errorf("drop index audit_events chain, seq: %w", err)
	}
	if err := m.DropColumn(&v6AuditEvent{}, "Chain"); err != nil {
		return fmt.Errorf("drop column audit_events chain: %w", err)
	}
	// Only right while every event is still in chain 1.
	if err := m.CreateIndex(&v4AuditEvent{}, "Seq"); err != nil {
		return fmt.Errorf("index audit_events seq: %w", err)
	}
	return nil
}
