// Package config reads Huifang's settings from environment variables and
// command-line flags, applies defaults and checks them. It holds no
// package-level state: main calls Load once and hands values down.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Defaults of the settings that have one.
const (
	DefaultTelegramEndpoint = "https://api.telegram.org/bot%s/%s"
	DefaultSQLitePath       = "huifang.db"
	DefaultTimezone         = "Asia/Shanghai"
	DefaultDraftTTL         = 168 * time.Hour
	DefaultPollTimeout      = 50 * time.Second
	DefaultLogFormat        = "text"
	DefaultReminderTime     = "09:00"
	DefaultAnnualDeadline   = "06-30"
	DefaultExpiryWindowDays = 30
	DefaultKeyEveryDays     = 90
	DefaultWebhookListen    = ":8080"
	DefaultBulkRate         = 30 // Telegram's broadcast limit, messages a second overall
	DefaultBulkChatRate     = 1  // about one message a second to one chat
	DefaultBulkGroupRate    = 20 // messages a minute to one group
	DefaultAuditRetention   = "keep"
	DefaultStartupWait      = 2 * time.Minute
	DefaultAdminFactorEvery = 12 * time.Hour
	DefaultOfficeName       = "纪委监委案件审理室"
)

// Limits enforced by Validate.
const (
	MinDraftTTL      = time.Hour
	MinPollTimeout   = time.Second
	MaxPollTimeout   = 50 * time.Second
	MaxWindowDays    = 366  // HUIFANG_EXPIRY_WINDOW_DAYS and HUIFANG_KEY_EVERY_DAYS
	MinWebhookSecret = 32   // TELEGRAM_WEBHOOK_SECRET: long enough not to be guessed (about 190 bits from its alphabet)
	MaxWebhookSecret = 256  // TELEGRAM_WEBHOOK_SECRET, Telegram's limit for secret_token
	MaxBulkRate      = 1000 // HUIFANG_BULK_RATE, _CHAT_RATE and _GROUP_RATE: far above what Telegram allows

	// MinAuditRetentionMonths is the shortest HUIFANG_AUDIT_RETENTION;
	// the store refuses to prune younger rows whatever the setting.
	MinAuditRetentionMonths = 6
	MaxStartupWait          = time.Hour

	// HUIFANG_ADMIN_2FA_EVERY: no shorter than a minute (a code every
	// action) and no longer than a working day.
	MinAdminFactorEvery = time.Minute
	MaxAdminFactorEvery = 24 * time.Hour
)

