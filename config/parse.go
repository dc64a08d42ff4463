package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

func parseToken(c *Config, v string) error {
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ':' || r == '_' || r == '-') {
			return errors.New("a bot token has only letters, digits, ':', '_' and '-' (as given by @BotFather)")
		}
	}
	c.TelegramToken = v
	return nil
}

func parseEndpoint(c *Config, v string) error {
	if err := checkEndpoint(v); err != nil {
		return err
	}
	c.TelegramEndpoint = v
	return nil
}

// checkEndpoint requires an http(s) URL pattern with exactly two %s verbs,
// which tgbotapi fills with the token and the method name.
func checkEndpoint(v string) error {
	if strings.Count(v, "%s") != 2 || strings.Count(v, "%") != 2 {
		return fmt.Errorf("%q must contain exactly two %%s (token, method) and no other %%", v)
	}
	u, err := url.Parse(fmt.Sprintf(v, "TOKEN", "getMe"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL pattern like %s", v, DefaultTelegramEndpoint)
	}
	return nil
}

func parseMySQLDSN(c *Config, v string) error {
	if v != "" {
		if strings.Contains(v, "://") {
			return errors.New("use the Go MySQL driver form user:pass@tcp(host:3306)/db?parseTime=True, not a URL")
		}
		if !strings.Contains(v, "/") {
			return errors.New("missing the '/' before the database name: user:pass@tcp(host:3306)/db")
		}
		if err := checkDSNCharset(v); err != nil {
			return err
		}
	}
	c.MySQLDSN = v
	return nil
}

func parseSQLitePath(c *Config, v string) error {
	c.SQLitePath = v
	return nil
}

func parseRedisURL(c *Config, v string) error {
	if v != "" {
		u, err := url.Parse(v)
		if err != nil {
			// url's error repeats the URL, password included.
			return errors.New("not a URL like redis://[:password@]host:6379/0")
		}
		switch u.Scheme {
		case "redis", "rediss":
			if u.Host == "" {
				return fmt.Errorf("%s has no host", RedactRedisURL(v))
			}
		case "unix":
			if u.Path == "" {
				return fmt.Errorf("%s has no socket path", RedactRedisURL(v))
			}
		default:
			return fmt.Errorf("scheme %q is not redis, rediss or unix", u.Scheme)
		}
	}
	c.RedisURL = v
	return nil
}

func parseAdmins(c *Config, v string) error {
	var ids []int64
	seen := map[int64]bool{}
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%q is not a Telegram user id", f)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	c.Admins = ids
	return nil
}

func parseTimezone(c *Config, v string) error {
	loc, err := time.LoadLocation(v)
	if err != nil {
		return fmt.Errorf("unknown time zone %q (want an IANA name such as %s)", v, DefaultTimezone)
	}
	c.Timezone = loc
	return nil
}

func parseDraftTTL(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 168h", v)
	}
	if d < MinDraftTTL {
		return fmt.Errorf("%s is below the minimum of %s", d, MinDraftTTL)
	}
	c.DraftTTL = d
	return nil
}

func parsePollTimeout(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 50s", v)
	}
	if d < MinPollTimeout || d > MaxPollTimeout || d%time.Second != 0 {
		return fmt.Errorf("%s is not a whole number of seconds from %s to %s", d, MinPollTimeout, MaxPollTimeout)
	}
	c.PollTimeout = d
	return nil
}

func parseLogLevel(c *Config, v string) error {
	switch strings.ToLower(v) {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return fmt.Errorf("%q is not one of debug, info, warn, error", v)
	}
	return nil
}

func parseLogFormat(c *Config, v string) error {
	v = strings.ToLower(v)
	if v != "text" && v != "json" {
		return fmt.Errorf("%q is not text or json", v)
	}
	c.LogFormat = v
	return nil
}

// parseReminderTime reads "HH:MM" (a 24-hour clock; "9:00" is accepted).
func parseReminderTime(c *Config, v string) error {
	h, m, ok := strings.Cut(v, ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || !digits(h, 1, 2) || !digits(m, 2, 2) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return fmt.Errorf("%q is not a time of day such as %s", v, DefaultReminderTime)
	}
	c.ReminderHour, c.ReminderMinute = hour, minute
	return nil
}

// parseAnnualDeadline reads "MM-DD".
func parseAnnualDeadline(c *Config, v string) error {
	m, d, ok := strings.Cut(v, "-")
	month, err1 := strconv.Atoi(m)
	day, err2 := strconv.Atoi(d)
	if !ok || err1 != nil || err2 != nil || !digits(m, 2, 2) || !digits(d, 2, 2) {
		return fmt.Errorf("%q is not a month and day such as %s", v, DefaultAnnualDeadline)
	}
	if err := checkMonthDay(time.Month(month), day); err != nil {
		return err
	}
	c.AnnualDeadlineMonth, c.AnnualDeadlineDay = time.Month(month), day
	return nil
}

// digits reports whether s is lo to hi ASCII digits.
func digits(s string, lo, hi int) bool {
	return len(s) >= lo && len(s) <= hi && strings.Trim(s, "0123456789") == ""
}

