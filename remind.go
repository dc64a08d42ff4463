package main

// The scheduler's wiring: `serve` runs its loop (startScheduler) and
// `huifang remind` runs one pass by hand (runRemind).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/redisstate"
	"github.com/huifang/huifang/models/sqlstore"
	"github.com/huifang/huifang/scheduler"
)

// calendarRules maps the settings onto the calendar's rules.
func calendarRules(cfg config.Config) models.CalendarRules {
	r := models.DefaultCalendarRules()
	r.AnnualDeadlineMonth, r.AnnualDeadlineDay = cfg.AnnualDeadlineMonth, cfg.AnnualDeadlineDay
	r.BeforeDays, r.AfterDays = cfg.ExpiryWindowDays, cfg.ExpiryWindowDays
	r.KeyEveryDays = cfg.KeyEveryDays
	return r
}

// lockerFor returns the scheduler's locks: in Redis when the chat state is
// there (several replicas), else in process.
func lockerFor(state models.StateStore) models.Locker {
	if r, ok := state.(*redisstate.Store); ok {
		return r.Locker()
	}
	return models.NewMemoryLocker()
}

// notifier renders a delivery with the handlers and sends it through a
// transport: it is the scheduler.Notifier of serve and remind.
type notifier struct {
	render func(ctx context.Context, d models.Delivery) (int64, handlers.Message, error)
	send   func(ctx context.Context, chatID int64, m handlers.Message) error
}

// Deliver implements scheduler.Notifier.
func (n notifier) Deliver(ctx context.Context, d models.Delivery) error {
	chatID, m, err := n.render(ctx, d)
	if err != nil {
		return err
	}
	if err := n.send(ctx, chatID, m); err != nil {
		if errors.Is(err, bot.ErrBlocked) {
			return fmt.Errorf("%w: %w", scheduler.ErrBlocked, err)
		}
		return fmt.Errorf("send delivery %d: %w", d.ID, err)
	}
	return nil
}

// schedOptions are what tests change in a scheduler (its clock and tick)
// and what serve adds (its metrics).
type schedOptions struct {
	now  func() time.Time
	tick time.Duration
	obs  *observability // nil: no metrics
}

func newScheduler(cfg config.Config, log *slog.Logger, store *sqlstore.Store, state models.StateStore, n scheduler.Notifier, o schedOptions) *scheduler.Scheduler {
	if o.obs == nil {
		o.obs = &observability{}
	}
	return scheduler.New(scheduler.Config{
		ReminderHour: cfg.ReminderHour, ReminderMinute: cfg.ReminderMinute, Location: cfg.Timezone,
		Rules: calendarRules(cfg), Now: o.now, Locker: o.obs.locker(lockerFor(state)), Logger: log, Tick: o.tick,
		Admins: cfg.Admins, Observer: o.obs.scheduler(),
	}, store, n)
}

// startScheduler runs the reminder and digest loop in the background
// unless HUIFANG_SCHEDULER is off. Calling wait stops it and waits for the
// message being sent, if any.
func startScheduler(ctx context.Context, cfg config.Config, log *slog.Logger, store *sqlstore.Store, state models.StateStore,
	app *handlers.App, send func(ctx context.Context, chatID int64, m handlers.Message) error) (wait func(), err error) {
	return startSchedulerWith(ctx, cfg, log, store, state, app, send, schedOptions{})
}

func startSchedulerWith(ctx context.Context, cfg config.Config, log *slog.Logger, store *sqlstore.Store, state models.StateStore,
	app *handlers.App, send func(ctx context.Context, chatID int64, m handlers.Message) error, o schedOptions) (func(), error) {
	if !cfg.Scheduler {
		log.Info("scheduler off: no reminders or digests from this process (HUIFANG_SCHEDULER=off)")
		return func() {}, nil
	}
	if store == nil || state == nil || app == nil || send == nil {
		return nil, errors.New("start scheduler: store, state, app and send are all needed")
	}
	s := newScheduler(cfg, log, store, state, notifier{render: app.RenderDelivery, send: send}, o)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx) // Run logs its own errors and returns nil on cancel
	}()
	return func() { cancel(); <-done }, nil
}

// remindUsage is the remind command's own help.
const remindUsage = `remind [--at TIME] [--dry-run]: one reminder and digest pass as if at TIME
  (2027-03-01T09:00 in HUIFANG_TIMEZONE, or with an offset; a bare date means
  its reminder time; default now). --dry-run prints what would go to whom and
  sends and records nothing; otherwise the pass is recorded and sent (needs
  TELEGRAM_BOT_TOKEN)`

// splitRemindArgs takes remind's own flags (--at TIME, --dry-run) out of
// args and leaves the configuration flags for config.Load.
func splitRemindArgs(args []string) (own, rest []string) {
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case !strings.HasPrefix(args[i], "-"):
			rest = append(rest, args[i])
		case name == "dry-run":
			own = append(own, args[i])
		case name == "at":
			own = append(own, args[i])
			if !hasValue && i+1 < len(args) {
				i++
				own = append(own, args[i])
			}
		default:
			rest = append(rest, args[i])
		}
	}
	return own, rest
}

// remindArgs are remind's own flags, parsed.
type remindArgs struct {
	at     string
	dryRun bool
}