// Config is every setting Huifang reads at start-up.
type Config struct {
	TelegramToken    string // TELEGRAM_BOT_TOKEN, -telegram-token; empty unless serving
	TelegramEndpoint string // TELEGRAM_API_ENDPOINT, -telegram-api-endpoint; two %s: token, method
	MySQLDSN         string // MYSQL_DSN, -mysql-dsn; empty selects the embedded SQLite
	SQLitePath       string // HUIFANG_SQLITE_PATH, -sqlite-path
	RedisURL         string // REDIS_URL, -redis-url; empty keeps chat state in process
	// HUIFANG_STATE_KEY, -state-key: 32 random bytes (base64 in the
	// setting) that chat states in Redis are encrypted with; required
	// with RedisURL. StateKeyOld (HUIFANG_STATE_KEY_OLD, -state-key-old)
	// is the key before a rotation, only read.
	StateKey, StateKeyOld []byte
	Admins                []int64        // HUIFANG_ADMINS, -admins; Telegram user ids
	Timezone              *time.Location // HUIFANG_TIMEZONE, -timezone
	DraftTTL              time.Duration  // HUIFANG_DRAFT_TTL, -draft-ttl; how long an unfinished form is kept
	PollTimeout           time.Duration  // HUIFANG_POLL_TIMEOUT, -poll-timeout; Telegram long-poll timeout
	LogLevel              slog.Level     // HUIFANG_LOG_LEVEL, -log-level
	LogFormat             string         // HUIFANG_LOG_FORMAT, -log-format: "text" or "json"

	// HUIFANG_REMINDER_TIME, -reminder-time: "HH:MM" in Timezone, when
	// reminders and digests go out on workdays.
	ReminderHour, ReminderMinute int
	// HUIFANG_ANNUAL_DEADLINE, -annual-deadline: "MM-DD", the day by which
	// last year's mandatory and key targets must have been visited.
	AnnualDeadlineMonth time.Month
	AnnualDeadlineDay   int
	ExpiryWindowDays    int  // HUIFANG_EXPIRY_WINDOW_DAYS, -expiry-window-days: visit window before and after a sanction period ends
	KeyEveryDays        int  // HUIFANG_KEY_EVERY_DAYS, -key-every-days: longest gap between visits of a key target
	Scheduler           bool // HUIFANG_SCHEDULER, -scheduler: "on" runs reminders and digests in serve, "off" not
	Review              bool // HUIFANG_REVIEW, -review: "on" (the default): saved visits wait for a supervisor's review; "off": approved when saved

	// TELEGRAM_WEBHOOK_URL, -telegram-webhook-url: the public https URL
	// Telegram posts updates to; empty (the default) selects long polling.
	WebhookURL    string
	WebhookListen string // HUIFANG_WEBHOOK_LISTEN, -webhook-listen: address the webhook server listens on
	WebhookSecret string // TELEGRAM_WEBHOOK_SECRET, -telegram-webhook-secret: secret_token; required with WebhookURL

	// Pacing of bulk messages (reminders, digests, notices to other
	// users); replies to a user's own action are not paced.
	BulkRate      float64 // HUIFANG_BULK_RATE, -bulk-rate: messages a second overall
	BulkChatRate  float64 // HUIFANG_BULK_CHAT_RATE, -bulk-chat-rate: messages a second to one chat
	BulkGroupRate float64 // HUIFANG_BULK_GROUP_RATE, -bulk-group-rate: messages a minute to one group

	// HUIFANG_AUDIT_RETENTION, -audit-retention: months of audit rows
	// `huifang audit prune` keeps; 0 ("keep", the default) keeps them all.
	AuditRetentionMonths int
	// StartupWait (HUIFANG_STARTUP_WAIT, -startup-wait) is how long start-up
	// waits for MySQL and Redis to answer, retrying, before it gives up; 0
	// gives up at the first failure.
	StartupWait time.Duration
	// MetricsListen (HUIFANG_METRICS_LISTEN, -metrics-listen) is where
	// /healthz, /readyz and /metrics are served; empty (the default): not.
	MetricsListen string

	// HUIFANG_ADMIN_2FA, -admin-2fa: "on" (the default) makes serve ask
	// administrators for a second factor before their actions, once every
	// AdminFactorEvery (HUIFANG_ADMIN_2FA_EVERY, -admin-2fa-every).
	AdminFactor      bool
	AdminFactorEvery time.Duration

	// OfficeName (HUIFANG_OFFICE_NAME, -office-name) is the office the
	// record forms and archives name as their maker.
	OfficeName string
}

// setting describes one variable: where it is read from, its default and how
// its text is stored into a Config.
type setting struct {
	env   string
	flag  string
	def   string
	help  string
	parse func(c *Config, v string) error
}