// checkMonthDay accepts a day that every year has (so not 29 February).
func checkMonthDay(m time.Month, d int) error {
	if m < time.January || m > time.December {
		return fmt.Errorf("month %d is not from 01 to 12", int(m))
	}
	last := time.Date(2001, m+1, 0, 0, 0, 0, 0, time.UTC).Day() // 2001: not a leap year
	if d < 1 || d > last {
		return fmt.Errorf("%02d-%02d is not a day of every year", int(m), d)
	}
	return nil
}

func parseDays(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxWindowDays {
		return 0, fmt.Errorf("%q is not a number of days from 1 to %d", v, MaxWindowDays)
	}
	return n, nil
}

func parseExpiryWindow(c *Config, v string) (err error) {
	c.ExpiryWindowDays, err = parseDays(v)
	return err
}

func parseKeyEvery(c *Config, v string) (err error) {
	c.KeyEveryDays, err = parseDays(v)
	return err
}

// parseAuditRetention reads "keep" or a number of months (a trailing "m"
// allowed); the minimum is Validate's.
func parseAuditRetention(c *Config, v string) error {
	if strings.EqualFold(v, "keep") {
		c.AuditRetentionMonths = 0
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(v), "m"))
	if err != nil || n <= 0 || n > 1200 {
		return fmt.Errorf("%q is not keep or a number of months (6 to 1200)", v)
	}
	c.AuditRetentionMonths = n
	return nil
}

func parseScheduler(c *Config, v string) error {
	switch strings.ToLower(v) {
	case "on", "true", "1":
		c.Scheduler = true
	case "off", "false", "0":
		c.Scheduler = false
	default:
		return fmt.Errorf("%q is not on or off", v)
	}
	return nil
}

func parseReview(c *Config, v string) error {
	switch strings.ToLower(v) {
	case "on", "true", "1":
		c.Review = true
	case "off", "false", "0":
		c.Review = false
	default:
		return fmt.Errorf("%q is not on or off", v)
	}
	return nil
}

func parseWebhookURL(c *Config, v string) error {
	if v != "" {
		if err := checkWebhookURL(v); err != nil {
			return err
		}
	}
	c.WebhookURL = v
	return nil
}

// checkWebhookURL requires what setWebhook accepts: an https URL with a
// host and no user info or fragment. It is the one definition of the rule:
// bot.RunWebhook takes the URL as checked here.
func checkWebhookURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%q is not an https URL such as https://bot.example.org/tg (Telegram posts only over HTTPS)", v)
	}
	return nil
}

func parseWebhookListen(c *Config, v string) error {
	if err := checkListen(v); err != nil {
		return err
	}
	c.WebhookListen = v
	return nil
}

// checkListen requires host:port with a numeric port ("" host: every
// interface).
func checkListen(v string) error {
	_, port, err := net.SplitHostPort(v)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q is not an address such as :8080 or 127.0.0.1:8080", v)
	}
	return nil
}

func parseWebhookSecret(c *Config, v string) error {
	if v != "" {
		if err := checkWebhookSecret(v); err != nil {
			return err
		}
	}
	c.WebhookSecret = v
	return nil
}

// checkWebhookSecret applies Telegram's rule for secret_token, and ours
// that it be at least MinWebhookSecret long: anyone who guesses it can post
// updates as any user (the one definition: bot.RunWebhook takes the
// secret as checked here). Its errors never quote the secret.
func checkWebhookSecret(v string) error {
	if len(v) < MinWebhookSecret || len(v) > MaxWebhookSecret {
		return fmt.Errorf("must be %d to %d characters, not %d (make one with openssl rand -hex 32)", MinWebhookSecret, MaxWebhookSecret, len(v))
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return errors.New("may hold only A-Z, a-z, 0-9, _ and -")
		}
	}
	return nil
}

// parseRate reads a positive number of messages per unit of time.
func parseRate(v string) (float64, error) {
	r, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number such as 30 or 0.5", v)
	}
	return r, checkRate(r)
}

// checkRate accepts a rate above 0 and up to MaxBulkRate.
func checkRate(r float64) error {
	if !(r > 0 && r <= MaxBulkRate) { // also false for NaN
		return fmt.Errorf("%g is not above 0 and at most %d", r, MaxBulkRate)
	}
	return nil
}

func parseBulkRate(c *Config, v string) (err error) {
	c.BulkRate, err = parseRate(v)
	return err
}

func parseBulkChatRate(c *Config, v string) (err error) {
	c.BulkChatRate, err = parseRate(v)
	return err
}

func parseBulkGroupRate(c *Config, v string) (err error) {
	c.BulkGroupRate, err = parseRate(v)
	return err
}

func parseStartupWait(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > MaxStartupWait {
		return fmt.Errorf("%q is not a duration from 0s to %s, such as 2m", v, MaxStartupWait)
	}
	c.StartupWait = d
	return nil
}

func parseMetricsListen(c *Config, v string) error {
	if v != "" {
		if err := checkListen(v); err != nil {
			return err
		}
	}
	c.MetricsListen = v
	return nil
}

// maxOfficeName bounds HUIFANG_OFFICE_NAME, in characters.
const maxOfficeName = 64

func parseOfficeName(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v == "" || utf8.RuneCountInString(v) > maxOfficeName || strings.ContainsFunc(v, unicode.IsControl) {
		return fmt.Errorf("%q is not an office name of 1 to %d characters without control characters", v, maxOfficeName)
	}
	c.OfficeName = v
	return nil
}
