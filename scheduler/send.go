package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/huifang/huifang/models"
)

// claimSize is how many deliveries one claim takes: one, so that a sender
// that dies holds up no more than the delivery it was sending.
const claimSize = 1

// finishTimeout bounds recording an outcome, which goes ahead on shutdown.
const finishTimeout = 10 * time.Second

// backoffs are the waits before the second, third… attempt; later ones
// wait as long as the last.
var backoffs = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}

// Backoff is the wait after the given failed attempt (1 for the first).
func Backoff(attempt int) time.Duration {
	return backoffs[min(max(attempt, 1), len(backoffs))-1]
}

// sendStats counts a Send's outcomes.
type sendStats struct {
	claimed, sent, blocked, retry, failed, released int
}

// Send delivers the deliveries due at now through the Notifier, one after
// another (bot/ paces them), under the lock "send"; when another replica
// holds it, Send does nothing. First the leases of dead senders are ended
// (see ExpireDeliveries): what they had claimed but not begun is sent
// now, what they were sending is uncertain. Then each delivery is claimed,
// marked as an attempt just before it is sent, and its outcome recorded:
// sent; blocked when the recipient blocked the bot; otherwise pending
// again after a backoff (1m, 5m, 15m, 1h), or failed after MaxAttempts.
// On shutdown the message being sent is finished and a claim not yet
// begun is handed back.
func (s *Scheduler) Send(ctx context.Context, now time.Time) (sent int, err error) {
	h, err := s.hold(ctx, lockSend)
	if err != nil || h == nil {
		return 0, err
	}
	defer h.release(ctx, s, lockSend)
	start := time.Now()
	clock := func() time.Time { return now.Add(time.Since(start)) }
	var st sendStats
	defer func() {
		if st.claimed > 0 || err != nil {
			s.log.Info("sent", "job", lockSend, "claimed", st.claimed, "sent", st.sent, "blocked", st.blocked,
				"retry", st.retry, "failed", st.failed, "released", st.released, "took", time.Since(start))
		}
	}()
	if err := s.expire(ctx, clock()); err != nil {
		return 0, err
	}
	for !h.lost.Load() && ctx.Err() == nil {
		batch, err := s.store.ClaimDeliveries(ctx, clock(), s.cfg.Lease, claimSize)
		if err != nil {
			return st.sent, fmt.Errorf("claim deliveries: %w", err)
		}
		st.claimed += len(batch)
		if err := s.deliverBatch(ctx, batch, clock, &st); err != nil {
			return st.sent, err
		}
		if len(batch) < claimSize {
			break
		}
	}
	return st.sent, nil
}

// expire ends the leases that ran out and reports what became of them.
func (s *Scheduler) expire(ctx context.Context, now time.Time) error {
	requeued, uncertain, err := s.store.ExpireDeliveries(ctx, now)
	if err != nil {
		return fmt.Errorf("expire deliveries: %w", err)
	}
	if requeued > 0 || uncertain > 0 {
		s.log.Warn("a sender died: its claims not begun are sent again, its sends under way are uncertain (see the admin digest)",
			"job", lockSend, "requeued", requeued, "uncertain", uncertain)
		s.cfg.Observer.Expired(requeued, uncertain)
	}
	return nil
}

// deliverBatch delivers the claimed deliveries in order. When ctx ends, or
// a delivery fails to start or finish, the ones not begun are handed back.
func (s *Scheduler) deliverBatch(ctx context.Context, batch []models.Delivery, clock func() time.Time, st *sendStats) error {
	for i, d := range batch {
		if ctx.Err() != nil {
			s.handBack(ctx, batch[i:], clock(), st)
			return nil
		}
		if err := s.deliver(ctx, d, clock, st); err != nil {
			s.handBack(ctx, batch[i+1:], clock(), st)
			return err
		}
	}
	return nil
}

// deliver marks one claimed delivery as an attempt, sends it and records
// the outcome. The send is not cut short by ctx (a message half sent is
// worse than a late shutdown); it is bounded by half the lease instead.
func (s *Scheduler) deliver(ctx context.Context, d models.Delivery, clock func() time.Time, st *sendStats) error {
	d, err := s.store.StartDelivery(ctx, d, clock(), s.cfg.Lease)
	if errors.Is(err, models.ErrStale) {
		// Our claim ran out and went back to pending: whoever holds it
		// now sends it.
		s.log.Warn("delivery claim expired before its send: left to the next sender", "job", lockSend, "delivery_id", d.ID)
		return nil
	}
	if err != nil {
		s.handBack(ctx, []models.Delivery{d}, clock(), st)
		return fmt.Errorf("start delivery %d: %w", d.ID, err)
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Lease/2)
	err = s.notifier.Deliver(dctx, d)
	cancel()
	status, code, next := s.outcome(d, err, clock())
	st.count(status)
	s.cfg.Observer.Finished(d.Kind, status)
	if err != nil {
		s.log.Log(ctx, levelFor(status), "delivery not sent", "job", lockSend, "delivery_id", d.ID, "kind", d.Kind,
			"chat_id", d.Recipient, "attempt", d.Attempts, "status", status, "next_attempt", next, "err", err)
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	err = s.store.FinishDelivery(fctx, d.ID, status, code, next)
	if errors.Is(err, models.ErrStale) {
		// The lease ran out meanwhile and another sender marked the
		// delivery uncertain: it stays so, and admins see it.
		s.log.Warn("delivery outcome too late: lease expired", "job", lockSend, "delivery_id", d.ID, "status", status)
		return nil
	}
	if err != nil {
		return fmt.Errorf("record delivery %d as %s: %w", d.ID, status, err)
	}
	return nil
}

// count adds an outcome to the stats.
func (st *sendStats) count(status string) {
	switch status {
	case models.StatusSent:
		st.sent++
	case models.StatusBlocked:
		st.blocked++
	case models.StatusFailed:
		st.failed++
	default:
		st.retry++
	}
}

// outcome maps a Notifier's answer onto the delivery's next status. The
// delivery's Attempts count the attempt just made (StartDelivery counts
// it).
func (s *Scheduler) outcome(d models.Delivery, err error, now time.Time) (status, code string, next time.Time) {
	switch {
	case err == nil:
		return models.StatusSent, "", now
	case errors.Is(err, ErrBlocked):
		return models.StatusBlocked, "blocked", now
	}
	code = "send_error"
	if errors.Is(err, context.DeadlineExceeded) {
		code = "timeout"
	}
	if d.Attempts >= s.cfg.MaxAttempts {
		return models.StatusFailed, code, now
	}
	return models.StatusPending, code, now.Add(Backoff(d.Attempts))
}

// handBack returns claimed deliveries that were not begun to pending, due
// at once.
func (s *Scheduler) handBack(ctx context.Context, ds []models.Delivery, now time.Time, st *sendStats) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	for _, d := range ds {
		if err := s.store.ReleaseDelivery(fctx, d, now); err != nil {
			s.log.Warn("hand back delivery", "job", lockSend, "delivery_id", d.ID, "err", err)
			continue
		}
		st.released++
	}
}

// levelFor is the log level of a delivery that was not sent: a blocked
// recipient is expected, a retry worth a look, a failure an error.
func levelFor(status string) slog.Level {
	switch status {
	case models.StatusBlocked:
		return slog.LevelInfo
	case models.StatusFailed:
		return slog.LevelError
	}
	return slog.LevelWarn
}