// settings lists every variable in the order Usage prints them.
func settings() []setting {
	return []setting{
		{"TELEGRAM_BOT_TOKEN", "telegram-token", "", "bot token from @BotFather; required by serve", parseToken},
		{"TELEGRAM_API_ENDPOINT", "telegram-api-endpoint", DefaultTelegramEndpoint, "Bot API URL pattern: two %s, for the token and the method", parseEndpoint},
		{"MYSQL_DSN", "mysql-dsn", "", "MySQL/MariaDB DSN, user:pass@tcp(host:3306)/db?charset=utf8mb4&parseTime=True&loc=UTC; empty: embedded SQLite", parseMySQLDSN},
		{"HUIFANG_SQLITE_PATH", "sqlite-path", DefaultSQLitePath, "SQLite database file, used when MYSQL_DSN is empty", parseSQLitePath},
		{"REDIS_URL", "redis-url", "", "Redis URL for chat state, redis://[:pass@]host:6379/0; empty: kept in process", parseRedisURL},
		{"HUIFANG_STATE_KEY", "state-key", "", "32 random bytes in base64 (openssl rand -base64 32) encrypting chat state in Redis; required with REDIS_URL", parseStateKey},
		{"HUIFANG_STATE_KEY_OLD", "state-key-old", "", "the previous HUIFANG_STATE_KEY during a rotation: states sealed with it are still read", parseStateKeyOld},
		{"HUIFANG_ADMINS", "admins", "", "comma-separated Telegram user ids of the administrators", parseAdmins},
		{"HUIFANG_TIMEZONE", "timezone", DefaultTimezone, "IANA time zone for dates, reminders and digests", parseTimezone},
		{"HUIFANG_DRAFT_TTL", "draft-ttl", DefaultDraftTTL.String(), "how long an unfinished form is kept (Go duration, at least 1h)", parseDraftTTL},
		{"HUIFANG_POLL_TIMEOUT", "poll-timeout", DefaultPollTimeout.String(), "Telegram long-poll timeout, whole seconds from 1s to 50s", parsePollTimeout},
		{"HUIFANG_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", parseLogLevel},
		{"HUIFANG_LOG_FORMAT", "log-format", DefaultLogFormat, "text or json", parseLogFormat},
		{"HUIFANG_REMINDER_TIME", "reminder-time", DefaultReminderTime, "HH:MM in HUIFANG_TIMEZONE when reminders and digests go out on workdays", parseReminderTime},
		{"HUIFANG_ANNUAL_DEADLINE", "annual-deadline", DefaultAnnualDeadline, "MM-DD by which last year's mandatory and key targets are due a visit", parseAnnualDeadline},
		{"HUIFANG_EXPIRY_WINDOW_DAYS", "expiry-window-days", strconv.Itoa(DefaultExpiryWindowDays), "days before and after a sanction period ends in which a visit is due (1-366)", parseExpiryWindow},
		{"HUIFANG_KEY_EVERY_DAYS", "key-every-days", strconv.Itoa(DefaultKeyEveryDays), "longest gap in days between visits of a key target (1-366)", parseKeyEvery},
		{"HUIFANG_SCHEDULER", "scheduler", "on", "on or off: whether serve sends reminders and digests (off: another replica or nobody does)", parseScheduler},
		{"HUIFANG_REVIEW", "review", "on", "on or off: whether saved visits wait for a supervisor's review (off: approved when saved)", parseReview},
		{"TELEGRAM_WEBHOOK_URL", "telegram-webhook-url", "", "public https URL Telegram posts updates to (TLS ends at a reverse proxy); empty: long polling", parseWebhookURL},
		{"HUIFANG_WEBHOOK_LISTEN", "webhook-listen", DefaultWebhookListen, "host:port the webhook server listens on, used when TELEGRAM_WEBHOOK_URL is set", parseWebhookListen},
		{"TELEGRAM_WEBHOOK_SECRET", "telegram-webhook-secret", "", "secret Telegram sends with each update, 32-256 of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 32); required with TELEGRAM_WEBHOOK_URL", parseWebhookSecret},
		{"HUIFANG_BULK_RATE", "bulk-rate", strconv.Itoa(DefaultBulkRate), "bulk messages (reminders, digests, notices to others) a second overall; replies are not paced", parseBulkRate},
		{"HUIFANG_BULK_CHAT_RATE", "bulk-chat-rate", strconv.Itoa(DefaultBulkChatRate), "bulk messages a second to one chat (bursts of 3)", parseBulkChatRate},
		{"HUIFANG_BULK_GROUP_RATE", "bulk-group-rate", strconv.Itoa(DefaultBulkGroupRate), "bulk messages a minute to one group (bursts of 3)", parseBulkGroupRate},
		{"HUIFANG_AUDIT_RETENTION", "audit-retention", DefaultAuditRetention, "keep, or the months of audit rows `huifang audit prune` keeps (at least 6)", parseAuditRetention},
		{"HUIFANG_STARTUP_WAIT", "startup-wait", DefaultStartupWait.String(), "how long start-up retries MySQL and Redis before giving up (Go duration, 0 to 1h; 0: no retry)", parseStartupWait},
		{"HUIFANG_METRICS_LISTEN", "metrics-listen", "", "host:port serving /healthz, /readyz and /metrics (Prometheus); empty: off", parseMetricsListen},
		{"HUIFANG_ADMIN_2FA", "admin-2fa", "on", "on or off: whether serve asks administrators for a second factor (a TOTP code, /2fa) before their actions", parseAdminFactor},
		{"HUIFANG_ADMIN_2FA_EVERY", "admin-2fa-every", DefaultAdminFactorEvery.String(), "how long an administrator's code lasts (Go duration, 1m to 24h)", parseAdminFactorEvery},
		{"HUIFANG_OFFICE_NAME", "office-name", DefaultOfficeName, "the office named on record forms and archives (at most 64 characters)", parseOfficeName},
	}
}

