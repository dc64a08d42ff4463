// Command huifang runs the Huifang return-visit bot (回访教育助手).
//
//	huifang [serve]    run the Telegram bot (default)
//	huifang console    the same bot in this terminal
//	huifang migrate    apply database migrations and exit
//	huifang demo       load the fictional demo roster
//	huifang remind     one reminder and digest pass by hand
//	huifang audit      verify or prune the audit trail
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // HUIFANG_TIMEZONE must resolve in a scratch container

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/internal/idlegc"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/redisstate"
	"github.com/huifang/huifang/models/sqlstore"
	"github.com/huifang/huifang/scheduler"
)

// The database store is the one that handlers and the scheduler get.
var (
	_ handlers.Store  = (*sqlstore.Store)(nil)
	_ scheduler.Store = (*sqlstore.Store)(nil)
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Fixed Telegram ids of the demo roster's users, so `console --demo`
// can act as them.
const (
	demoAdminID     = 10001
	demoInspectorID = 10002
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startProfile(os.Getenv)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "huifang:", err)
		os.Exit(1)
	}
}

// tuneGC trades memory the bot does not use for fewer collections: its
// live heap is a few MB, and with Go's defaults (GOGC=100) the collector
// runs every few hundred updates. Collections start at 3× the live heap
// instead, within a soft limit that keeps the process inside its memory
// budget (RSS ≤ 50 MB under load: 44 MB measured at saturation against 46
// with Go's defaults). GOGC and GOMEMLIMIT still win.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(28 << 20)
	}
}

const usage = `Huifang 回访: a Telegram bot for return visits to sanctioned party members.

Usage: huifang [command] [flags]

Commands:
  serve                        run the Telegram bot (default)
  console [--user ID] [--demo] the same bot in this terminal; --demo loads a fictional roster
  migrate [--grant ACCOUNT]    apply database migrations and exit; --grant gives the MySQL
                               account the application's privileges, and only SELECT and
                               INSERT on the audit tables (run as the database's owner)
  demo                         load the fictional demo roster into the configured database
  import FILE [--yes]          import members and sanctions from an .xlsx or .csv file:
                               shows the preview, then asks to confirm (--yes confirms)
  template [FILE]              write the import template workbook (default 回访对象导入模板.xlsx)
  remind [--at TIME] [--dry-run]
                               one reminder and digest pass as if at TIME (2027-03-01T09:00,
                               default now); --dry-run prints what would go to whom and sends
                               and records nothing
  report [--year Y] [--unit U] [--xlsx FILE] [--png FILE]
                               print the year-end figures (default: this year, last year in
                               January; every unit) and write the workbook and the chart
  audit verify                 check the audit trail's hash chain; names the first broken link
  audit prune                  delete audit rows older than HUIFANG_AUDIT_RETENTION (run as the
                               database's owner: the application may not delete audit rows)
  healthcheck [--ready]        ask the running bot's /healthz (or /readyz) on
                               HUIFANG_METRICS_LISTEN: exit 0 when it answers 200 (for
                               Docker's HEALTHCHECK: the image has no shell or curl)
  export [--unit U] [--year Y | --from DATE --to DATE] FILE.xlsx
                               write the data export (人员, 处分, 回访记录, 统计) of a unit and
                               period, everything by default; audited as the command line's admin
  2fa reset ID                 remove the second factor of the administrator with Telegram id ID
                               (a lost authenticator, or a changed HUIFANG_STATE_KEY); they set
                               it up again at their next administrator's action
  form VISIT-NO FILE.docx      write the record form of visit VISIT-NO (回访情况记录表)
  archive MEMBER-NO FILE.docx  write the archive of member MEMBER-NO (回访教育档案)

`

