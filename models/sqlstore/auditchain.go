package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// The audit hash chains. Every audit row belongs to the chain of its actor
// (auditChains of them, so that different users' audited transactions do
// not wait for each other's commit) and gets that chain's next sequence
// number and a hash over its own fields, the members it names and the
// previous row's hash; the head of each chain (last sequence number and
// hash) is one row of audit_chain, whose id is the chain's number. A
// transaction that writes an audit row locks that row
// (SELECT … FOR UPDATE on MySQL; SQLite runs one write transaction at a
// time anyway), so rows are chained in commit order across replicas, and
// a rolled-back transaction leaves the head as it was. Every audited
// operation writes its row last, so the lock is held only from that
// insert to the commit, and a transaction holding it waits for no other
// lock: no deadlock cycle goes through the head. The unique index on
// audit_events.seq keeps the chain from forking even if that ever failed.

// genesisHash is the "previous hash" of the first row.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// auditChains is how many chains new events are spread over. Each event
// keeps its chain's number, so a different number later changes nothing
// of what was written (verification walks the chains that exist).
const auditChains = 16

// chainOf is the chain of an actor's events.
func chainOf(actorID int64) uint16 {
	n := uint64(actorID)
	if actorID < 0 {
		n = uint64(-actorID)
	}
	return uint16(1 + n%auditChains)
}

// auditHead is the head of the chain, and where it starts after a prune:
// rows up to FloorSeq were deleted, the last of them had FloorHash.
type auditHead struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement:false"`
	Seq       uint64 `gorm:"not null"`
	Hash      string `gorm:"size:64;not null"`
	FloorSeq  uint64 `gorm:"not null;default:0"`
	FloorHash string `gorm:"size:64;not null;default:''"`
	UpdatedAt time.Time
}

func (auditHead) TableName() string { return "audit_chain" }

