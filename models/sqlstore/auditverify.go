package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// auditBatch is the number of events read or deleted at a time.
const auditBatch = 1000

// VerifyAudit walks every audit chain from where it starts (after the last
// prune) to the head it reads first, recomputing every hash, and reports
// the first broken link: a missing sequence number, a row whose fields or
// members no longer match its hash, a head that does not match the last
// row, or rows outside the chains. Rows appended while it runs are left
// for the next check. It reads only, in batches, outside any transaction.
// The check's head is a digest of every chain's head (one chain: its
// head's hash), worth recording outside the database.
func (s *Store) VerifyAudit(ctx context.Context) (models.AuditCheck, error) {
	db := s.db.WithContext(ctx)
	var heads []auditHead
	if err := db.Order("id").Find(&heads).Error; err != nil {
		return models.AuditCheck{}, fmt.Errorf("verify audit: heads: %w", err)
	}
	if len(heads) == 0 {
		return models.AuditCheck{}, fmt.Errorf("verify audit: no chain: %w", models.ErrNotFound)
	}
	var c models.AuditCheck
	digest := sha256.New()
	for _, head := range heads {
		n, broken, err := verifyChain(db, head)
		if err != nil {
			return models.AuditCheck{}, fmt.Errorf("verify audit: %w", err)
		}
		c.Events += n
		c.FloorSeq += head.FloorSeq
		c.HeadSeq += head.Seq
		fmt.Fprintf(digest, "%d:%d:%s\n", head.ID, head.Seq, head.Hash)
		if c.Broken == nil && broken != nil {
			broken.Reason = fmt.Sprintf("chain %d: %s", head.ID, broken.Reason)
			c.Broken = broken
		}
	}
	c.HeadHash = heads[0].Hash
	if len(heads) > 1 {
		c.HeadHash = hex.EncodeToString(digest.Sum(nil))
	}
	if c.Broken == nil {
		var err error
		if c.Broken, err = strayEvents(db); err != nil {
			return models.AuditCheck{}, fmt.Errorf("verify audit: %w", err)
		}
	}
	return c, nil
}

// verifyChain walks one chain: the events it checked and its first broken
// link.
func verifyChain(db *gorm.DB, head auditHead) (int, *models.AuditBreak, error) {
	chain := uint16(head.ID)
	prev, next := head.FloorHash, head.FloorSeq+1
	if head.FloorSeq == 0 {
		prev = genesisHash
	}
	n := 0
	for next <= head.Seq {
		evs, err := auditEvents(db, chain, next-1, head.Seq)
		if err != nil {
			return n, nil, err
		}
		if len(evs) == 0 {
			return n, &models.AuditBreak{Seq: next, Reason: fmt.Sprintf("events %d to %d are missing", next, head.Seq)}, nil
		}
		for i := range evs {
			if broken := checkLink(&evs[i], next, prev); broken != nil {
				return n, broken, nil
			}
			prev, next = evs[i].Hash, next+1
			n++
		}
	}
	if prev != head.Hash && head.Seq > head.FloorSeq {
		return n, &models.AuditBreak{Seq: head.Seq, Reason: "the chain head's hash differs from the last event's"}, nil
	}
	return n, nil, nil
}

// strayEvents reports rows inserted without a place in the chain.
func strayEvents(db *gorm.DB) (*models.AuditBreak, error) {
	var stray int64
	if err := db.Model(&models.AuditEvent{}).Where("seq = 0").Count(&stray).Error; err != nil {
		return nil, fmt.Errorf("count events outside the chain: %w", err)
	}
	if stray == 0 {
		return nil, nil
	}
	return &models.AuditBreak{Reason: fmt.Sprintf("%d events are outside the chain (seq 0)", stray)}, nil
}

// checkLink checks one event against the sequence number and previous
// hash it must have.
func checkLink(ev *models.AuditEvent, seq uint64, prev string) *models.AuditBreak {
	switch {
	case ev.Seq != seq:
		return &models.AuditBreak{Seq: seq, Reason: fmt.Sprintf("event %d is missing (the next is %d)", seq, ev.Seq)}
	case auditHash(prev, eventFields(ev)) != ev.Hash:
		return &models.AuditBreak{Seq: seq, EventID: ev.ID, Reason: "the event or its members differ from what was hashed, or the event before it changed"}
	}
	return nil
}

// auditEvents reads the events of chain after seq after (at most
// through), in order, with their members.
func auditEvents(db *gorm.DB, chain uint16, after, through uint64) ([]models.AuditEvent, error) {
	var evs []models.AuditEvent
	err := db.Where("chain = ? AND seq > ? AND seq <= ?", chain, after, through).Order("seq").Limit(auditBatch).Find(&evs).Error
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	if len(evs) == 0 {
		return nil, nil
	}
	if err := attachMembers(db, evs); err != nil {
		return nil, err
	}
	return evs, nil
}