func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// run is main without the process: tests call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve", "migrate", "demo", "console", "import", "template", "remind", "audit", "healthcheck", "2fa", "form", "archive", "report", "export":
	case "help":
		args = []string{"-help"}
	default:
		return fmt.Errorf("unknown command %q (serve, console, migrate, demo, import, template, remind, audit, healthcheck, 2fa, form, archive, report, export)", cmd)
	}
	settingsOut := stderr
	if wantsHelp(args) {
		// Asked for: the help goes to standard output.
		fmt.Fprint(stdout, usage)
		settingsOut = stdout
	}
	ca, args, err := splitCommandArgs(cmd, args)
	if err != nil {
		return err
	}
	cfg, err := config.Load(args, getenv, settingsOut)
	if err != nil {
		return err
	}
	if cmd == "healthcheck" { // quiet: it runs every few seconds
		return runHealthcheck(ctx, cfg, ca.ready, stdout)
	}
	log := newLogger(cfg, consoleLevel(cmd, cfg.LogLevel), stderr)
	log.Debug("starting", "command", cmd, "version", version, "config", cfg)
	switch cmd {
	case "migrate":
		return runMigrate(ctx, cfg, log, ca.grant, stdout)
	case "audit":
		return runAudit(ctx, cfg, log, ca.pos, stdout)
	case "2fa":
		return runFactorReset(ctx, cfg, log, ca.pos, stdout)
	case "demo":
		if err := loadDemo(ctx, cfg, log); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo roster loaded: admin %d, inspector %d (fictional people)\n", demoAdminID, demoInspectorID)
		return nil
	case "console":
		return runConsole(ctx, cfg, log, ca.cons, stdin, stdout)
	case "import":
		return runImport(ctx, cfg, log, ca.pos, stdin, stdout)
	case "template":
		return writeTemplate(ca.pos, stdout)
	case "remind":
		return runRemind(ctx, cfg, log, ca.remind, stdout)
	case "form", "archive":
		return runDocument(ctx, cfg, log, cmd, ca.pos, stdout)
	case "report":
		return runReport(ctx, cfg, log, ca.report, stdout)
	case "export":
		return runExport(ctx, cfg, log, ca.export, stdout)
	}
	log.Info("starting", "command", cmd, "version", version)
	return serve(ctx, cfg, log)
}

// consoleLevel is the log level of cmd: the console's log shares its
// user's terminal, where lifecycle lines (store open, demo loaded) would
// come before the hint and among the answers, so it logs errors only,
// unless asked for debug: a slow query on a busy laptop is no news to
// the person typing.
func consoleLevel(cmd string, level slog.Level) slog.Level {
	if cmd == "console" && level > slog.LevelDebug {
		return max(level, slog.LevelError)
	}
	return level
}