// auditMember links an audit row to one of the members it names.
type auditMember struct {
	EventID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	MemberID uint64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (auditMember) TableName() string { return "audit_members" }

// auditMemberBatch is the number of links of one multi-row INSERT.
const auditMemberBatch = 1000

// chainFields are what a row's hash covers besides the previous hash.
type chainFields struct {
	Seq               uint64
	At                time.Time // hashed to the millisecond, the precision both engines keep
	ActorID           int64
	Action            string
	MemberID, VisitID *uint64
	Detail            string
	Members           []uint64 // sorted, without duplicates
}

func eventFields(ev *models.AuditEvent) chainFields {
	return chainFields{Seq: ev.Seq, At: ev.At, ActorID: ev.ActorID, Action: ev.Action,
		MemberID: ev.MemberID, VisitID: ev.VisitID, Detail: ev.Detail, Members: ev.Members}
}

// auditHash is the hex SHA-256 of prev and f in an unambiguous binary
// form: fixed-width numbers, length-prefixed strings and lists.
func auditHash(prev string, f chainFields) string {
	b := make([]byte, 0, 128+len(f.Detail)+8*len(f.Members))
	str := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	opt := func(p *uint64) {
		if p == nil {
			b = append(b, 0)
			return
		}
		b = binary.BigEndian.AppendUint64(append(b, 1), *p)
	}
	str("huifang-audit-v1")
	str(prev)
	b = binary.BigEndian.AppendUint64(b, f.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(f.At.UnixMilli()))
	b = binary.BigEndian.AppendUint64(b, uint64(f.ActorID))
	str(f.Action)
	opt(f.MemberID)
	opt(f.VisitID)
	str(f.Detail)
	b = binary.BigEndian.AppendUint32(b, uint32(len(f.Members)))
	for _, m := range f.Members {
		b = binary.BigEndian.AppendUint64(b, m)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// hashCode is the stored form of an invitation code: its hex SHA-256. The
// code has 128 random bits, so no salt or slow hash is needed.
func hashCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// lockAuditHead locks and returns the head of chain. A chain not used yet
// (or a schema copied without its rows) has none: the chain then starts at
// the genesis hash (if its events exist nonetheless, the first insert
// collides with their seq 1 and fails, closed).
func lockAuditHead(tx *gorm.DB, chain uint16) (auditHead, error) {
	// Plain SQL: this runs in every audited transaction, under the lock.
	query := "SELECT seq, hash, floor_seq, floor_hash FROM audit_chain WHERE id = ?"
	if tx.Dialector.Name() == DialectMySQL {
		query += " FOR UPDATE"
	}
	var head auditHead
	lock := func() error {
		err := tx.Raw(query, chain).Row().Scan(&head.Seq, &head.Hash, &head.FloorSeq, &head.FloorHash)
		if errors.Is(err, sql.ErrNoRows) {
			return gorm.ErrRecordNotFound
		}
		head.ID = uint64(chain)
		return err
	}
	err := lock()
	if errors.Is(err, gorm.ErrRecordNotFound) {
		start := auditHead{ID: uint64(chain), Hash: genesisHash, UpdatedAt: nowUTC()}
		if err = tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&start).Error; err == nil {
			err = lock()
		}
	}
	if err != nil {
		return auditHead{}, fmt.Errorf("lock audit chain: %w", err)
	}
	return head, nil
}

// appendAudit chains ev onto the head of its actor's chain and inserts it
// with its member links, in tx. ev.Members is sorted and de-duplicated in
// place.
func appendAudit(tx *gorm.DB, ev *models.AuditEvent) error {
	ev.Chain = chainOf(ev.ActorID)
	slices.Sort(ev.Members)
	ev.Members = slices.Compact(ev.Members)
	ev.At = ev.At.UTC().Truncate(time.Millisecond)
	ev.ID = 0
	advanced, err := advanceSeenHead(tx, ev)
	if err != nil {
		return err
	}
	if !advanced {
		head, err := lockAuditHead(tx, ev.Chain)
		if err != nil {
			return err
		}
		ev.Seq = head.Seq + 1
		ev.Hash = auditHash(head.Hash, eventFields(ev))
		err = tx.Exec("UPDATE audit_chain SET seq = ?, hash = ?, updated_at = ? WHERE id = ?", ev.Seq, ev.Hash, ev.At, ev.Chain).Error
		if err != nil {
			return fmt.Errorf("advance audit chain: %w", err)
		}
	}
	seenHeads.Store(ev.Chain, seenHead{seq: ev.Seq, hash: ev.Hash})
	if err := tx.Create(ev).Error; err != nil {
		return fmt.Errorf("insert audit row: %w", err)
	}
	if len(ev.Members) > 0 {
		links := make([]auditMember, len(ev.Members))
		for i, m := range ev.Members {
			links[i] = auditMember{EventID: ev.ID, MemberID: m}
		}
		if err := tx.CreateInBatches(links, auditMemberBatch).Error; err != nil {
			return fmt.Errorf("insert audit members: %w", err)
		}
	}
	return nil
}

// seenHead is the head of a chain as this process last wrote it.
type seenHead struct {
	seq  uint64
	hash string
}

// seenHeads holds, by chain, the head this process wrote last: usually
// still the head, since one process writes most of a chain.
var seenHeads sync.Map // uint16 → seenHead

// advanceSeenHead moves chain ev.Chain on from the head this process saw
// last, in one statement that matches only if that is still the head (so
// it locks the head as lockAuditHead would, and saves its locked read). It
// reports false when there was no such head or it has moved since
// (another process, a rolled-back transaction): the caller then reads and
// locks the head. Either way the chain is verified as before: the hash
// covers the previous one, and (chain, seq) is unique.
func advanceSeenHead(tx *gorm.DB, ev *models.AuditEvent) (bool, error) {
	v, ok := seenHeads.Load(ev.Chain)
	if !ok {
		return false, nil
	}
	head := v.(seenHead)
	ev.Seq = head.seq + 1
	ev.Hash = auditHash(head.hash, eventFields(ev))
	res := tx.Exec("UPDATE audit_chain SET seq = ?, hash = ?, updated_at = ? WHERE id = ? AND seq = ? AND hash = ?",
		ev.Seq, ev.Hash, ev.At, ev.Chain, head.seq, head.hash)
	if res.Error != nil {
		return false, fmt.Errorf("advance audit chain: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ensureAuditHeads creates the head of every chain that has none, on its
// own outside any transaction: creating one inside an audited
// transaction, after a locking read found nothing, deadlocks on MySQL's
// gap locks when two transactions do it at once.
func (s *Store) ensureAuditHeads(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if !db.Migrator().HasTable(&auditHead{}) {
		return nil // not migrated yet: Migrate calls this again
	}
	heads := make([]auditHead, auditChains)
	for i := range heads {
		heads[i] = auditHead{ID: uint64(i + 1), Hash: genesisHash, UpdatedAt: nowUTC()}
	}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&heads).Error; err != nil {
		return fmt.Errorf("create audit chain heads: %w", err)
	}
	return nil
}