// Load reads the settings from getenv and then from args (flags only, no
// command name), a flag overriding its variable. It prints usage to stderr
// and returns flag.ErrHelp for -h or -help. An empty value means the default;
// a nil getenv reads no variables, a nil stderr discards usage.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if stderr == nil {
		stderr = io.Discard
	}
	fs := flag.NewFlagSet("huifang", flag.ContinueOnError)
	// The flag package would print every setting after a mistyped flag;
	// one line and a hint say more.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	list := settings()
	values := make([]*string, len(list))
	for i, s := range list {
		values[i] = fs.String(s.flag, "", s.help)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			Usage(stderr)
			return Config{}, err
		}
		return Config{}, fmt.Errorf("%w (huifang --help lists the settings)", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q: settings are flags such as -admins=1", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var c Config
	var errs []error
	for i, s := range list {
		v, name := getenv(s.env), s.env
		if set[s.flag] {
			v, name = *values[i], fmt.Sprintf("%s (flag -%s)", s.env, s.flag)
		}
		v = strings.TrimSpace(v)
		if v == "" {
			v = s.def
		}
		if err := s.parse(&c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Usage prints every setting with its variable, flag, default and meaning.
func Usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Settings: each environment variable below may be overridden by its flag.\n\n")
	for _, s := range settings() {
		def := s.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "  %s, -%s\n      %s\n      default: %s\n", s.env, s.flag, s.help, def)
	}
	_, _ = io.WriteString(w, b.String())
}

// Validate checks the rules a Config must satisfy, whether it came from Load
// or was built by hand; errors name the variable concerned.
func (c Config) Validate() error {
	var errs []error
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}
	if err := checkEndpoint(c.TelegramEndpoint); err != nil {
		bad("TELEGRAM_API_ENDPOINT", "%v", err)
	}
	if c.MySQLDSN == "" && strings.TrimSpace(c.SQLitePath) == "" {
		bad("HUIFANG_SQLITE_PATH", "must be set when MYSQL_DSN is empty")
	}
	c.validateSecurity(bad)
	for _, id := range c.Admins {
		if id <= 0 {
			bad("HUIFANG_ADMINS", "%d is not a Telegram user id", id)
		}
	}
	if c.Timezone == nil {
		bad("HUIFANG_TIMEZONE", "not set")
	}
	if c.DraftTTL < MinDraftTTL {
		bad("HUIFANG_DRAFT_TTL", "%s is below the minimum of %s", c.DraftTTL, MinDraftTTL)
	}
	if c.PollTimeout < MinPollTimeout || c.PollTimeout > MaxPollTimeout || c.PollTimeout%time.Second != 0 {
		bad("HUIFANG_POLL_TIMEOUT", "%s is not a whole number of seconds from %s to %s", c.PollTimeout, MinPollTimeout, MaxPollTimeout)
	}
	switch c.LogLevel {
	case slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError:
	default:
		bad("HUIFANG_LOG_LEVEL", "%s is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("HUIFANG_LOG_FORMAT", "%q is not text or json", c.LogFormat)
	}
	c.validateCalendar(bad)
	c.validateWebhook(bad)
	if c.StartupWait < 0 || c.StartupWait > MaxStartupWait {
		bad("HUIFANG_STARTUP_WAIT", "%s is not from 0 to %s", c.StartupWait, MaxStartupWait)
	}
	if c.MetricsListen != "" {
		if err := checkListen(c.MetricsListen); err != nil {
			bad("HUIFANG_METRICS_LISTEN", "%v", err)
		}
	}
	for _, r := range []struct {
		env string
		v   float64
	}{{"HUIFANG_BULK_RATE", c.BulkRate}, {"HUIFANG_BULK_CHAT_RATE", c.BulkChatRate}, {"HUIFANG_BULK_GROUP_RATE", c.BulkGroupRate}} {
		if err := checkRate(r.v); err != nil {
			bad(r.env, "%v", err)
		}
	}
	return errors.Join(errs...)
}

// validateCalendar checks the reminder and calendar settings, and how
// long the audit trail is kept.
func (c Config) validateCalendar(bad func(env, format string, args ...any)) {
	if c.ReminderHour < 0 || c.ReminderHour > 23 || c.ReminderMinute < 0 || c.ReminderMinute > 59 {
		bad("HUIFANG_REMINDER_TIME", "%02d:%02d is not a time of day", c.ReminderHour, c.ReminderMinute)
	}
	if err := checkMonthDay(c.AnnualDeadlineMonth, c.AnnualDeadlineDay); err != nil {
		bad("HUIFANG_ANNUAL_DEADLINE", "%v", err)
	}
	if c.ExpiryWindowDays < 1 || c.ExpiryWindowDays > MaxWindowDays {
		bad("HUIFANG_EXPIRY_WINDOW_DAYS", "%d is not from 1 to %d", c.ExpiryWindowDays, MaxWindowDays)
	}
	if c.KeyEveryDays < 1 || c.KeyEveryDays > MaxWindowDays {
		bad("HUIFANG_KEY_EVERY_DAYS", "%d is not from 1 to %d", c.KeyEveryDays, MaxWindowDays)
	}
	if c.AuditRetentionMonths != 0 && c.AuditRetentionMonths < MinAuditRetentionMonths {
		bad("HUIFANG_AUDIT_RETENTION", "%d months is below the minimum of %d", c.AuditRetentionMonths, MinAuditRetentionMonths)
	}
}

// validateWebhook checks the webhook settings; with no URL (long polling)
// they are ignored.
func (c Config) validateWebhook(bad func(env, format string, args ...any)) {
	if c.WebhookURL == "" {
		return
	}
	if err := checkWebhookURL(c.WebhookURL); err != nil {
		bad("TELEGRAM_WEBHOOK_URL", "%v", err)
	}
	if err := checkListen(c.WebhookListen); err != nil {
		bad("HUIFANG_WEBHOOK_LISTEN", "%v", err)
	}
	if c.WebhookSecret == "" {
		bad("TELEGRAM_WEBHOOK_SECRET", "must be set when TELEGRAM_WEBHOOK_URL is set")
	} else if err := checkWebhookSecret(c.WebhookSecret); err != nil {
		bad("TELEGRAM_WEBHOOK_SECRET", "%v", err)
	}
}

// RequireToken reports an error when no Telegram bot token is set; serve
// calls it, the commands that never reach Telegram do not.
func (c Config) RequireToken() error {
	if c.TelegramToken == "" {
		return errors.New("TELEGRAM_BOT_TOKEN: not set (or pass -telegram-token): serve needs the token from @BotFather")
	}
	return nil
}

// String renders the settings on one line with every secret redacted.
func (c Config) String() string {
	var b strings.Builder
	for i, a := range c.attrs() {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%s", a.Key, a.Value)
	}
	return b.String()
}

// LogValue implements slog.LogValuer with every secret redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(c.attrs()...)
}