func newLogger(cfg config.Config, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// services are what a process opens: the database, the chat state and
// the handlers over them.
type services struct {
	store *sqlstore.Store
	state models.StateStore
	app   *handlers.App
	close func()
}

// openServices opens the database and the chat state and builds the
// handlers over them.
func openServices(ctx context.Context, cfg config.Config, log *slog.Logger) (*services, error) {
	return openServicesObserved(ctx, cfg, log, nil)
}

// openServicesObserved is openServices with the handlers reporting to obs
// (nil: nobody).
func openServicesObserved(ctx context.Context, cfg config.Config, log *slog.Logger, obs handlers.Observer) (*services, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	state, err := openState(ctx, cfg, newStartupWait(cfg, log))
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	svc := &services{store: store, state: state, close: func() {
		if err := state.Close(); err != nil {
			log.Warn("close state store", "err", err)
		}
		if err := store.Close(); err != nil {
			log.Warn("close database", "err", err)
		}
	}}
	factorKeys, err := factorKeyring(cfg, log)
	if err != nil {
		svc.close()
		return nil, err
	}
	svc.app, err = handlers.New(handlers.Options{
		Store: store, State: state, Admins: cfg.Admins, Location: cfg.Timezone,
		DraftTTL: cfg.DraftTTL, Logger: log, Rules: calendarRules(cfg), Observer: obs,
		// Webhooks may reach several replicas at once; they take each
		// chat in turn through Redis.
		SerializeChats: cfg.WebhookURL != "" && cfg.RedisURL != "",
		AdminFactor:    cfg.AdminFactor, AdminFactorPeriod: cfg.AdminFactorEvery, FactorKeys: factorKeys,
		ReviewOff:  !cfg.Review,
		OfficeName: cfg.OfficeName,
	})
	if err != nil {
		svc.close()
		return nil, err
	}
	return svc, nil
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := cfg.RequireToken(); err != nil {
		return err
	}
	obs, err := startMetrics(ctx, cfg, log)
	if err != nil {
		return err
	}
	svc, err := openServicesObserved(ctx, cfg, log, obs.handlers())
	if err != nil {
		return err
	}
	defer svc.close()
	app := svc.app
	bc := botConfig(cfg, log, app)
	bc.Commands = app.Commands()
	// One poller per token: the lease lives where the scheduler's locks do
	// (Redis when replicas share one). While this process polls it is the
	// only writer of chat states, and the Redis state store may answer
	// loads from what it saved (redisstate.Store.EnableCache); webhook
	// replicas all write, so never there.
	obs.bot(&bc, lockerFor(svc.state), pollCache(cfg, svc.state))
	tg, err := bot.New(ctx, bc, app)
	if err != nil {
		return err
	}
	app.SetTransport(tg.Username(), tg)
	if err := obs.wired(svc, tg); err != nil {
		return err
	}
	wait, err := startSchedulerWith(ctx, cfg, log, svc.store, svc.state, app, tg.Send, schedOptions{obs: obs})
	if err != nil {
		return err
	}
	defer wait() // before svc.close: the scheduler stops first
	// Start-up leaves garbage that an idle bot would otherwise keep
	// resident until the heap grows to its next collection, and so does
	// every busy spell later: given back at once and whenever the bot is
	// quiet again (idle RSS 34 -> 29-31 MB against the bench's roster).
	idle, stopIdle := context.WithCancel(ctx)
	defer stopIdle()
	go idlegc.Run(idle)
	if cfg.WebhookURL != "" {
		log.Info("serving", "bot", tg.Username(), "webhook", cfg.WebhookURL, "listen", cfg.WebhookListen)
		return tg.RunWebhook(ctx, bot.WebhookConfig{URL: cfg.WebhookURL, Listen: cfg.WebhookListen, Secret: cfg.WebhookSecret})
	}
	log.Info("serving", "bot", tg.Username())
	return tg.Run(ctx)
}

// botConfig is the Telegram transport's configuration from the settings.
func botConfig(cfg config.Config, log *slog.Logger, app *handlers.App) bot.Config {
	return bot.Config{
		Token: cfg.TelegramToken, Endpoint: cfg.TelegramEndpoint, PollTimeout: cfg.PollTimeout,
		GlobalRate: cfg.BulkRate, ChatRate: cfg.BulkChatRate, GroupRate: cfg.BulkGroupRate,
		Logger: log, Apology: app.Apology,
	}
}

// pollLocker adapts the scheduler's models.Locker to bot.Locker, mapping
// the models' errors onto bot's. held, when set, is told whether this
// process holds the polling lease: taken or refreshed (true), in doubt or
// given up (false).
type pollLocker struct {
	models.Locker
	held func(bool)
}

// TryLock implements bot.Locker.
func (l pollLocker) TryLock(ctx context.Context, name string, ttl time.Duration) (bot.Lease, error) {
	lock, err := l.Locker.TryLock(ctx, name, ttl)
	if errors.Is(err, models.ErrLocked) {
		return nil, fmt.Errorf("%w: %w", bot.ErrLeaseHeld, err)
	}
	if err != nil {
		return nil, err
	}
	l.tell(true)
	return pollLease{Lock: lock, tell: l.tell}, nil
}

func (l pollLocker) tell(held bool) {
	if l.held != nil {
		l.held(held)
	}
}

// pollLease adapts a models.Lock to bot.Lease.
type pollLease struct {
	models.Lock
	tell func(bool)
}

// Refresh implements bot.Lease.
func (l pollLease) Refresh(ctx context.Context, ttl time.Duration) error {
	err := l.Lock.Refresh(ctx, ttl)
	l.tell(err == nil)
	return leaseErr(err)
}

// Unlock implements bot.Lease.
func (l pollLease) Unlock(ctx context.Context) error {
	l.tell(false)
	return leaseErr(l.Lock.Unlock(ctx))
}

// pollCache is the polling lease's hook that turns the Redis state
// store's cache on and off (nil where there is none to turn).
func pollCache(cfg config.Config, state models.StateStore) func(bool) {
	rs, ok := state.(*redisstate.Store)
	if !ok || cfg.WebhookURL != "" {
		return nil
	}
	return func(held bool) {
		if held {
			rs.EnableCache()
		} else {
			rs.DisableCache()
		}
	}
}

// leaseErr marks models' "not held" as bot.ErrLeaseLost.
func leaseErr(err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("%w: %w", bot.ErrLeaseLost, err)
	}
	return err
}
