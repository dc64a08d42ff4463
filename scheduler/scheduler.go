// Package scheduler runs Huifang's periodic jobs: every workday at the
// reminder time it plans the inspectors' reminders and the supervisors' and
// admins' digests, recording each as a models.Delivery under a unique key,
// and it sends the recorded deliveries through a Notifier, each exactly
// once. Several replicas may run it: named locks keep one planning pass and
// one sender at a time, and the unique keys and delivery claims keep
// duplicates impossible even when the locks fail.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/huifang/huifang/models"
)

// Store is what the scheduler needs of the database; *sqlstore.Store
// implements it (checked in package main).
type Store interface {
	DueItems(ctx context.Context, r models.CalendarRules, today time.Time) ([]models.DueItem, error)
	Digest(ctx context.Context, v models.Viewer, r models.CalendarRules, today, since time.Time) (models.DigestData, error)
	Recipients(ctx context.Context) ([]models.User, error)
	RecordDeliveries(ctx context.Context, ds []models.Delivery) (inserted int, err error)
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error)
	StartDelivery(ctx context.Context, d models.Delivery, now time.Time, lease time.Duration) (models.Delivery, error)
	ReleaseDelivery(ctx context.Context, d models.Delivery, now time.Time) error
	FinishDelivery(ctx context.Context, id uint64, status, errCode string, next time.Time) error
	ExpireDeliveries(ctx context.Context, now time.Time) (requeued, uncertain int, err error)
	DeliveryProblems(ctx context.Context, since time.Time) ([]models.Delivery, error)
	IsWorkday(ctx context.Context, day time.Time) (workday, known bool, err error)
}

// Notifier renders one delivery and sends it to its recipient. An error
// wrapping ErrBlocked means the recipient blocked the bot; any other error
// is retried later.
type Notifier interface {
	Deliver(ctx context.Context, d models.Delivery) error
}

// Observer hears what the scheduler does, for metrics. Its methods must
// be quick and must not block.
type Observer interface {
	// Planned: a planning pass recorded n new deliveries.
	Planned(n int)
	// Finished: an attempt to send a delivery of kind ended with status:
	// sent, blocked, pending (to retry) or failed.
	Finished(kind, status string)
	// Expired: the leases of a dead sender ran out; requeued deliveries
	// were never begun and are sent again, uncertain ones may have arrived.
	Expired(requeued, uncertain int)
}

// noObserver is the Observer of a Config without one.
type noObserver struct{}

func (noObserver) Planned(int)             {}
func (noObserver) Finished(string, string) {}
func (noObserver) Expired(int, int)        {}

// ErrBlocked is wrapped by a Notifier's error when the recipient blocked
// the bot: the delivery is marked blocked and not retried.
var ErrBlocked = errors.New("recipient blocked the bot")

// Defaults of Config.
const (
	DefaultTick        = 30 * time.Second
	DefaultLease       = 2 * time.Minute
	DefaultLockTTL     = 2 * time.Minute
	DefaultMaxAttempts = 5
)

// Lock names.
const (
	lockPlan = "plan"
	lockSend = "send"
)

// Config configures a Scheduler. Zero values take the defaults.
type Config struct {
	ReminderHour, ReminderMinute int            // when reminders and digests go out, in Location
	Location                     *time.Location // the office's time zone; nil: time.Local
	Rules                        models.CalendarRules
	Now                          func() time.Time // the clock; nil: time.Now
	Locker                       models.Locker    // nil: models.NewMemoryLocker()
	Logger                       *slog.Logger     // nil: discard
	Tick                         time.Duration    // loop period, default 30s
	Lease                        time.Duration    // how long a claimed (then a sending) delivery is ours, default 2m
	LockTTL                      time.Duration    // expiry of the plan and send locks (refreshed every third), default 2m
	MaxAttempts                  int              // sends before a delivery fails, default 5
	Observer                     Observer         // nil: none
	// Admins are Telegram ids that are admins even when not registered
	// (HUIFANG_ADMINS): they get the admins' digests too.
	Admins []int64
}

func (c Config) withDefaults() Config {
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Locker == nil {
		c.Locker = models.NewMemoryLocker()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Tick <= 0 {
		c.Tick = DefaultTick
	}
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	if c.LockTTL <= 0 {
		c.LockTTL = DefaultLockTTL
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Observer == nil {
		c.Observer = noObserver{}
	}
	return c
}

// Scheduler plans and sends reminders and digests.
type Scheduler struct {
	cfg      Config
	store    Store
	notifier Notifier
	log      *slog.Logger

	// plannedFor is the local date ("2006-01-02") of the last planning pass
	// that ran to the end, so the loop plans once a day; retryPlan is when
	// a pass that failed may be tried again. Only Run uses them.
	plannedFor string
	retryPlan  time.Time
}

// planRetry is how long the loop waits before trying a failed pass again.
const planRetry = 2 * time.Minute

// New returns a Scheduler over store that sends through n.
func New(cfg Config, store Store, n Notifier) *Scheduler {
	cfg = cfg.withDefaults()
	return &Scheduler{cfg: cfg, store: store, notifier: n, log: cfg.Logger}
}

// Run plans and sends on every tick until ctx is done, then returns nil.
// Errors are logged and retried on the next tick. Planning runs on the
// first tick after the reminder time of each day, so a bot that was down
// at reminder time catches up when it comes back the same day.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	s.log.Info("scheduler started", "job", "loop", "tick", s.cfg.Tick,
		"reminder_time", fmt.Sprintf("%02d:%02d", s.cfg.ReminderHour, s.cfg.ReminderMinute), "timezone", s.cfg.Location.String())
	for {
		s.tick(ctx)
		select {
		case <-ctx.Done():
			s.log.Info("scheduler stopped", "job", "loop")
			return nil
		case <-t.C:
		}
	}
}

// tick is one turn of the loop: plan if today's pass is due and not done,
// then send what is due.
func (s *Scheduler) tick(ctx context.Context) {
	now := s.cfg.Now()
	day := now.In(s.cfg.Location).Format(dateLayout)
	if day != s.plannedFor && !s.beforeReminder(now) && !now.Before(s.retryPlan) {
		_, ran, err := s.plan(ctx, now)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("plan reminders and digests", "job", lockPlan, "err", err, "retry_in", planRetry)
			s.retryPlan = now.Add(planRetry)
		case ran:
			s.plannedFor = day
		}
	}
	if ctx.Err() != nil {
		return
	}
	if _, err := s.Send(ctx, now); err != nil && ctx.Err() == nil {
		s.log.Error("send deliveries", "job", "send", "err", err)
	}
}

// beforeReminder reports whether at is before the reminder time of its day.
func (s *Scheduler) beforeReminder(at time.Time) bool {
	l := at.In(s.cfg.Location)
	start := time.Date(l.Year(), l.Month(), l.Day(), s.cfg.ReminderHour, s.cfg.ReminderMinute, 0, 0, s.cfg.Location)
	return l.Before(start)
}