func (c Config) attrs() []slog.Attr {
	admins := make([]string, len(c.Admins))
	for i, id := range c.Admins {
		admins[i] = strconv.FormatInt(id, 10)
	}
	tz := ""
	if c.Timezone != nil {
		tz = c.Timezone.String()
	}
	return []slog.Attr{
		slog.String("telegram_token", RedactToken(c.TelegramToken)),
		slog.String("telegram_endpoint", RedactEndpoint(c.TelegramEndpoint)),
		slog.String("mysql_dsn", RedactDSN(c.MySQLDSN)),
		slog.String("sqlite_path", c.SQLitePath),
		slog.String("redis_url", RedactRedisURL(c.RedisURL)),
		slog.String("state_key", RedactSecret(string(c.StateKey))),
		slog.String("state_key_old", RedactSecret(string(c.StateKeyOld))),
		slog.String("admins", strings.Join(admins, ",")),
		slog.String("timezone", tz),
		slog.String("draft_ttl", c.DraftTTL.String()),
		slog.String("poll_timeout", c.PollTimeout.String()),
		slog.String("log_level", strings.ToLower(c.LogLevel.String())),
		slog.String("log_format", c.LogFormat),
		slog.String("reminder_time", fmt.Sprintf("%02d:%02d", c.ReminderHour, c.ReminderMinute)),
		slog.String("annual_deadline", fmt.Sprintf("%02d-%02d", int(c.AnnualDeadlineMonth), c.AnnualDeadlineDay)),
		slog.Int("expiry_window_days", c.ExpiryWindowDays),
		slog.Int("key_every_days", c.KeyEveryDays),
		slog.Bool("scheduler", c.Scheduler),
		slog.Bool("review", c.Review),
		slog.String("webhook_url", c.WebhookURL),
		slog.String("webhook_listen", c.WebhookListen),
		slog.String("webhook_secret", RedactSecret(c.WebhookSecret)),
		slog.Float64("bulk_rate", c.BulkRate),
		slog.Float64("bulk_chat_rate", c.BulkChatRate),
		slog.Float64("bulk_group_rate", c.BulkGroupRate),
		slog.Int("audit_retention_months", c.AuditRetentionMonths),
		slog.String("startup_wait", c.StartupWait.String()),
		slog.String("metrics_listen", c.MetricsListen),
		slog.Bool("admin_2fa", c.AdminFactor),
		slog.String("admin_2fa_every", c.AdminFactorEvery.String()),
		slog.String("office_name", c.OfficeName),
	}
}

const redacted = "xxxxx"
