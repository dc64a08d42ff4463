package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// auditBatch is the number of events read or deleted at a time.
const auditBatch = 1000

// VerifyAudit walks the audit chain from where it starts (after the last
// prune) to the head it reads first, recomputing every hash, and reports
// the first broken link: a missing sequence number, a row whose fields or
// members no longer match its hash, a head that does not match the last
// row, or rows outside the chain. Rows appended while it runs are left
// for the next check. It reads only, in batches, outside any transaction.
func (s *Store) VerifyAudit(ctx context.Context) (models.AuditCheck, error) {
	db := s.db.WithContext(ctx)
	var head auditHead
	if err := db.Take(&head, "id = ?", auditHeadID).Error; err != nil {
		return models.AuditCheck{}, fmt.Errorf("verify audit: head: %w", notFound(err))
	}
	c := models.AuditCheck{FloorSeq: head.FloorSeq, HeadSeq: head.Seq, HeadHash: head.Hash}
	prev, next := head.FloorHash, head.FloorSeq+1
	if head.FloorSeq == 0 {
		prev = genesisHash
	}
	for next <= head.Seq && c.Broken == nil {
		evs, err := auditEvents(db, next-1, head.Seq)
		if err != nil {
			return models.AuditCheck{}, fmt.Errorf("verify audit: %w", err)
		}
		if len(evs) == 0 {
			c.Broken = &models.AuditBreak{Seq: next, Reason: fmt.Sprintf("events %d to %d are missing", next, head.Seq)}
			break
		}
		for i := range evs {
			if c.Broken = checkLink(&evs[i], next, prev); c.Broken != nil {
				break
			}
			prev, next = evs[i].Hash, next+1
			c.Events++
		}
	}
	if c.Broken == nil && prev != head.Hash && head.Seq > head.FloorSeq {
		c.Broken = &models.AuditBreak{Seq: head.Seq, Reason: "the chain head's hash differs from the last event's"}
	}
	if c.Broken == nil {
		var err error
		if c.Broken, err = strayEvents(db); err != nil {
			return models.AuditCheck{}, fmt.Errorf("verify audit: %w", err)
		}
	}
	return c, nil
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

// auditEvents reads the events after seq after (at most through), in
// order, with their members.
func auditEvents(db *gorm.DB, after, through uint64) ([]models.AuditEvent, error) {
	var evs []models.AuditEvent
	if err := db.Where("seq > ? AND seq <= ?", after, through).Order("seq").Limit(auditBatch).Find(&evs).Error; err != nil {
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
	var out models.AuditPrune
	for {
		n, through, err := s.pruneBatch(ctx, before.UTC())
		if err != nil {
			return out, fmt.Errorf("prune audit: %w", err)
		}
		if n == 0 {
			break
		}
		out.Events, out.ThroughSeq = out.Events+n, through
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

// pruneBatch deletes up to auditBatch of the first events of the chain
// dated before before, under the chain's lock.
func (s *Store) pruneBatch(ctx context.Context, before time.Time) (int, uint64, error) {
	var (
		n       int
		through uint64
	)
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		n, through, err = pruneFirst(tx, before)
		return err
	})
	if errors.Is(err, errPruneDone) {
		return 0, 0, nil
	}
	return n, through, err
}

// pruneFirst deletes, in tx, the events at the start of the chain dated
// before before (a batch at most) and moves the start past them.
func pruneFirst(tx *gorm.DB, before time.Time) (int, uint64, error) {
	head, err := lockAuditHead(tx)
	if err != nil {
		return 0, 0, err
	}
	var evs []models.AuditEvent
	err = tx.Select("id", "seq", "hash", "at").Where("seq > ? AND seq <= ?", head.FloorSeq, head.Seq).
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
	err = tx.Model(&auditHead{}).Where("id = ?", auditHeadID).
		Updates(map[string]any{"floor_seq": last.Seq, "floor_hash": last.Hash}).Error
	if err != nil {
		return 0, 0, fmt.Errorf("move the chain's start: %w", err)
	}
	return len(ids), last.Seq, nil
}