// attachMembers fills the Members of evs from audit_members.
func attachMembers(db *gorm.DB, evs []models.AuditEvent) error {
	ids := make([]uint64, len(evs))
	byID := make(map[uint64]*models.AuditEvent, len(evs))
	for i := range evs {
		ids[i], byID[evs[i].ID] = evs[i].ID, &evs[i]
	}
	var links []auditMember
	if err := db.Where("event_id IN ?", ids).Order("event_id, member_id").Find(&links).Error; err != nil {
		return fmt.Errorf("read event members: %w", err)
	}
	for _, l := range links {
		if ev := byID[l.EventID]; ev != nil {
			ev.Members = append(ev.Members, l.MemberID)
		}
	}
	return nil
}

// PruneAudit deletes the oldest audit events dated before before, in
// chain order and a batch per transaction, and moves the chain's start
// past them (the head row keeps the last deleted event's hash, so that
// VerifyAudit checks the rest from there). before must be at least
// models.MinAuditRetentionMonths before now (else ErrInvalid). The prune
// writes its own audit row (actor 0). It needs DELETE on the audit tables,
// which the application's database user does not have: operators run it
// with the owner's credentials. A chain that does not verify is not pruned.
func (s *Store) PruneAudit(ctx context.Context, before, now time.Time) (models.AuditPrune, error) {
	if before.After(now.AddDate(0, -models.MinAuditRetentionMonths, 0)) {
		return models.AuditPrune{}, fmt.Errorf("prune audit: keeps at least %d months: %w", models.MinAuditRetentionMonths, models.ErrInvalid)
	}
	check, err := s.VerifyAudit(ctx)
	if err != nil {
		return models.AuditPrune{}, err
	}
	if check.Broken != nil {
		return models.AuditPrune{}, fmt.Errorf("prune audit: the chain is broken at %d: %s", check.Broken.Seq, check.Broken.Reason)
	}
	var heads []auditHead
	if err := s.db.WithContext(ctx).Order("id").Find(&heads).Error; err != nil {
		return models.AuditPrune{}, fmt.Errorf("prune audit: heads: %w", err)
	}
	var out models.AuditPrune
	for _, head := range heads {
		for {
			n, through, err := s.pruneBatch(ctx, uint16(head.ID), before.UTC())
			if err != nil {
				return out, fmt.Errorf("prune audit: %w", err)
			}
			if n == 0 {
				break
			}
			out.Events, out.ThroughSeq = out.Events+n, out.ThroughSeq+through-head.FloorSeq
			head.FloorSeq = through
		}
	}
	if out.Events == 0 {
		return out, nil
	}
	detail := fmt.Sprintf("through_seq=%d events=%d before=%s", out.ThroughSeq, out.Events, before.UTC().Format(time.DateOnly))
	err = s.inTx(ctx, func(tx *gorm.DB) error { return writeAudit(tx, models.Viewer{}, models.AuditPruned, nil, nil, detail) })
	return out, err
}

// errPruneDone ends pruneBatch's transaction when nothing is left.
var errPruneDone = errors.New("nothing to prune")

// pruneBatch deletes up to auditBatch of the first events of chain dated
// before before, under the chain's lock.
func (s *Store) pruneBatch(ctx context.Context, chain uint16, before time.Time) (int, uint64, error) {
	var (
		n       int
		through uint64
	)
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		n, through, err = pruneFirst(tx, chain, before)
		return err
	})
	if errors.Is(err, errPruneDone) {
		return 0, 0, nil
	}
	return n, through, err
}

// pruneFirst deletes, in tx, the events at the start of chain dated
// before before (a batch at most) and moves the start past them.
func pruneFirst(tx *gorm.DB, chain uint16, before time.Time) (int, uint64, error) {
	head, err := lockAuditHead(tx, chain)
	if err != nil {
		return 0, 0, err
	}
	var evs []models.AuditEvent
	err = tx.Select("id", "seq", "hash", "at").Where("chain = ? AND seq > ? AND seq <= ?", chain, head.FloorSeq, head.Seq).
		Order("seq").Limit(auditBatch).Find(&evs).Error
	if err != nil {
		return 0, 0, fmt.Errorf("read events: %w", err)
	}
	ids := make([]uint64, 0, len(evs))
	for i, ev := range evs {
		if !ev.At.Before(before) || ev.Seq != head.FloorSeq+uint64(i)+1 {
			break
		}
		ids = append(ids, ev.ID)
	}
	if len(ids) == 0 {
		return 0, 0, errPruneDone
	}
	last := evs[len(ids)-1]
	if err := tx.Where("event_id IN ?", ids).Delete(&auditMember{}).Error; err != nil {
		return 0, 0, fmt.Errorf("delete event members: %w", err)
	}
	if err := tx.Where("id IN ?", ids).Delete(&models.AuditEvent{}).Error; err != nil {
		return 0, 0, fmt.Errorf("delete events: %w", err)
	}
	err = tx.Model(&auditHead{}).Where("id = ?", chain).
		Updates(map[string]any{"floor_seq": last.Seq, "floor_hash": last.Hash}).Error
	if err != nil {
		return 0, 0, fmt.Errorf("move the chain's start: %w", err)
	}
	return len(ids), last.Seq, nil
}
