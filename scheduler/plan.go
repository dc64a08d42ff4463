package scheduler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/huifang/huifang/models"
)

// ReminderDays is how far ahead a reminder looks: it lists the items due
// within this many days, and the overdue ones.
const ReminderDays = 14

// Plan runs one planning pass as if at at, under the lock "plan": it
// computes the reminders and digests due that day and records the new
// ones. Nothing is due before the reminder time or on a day off. When
// another replica holds the lock it does nothing and returns 0.
func (s *Scheduler) Plan(ctx context.Context, at time.Time) (recorded int, err error) {
	recorded, _, err = s.plan(ctx, at)
	return recorded, err
}

// plan is Plan that also reports whether the pass ran (the lock was free).
func (s *Scheduler) plan(ctx context.Context, at time.Time) (recorded int, ran bool, err error) {
	h, err := s.hold(ctx, lockPlan)
	if err != nil || h == nil {
		return 0, false, err
	}
	defer h.release(ctx, s, lockPlan)
	start := time.Now()
	ds, planErr := s.compute(ctx, at)
	if len(ds) > 0 {
		if recorded, err = s.store.RecordDeliveries(ctx, ds); err != nil {
			return 0, false, errors.Join(planErr, fmt.Errorf("record %d deliveries: %w", len(ds), err))
		}
		s.cfg.Observer.Planned(recorded)
	}
	s.log.Info("planned", "job", lockPlan, "day", at.In(s.cfg.Location).Format(dateLayout),
		"due", len(ds), "recorded", recorded, "took", time.Since(start), "complete", planErr == nil)
	return recorded, planErr == nil, planErr
}

// DryRun returns what a planning pass at at would record (including what
// an earlier pass recorded already), writing nothing and taking no lock.
func (s *Scheduler) DryRun(ctx context.Context, at time.Time) ([]models.Delivery, error) {
	return s.compute(ctx, at)
}

// pass is one planning pass's day and what it needs along the way.
type pass struct {
	at, next  time.Time // the pass's time; when its deliveries may go out
	day       time.Time // at's date in the office's zone, as UTC midnight
	weekStart bool      // day is the week's first workday: weekly digests go out
	prevWork  time.Time // the workday before day (the daily digests' "since")
	unknown   []int     // years (this and next) without an official calendar
}

// compute lists the deliveries due at at, in a stable order.
func (s *Scheduler) compute(ctx context.Context, at time.Time) ([]models.Delivery, error) {
	if s.beforeReminder(at) {
		return nil, nil
	}
	p := &pass{at: at, next: at, day: models.DateOf(at.In(s.cfg.Location))}
	if now := s.cfg.Now(); now.Before(at) {
		p.next = now // a pass run ahead of time (remind --at) may still send now
	}
	work, err := s.calendar(ctx, p)
	if err != nil || !work {
		return nil, err
	}
	users, err := s.recipients(ctx)
	if err != nil {
		return nil, err
	}
	// Each part goes ahead when another fails: what could be planned is
	// recorded, and the error makes the loop try the pass again.
	ds, err1 := s.reminders(ctx, p, users)
	digests, err2 := s.digests(ctx, p, users)
	admin, err3 := s.adminDigests(ctx, p, users)
	return append(append(ds, digests...), admin...), errors.Join(err1, err2, err3)
}

// recipients are the active users, with the configured admins as admins
// (added when they are not registered).
func (s *Scheduler) recipients(ctx context.Context) ([]models.User, error) {
	users, err := s.store.Recipients(ctx)
	if err != nil {
		return nil, fmt.Errorf("list recipients: %w", err)
	}
	for _, id := range s.cfg.Admins {
		i := slices.IndexFunc(users, func(u models.User) bool { return u.TelegramID == id })
		if i < 0 {
			users = append(users, models.User{TelegramID: id, Role: models.RoleAdmin})
		} else {
			users[i].Role = models.RoleAdmin
		}
	}
	return users, nil
}

// reminders builds one reminder per user who is responsible for items due
// within ReminderDays or overdue.
func (s *Scheduler) reminders(ctx context.Context, p *pass, users []models.User) ([]models.Delivery, error) {
	items, err := s.store.DueItems(ctx, s.cfg.Rules, p.day)
	if err != nil {
		return nil, fmt.Errorf("due items of %s: %w", p.day.Format(dateLayout), err)
	}
	horizon := p.day.AddDate(0, 0, ReminderDays)
	owed := map[int64][]models.DueItem{}
	for _, it := range items {
		if it.Due.After(horizon) {
			continue
		}
		for i, id := range it.Inspectors {
			if !slices.Contains(it.Inspectors[:i], id) {
				owed[id] = append(owed[id], it)
			}
		}
	}
	var ds []models.Delivery
	for _, u := range users {
		mine := owed[u.TelegramID]
		if len(mine) == 0 {
			continue
		}
		slices.SortStableFunc(mine, byUrgency)
		payload, err := reminderPayload(mine)
		if err != nil {
			return nil, err
		}
		ds = append(ds, p.delivery(models.DeliveryReminder, u.TelegramID, p.day.Format(dateLayout), payload))
	}
	return ds, nil
}

// byUrgency orders items by due date (so the overdue come first, the
// longest overdue first), then stably by identity.
func byUrgency(a, b models.DueItem) int {
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.MemberID, b.MemberID), cmp.Compare(a.SanctionID, b.SanctionID),
		cmp.Compare(a.VisitID, b.VisitID), cmp.Compare(a.Reason, b.Reason))
}

// delivery is a pending delivery recorded by this pass.
func (p *pass) delivery(kind string, to int64, period, payload string) models.Delivery {
	return models.Delivery{
		Key:       kind + ":" + strconv.FormatInt(to, 10) + ":" + period,
		Recipient: to, Kind: kind, Period: period, Payload: payload,
		Status: models.StatusPending, NextAttempt: p.next,
	}
}