func parseRemindArgs(args []string) (remindArgs, error) {
	var r remindArgs
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case !strings.HasPrefix(args[i], "-"):
			return r, fmt.Errorf("remind: unexpected argument %q\n%s", args[i], remindUsage)
		case name == "dry-run" && (!hasValue || value == "true"):
			r.dryRun = true
		case name == "at":
			if !hasValue {
				if i+1 >= len(args) {
					return r, errors.New("remind: --at needs a time such as 2027-03-01T09:00")
				}
				i++
				value = args[i]
			}
			r.at = value
		default:
			return r, fmt.Errorf("remind: unknown flag %q\n%s", args[i], remindUsage)
		}
	}
	return r, nil
}

// parseRemindAt reads --at in the office's zone: a local date and time,
// an RFC 3339 time with its own offset, or a date (at the reminder time).
func parseRemindAt(v string, cfg config.Config) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, cfg.Timezone); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation("2006-01-02", v, cfg.Timezone); err == nil {
		return d.Add(time.Duration(cfg.ReminderHour)*time.Hour + time.Duration(cfg.ReminderMinute)*time.Minute), nil
	}
	return time.Time{}, fmt.Errorf("remind: --at %q is not a time such as 2027-03-01T09:00", v)
}

// runRemind is `huifang remind`: one pass as if at --at (default now).
// With --dry-run it prints one line per delivery and writes nothing;
// otherwise it records the pass and sends what is due through Telegram.
func runRemind(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	ra, err := parseRemindArgs(args)
	if err != nil {
		return err
	}
	at := time.Now()
	if ra.at != "" {
		if at, err = parseRemindAt(ra.at, cfg); err != nil {
			return err
		}
	}
	if !ra.dryRun && cfg.TelegramToken == "" {
		return errors.New("remind: TELEGRAM_BOT_TOKEN is not set: sending needs it (or pass --dry-run)")
	}
	cfg.AdminFactor = false // renders and sends; takes no one's actions
	svc, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.close()
	if ra.dryRun {
		return printDryRun(ctx, cfg, log, svc, at, stdout)
	}
	return remindNow(ctx, cfg, log, svc, at, stdout)
}

// printDryRun prints what a pass at at would send to whom.
func printDryRun(ctx context.Context, cfg config.Config, log *slog.Logger, svc *services, at time.Time, stdout io.Writer) error {
	s := newScheduler(cfg, log, svc.store, svc.state, nil, schedOptions{})
	ds, planErr := s.DryRun(ctx, at)
	users, err := svc.store.Recipients(ctx)
	if err != nil {
		return fmt.Errorf("remind: list recipients: %w", err)
	}
	names := make(map[int64]string, len(users))
	for _, u := range users {
		names[u.TelegramID] = u.Name
	}
	local := at.In(cfg.Timezone)
	fmt.Fprintf(stdout, "dry run at %s (%s): %d %s; nothing is sent or recorded\n",
		local.Format("2006-01-02 15:04 Mon"), cfg.Timezone, len(ds), map[bool]string{true: "delivery", false: "deliveries"}[len(ds) == 1])
	// What each recipient would read, rendered as of the pass's time.
	render, err := handlers.New(handlers.Options{Store: svc.store, State: svc.state, Admins: cfg.Admins,
		Location: cfg.Timezone, Rules: calendarRules(cfg), Now: func() time.Time { return at }})
	if err != nil {
		return err
	}
	for _, d := range ds {
		name := names[d.Recipient]
		if name == "" {
			name = "HUIFANG_ADMINS"
		}
		fmt.Fprintf(stdout, "\n%s → %d (%s): %s\n", d.Kind, d.Recipient, name, scheduler.Summary(d))
		if _, m, err := render.RenderDelivery(ctx, d); err != nil {
			fmt.Fprintf(stdout, "  (cannot render: %v)\n", err)
		} else {
			fmt.Fprintln(stdout, "  "+strings.ReplaceAll(bot.PlainText(m.Text), "\n", "\n  "))
		}
	}
	if len(ds) == 0 && planErr == nil {
		fmt.Fprintln(stdout, nothingWhy(ctx, cfg, svc.store, local))
	}
	return planErr
}

// nothingWhy explains an empty pass.
func nothingWhy(ctx context.Context, cfg config.Config, store *sqlstore.Store, local time.Time) string {
	if local.Hour()*60+local.Minute() < cfg.ReminderHour*60+cfg.ReminderMinute {
		return fmt.Sprintf("nothing: before the reminder time %02d:%02d", cfg.ReminderHour, cfg.ReminderMinute)
	}
	if work, _, err := store.IsWorkday(ctx, models.DateOf(local)); err == nil && !work {
		return "nothing: not a workday"
	}
	return "nothing due"
}

// remindNow records the pass and sends what is due through Telegram.
func remindNow(ctx context.Context, cfg config.Config, log *slog.Logger, svc *services, at time.Time, stdout io.Writer) error {
	tg, err := bot.New(ctx, botConfig(cfg, log, svc.app), svc.app)
	if err != nil {
		return err
	}
	svc.app.SetTransport(tg.Username(), tg)
	s := newScheduler(cfg, log, svc.store, svc.state, notifier{render: svc.app.RenderDelivery, send: tg.Send}, schedOptions{})
	recorded, planErr := s.Plan(ctx, at)
	sent, sendErr := s.Send(ctx, time.Now())
	fmt.Fprintf(stdout, "recorded %d new deliveries, sent %d\n", recorded, sent)
	return errors.Join(planErr, sendErr)
}
