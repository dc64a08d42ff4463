package config_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/config"
)

// env returns a getenv reading from m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func mustLocation(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load location %q: %v", name, err)
	}
	return loc
}

// stateKey is a state key, stateKeyB64 the same in standard base64;
// oldKey is another, oldKeyURL it in unpadded URL-safe base64.
var (
	stateKey    = []byte("0123456789abcdef0123456789ABCDEF")
	stateKeyB64 = base64.StdEncoding.EncodeToString(stateKey)
	oldKey      = []byte{0xfb, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}
	oldKeyURL   = base64.RawURLEncoding.EncodeToString(oldKey)
)

// secret32 is a webhook secret of the shortest length allowed.
const secret32 = "hook_SECRET-0123456789abcdefghij"

// defaults is the Config Load returns for an empty environment.
func defaults(tb testing.TB) config.Config {
	tb.Helper()
	return config.Config{
		TelegramEndpoint: "https://api.telegram.org/bot%s/%s",
		SQLitePath:       "huifang.db",
		Timezone:         mustLocation(tb, "Asia/Shanghai"),
		DraftTTL:         168 * time.Hour,
		PollTimeout:      50 * time.Second,
		LogLevel:         slog.LevelInfo,
		LogFormat:        "text",

		ReminderHour: 9, AnnualDeadlineMonth: time.June, AnnualDeadlineDay: 30,
		ExpiryWindowDays: 30, KeyEveryDays: 90, Scheduler: true, Review: true,
		WebhookListen: ":8080",
		BulkRate:      30, BulkChatRate: 1, BulkGroupRate: 20,
		StartupWait: 2 * time.Minute,
		AdminFactor: true, AdminFactorEvery: 12 * time.Hour,
		OfficeName: config.DefaultOfficeName,
	}
}

var cmpLocation = cmp.Comparer(func(a, b *time.Location) bool {
	return a.String() == b.String()
})

func TestLoad(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want func(c *config.Config) // applied to defaults
	}{
		{"Defaults", nil, nil, func(*config.Config) {}},
		{"Token", map[string]string{"TELEGRAM_BOT_TOKEN": " 123456:AAE-x_y "}, nil,
			func(c *config.Config) { c.TelegramToken = "123456:AAE-x_y" }},
		{"Endpoint", map[string]string{"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:8081/bot%s/%s"}, nil,
			func(c *config.Config) { c.TelegramEndpoint = "http://127.0.0.1:8081/bot%s/%s" }},
		{"MySQLDSN", map[string]string{"MYSQL_DSN": "u:p@tcp(db:3306)/huifang?parseTime=True"}, nil,
			func(c *config.Config) { c.MySQLDSN = "u:p@tcp(db:3306)/huifang?parseTime=True" }},
		{"SQLitePath", map[string]string{"HUIFANG_SQLITE_PATH": "/data/h.db"}, nil,
			func(c *config.Config) { c.SQLitePath = "/data/h.db" }},
		{"RedisURL", map[string]string{"REDIS_URL": "redis://:pw@127.0.0.1:6379/1", "HUIFANG_STATE_KEY": stateKeyB64}, nil,
			func(c *config.Config) { c.RedisURL = "redis://:pw@127.0.0.1:6379/1"; c.StateKey = stateKey }},
		{"RedisURLTLS", map[string]string{"REDIS_URL": "rediss://cache:6380", "HUIFANG_STATE_KEY": stateKeyB64}, nil,
			func(c *config.Config) { c.RedisURL = "rediss://cache:6380"; c.StateKey = stateKey }},
		{"RedisURLUnix", map[string]string{"REDIS_URL": "unix:///run/redis.sock", "HUIFANG_STATE_KEY": stateKeyB64}, nil,
			func(c *config.Config) { c.RedisURL = "unix:///run/redis.sock"; c.StateKey = stateKey }},
		{"AdminFactorOff", map[string]string{"HUIFANG_ADMIN_2FA": "off", "HUIFANG_ADMIN_2FA_EVERY": "8h"}, nil,
			func(c *config.Config) { c.AdminFactor, c.AdminFactorEvery = false, 8*time.Hour }},
		{"StateKeyRotation", map[string]string{"HUIFANG_STATE_KEY": stateKeyB64, "HUIFANG_STATE_KEY_OLD": oldKeyURL}, nil,
			func(c *config.Config) { c.StateKey, c.StateKeyOld = stateKey, oldKey }},
		{"Admins", map[string]string{"HUIFANG_ADMINS": " 12, 34,,12 ,"}, nil,
			func(c *config.Config) { c.Admins = []int64{12, 34} }},
		{"Timezone", map[string]string{"HUIFANG_TIMEZONE": "Europe/Paris"}, nil,
			func(c *config.Config) { c.Timezone = mustLocation(t, "Europe/Paris") }},
		{"TimezoneUTC", map[string]string{"HUIFANG_TIMEZONE": "UTC"}, nil,
			func(c *config.Config) { c.Timezone = time.UTC }},
		{"DraftTTL", map[string]string{"HUIFANG_DRAFT_TTL": "24h"}, nil,
			func(c *config.Config) { c.DraftTTL = 24 * time.Hour }},
		{"DraftTTLMinimum", map[string]string{"HUIFANG_DRAFT_TTL": "60m"}, nil,
			func(c *config.Config) { c.DraftTTL = time.Hour }},
		{"PollTimeoutMin", map[string]string{"HUIFANG_POLL_TIMEOUT": "1s"}, nil,
			func(c *config.Config) { c.PollTimeout = time.Second }},
		{"PollTimeoutMax", map[string]string{"HUIFANG_POLL_TIMEOUT": "50s"}, nil,
			func(c *config.Config) { c.PollTimeout = 50 * time.Second }},
		{"LogLevelDebug", map[string]string{"HUIFANG_LOG_LEVEL": "DEBUG"}, nil,
			func(c *config.Config) { c.LogLevel = slog.LevelDebug }},
		{"LogLevelWarn", map[string]string{"HUIFANG_LOG_LEVEL": "warn"}, nil,
			func(c *config.Config) { c.LogLevel = slog.LevelWarn }},
		{"LogLevelError", map[string]string{"HUIFANG_LOG_LEVEL": "error"}, nil,
			func(c *config.Config) { c.LogLevel = slog.LevelError }},
		{"LogFormatJSON", map[string]string{"HUIFANG_LOG_FORMAT": "JSON"}, nil,
			func(c *config.Config) { c.LogFormat = "json" }},
		{"ReminderTime", map[string]string{"HUIFANG_REMINDER_TIME": "17:05"}, nil,
			func(c *config.Config) { c.ReminderHour, c.ReminderMinute = 17, 5 }},
		{"ReminderTimeOneDigitHour", map[string]string{"HUIFANG_REMINDER_TIME": "8:30"}, nil,
			func(c *config.Config) { c.ReminderHour, c.ReminderMinute = 8, 30 }},
		{"ReminderTimeMidnight", map[string]string{"HUIFANG_REMINDER_TIME": "00:00"}, nil,
			func(c *config.Config) { c.ReminderHour = 0 }},
		{"AnnualDeadline", map[string]string{"HUIFANG_ANNUAL_DEADLINE": "12-31"}, nil,
			func(c *config.Config) { c.AnnualDeadlineMonth, c.AnnualDeadlineDay = time.December, 31 }},
		{"AnnualDeadlineFebruary", map[string]string{"HUIFANG_ANNUAL_DEADLINE": "02-28"}, nil,
			func(c *config.Config) { c.AnnualDeadlineMonth, c.AnnualDeadlineDay = time.February, 28 }},
		{"ExpiryWindowDays", map[string]string{"HUIFANG_EXPIRY_WINDOW_DAYS": "45"}, nil,
			func(c *config.Config) { c.ExpiryWindowDays = 45 }},
		{"KeyEveryDays", map[string]string{"HUIFANG_KEY_EVERY_DAYS": "366"}, nil,
			func(c *config.Config) { c.KeyEveryDays = 366 }},
		{"SchedulerOff", map[string]string{"HUIFANG_SCHEDULER": "OFF"}, nil,
			func(c *config.Config) { c.Scheduler = false }},
		{"SchedulerFalse", map[string]string{"HUIFANG_SCHEDULER": "false"}, nil,
			func(c *config.Config) { c.Scheduler = false }},
		{"ReviewOff", map[string]string{"HUIFANG_REVIEW": "off"}, nil,
			func(c *config.Config) { c.Review = false }},
		{"Webhook", map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg", "TELEGRAM_WEBHOOK_SECRET": secret32}, nil,
			func(c *config.Config) { c.WebhookURL = "https://bot.example.org/tg"; c.WebhookSecret = secret32 }},
		{"WebhookListen", map[string]string{"HUIFANG_WEBHOOK_LISTEN": "127.0.0.1:8443"}, nil,
			func(c *config.Config) { c.WebhookListen = "127.0.0.1:8443" }},
		{"WebhookSecretWithoutURL", map[string]string{"TELEGRAM_WEBHOOK_SECRET": secret32}, nil,
			func(c *config.Config) { c.WebhookSecret = secret32 }},
		{"DSNCharsetUTF8MB4", map[string]string{"MYSQL_DSN": "u:p@tcp(h)/d?parseTime=True&charset=UTF8MB4&collation=utf8mb4_unicode_ci"}, nil,
			func(c *config.Config) {
				c.MySQLDSN = "u:p@tcp(h)/d?parseTime=True&charset=UTF8MB4&collation=utf8mb4_unicode_ci"
			}},
		{"DSNPasswordWithQuery", map[string]string{"MYSQL_DSN": "u:p?charset=latin1@tcp(h)/d?charset=utf8mb4"}, nil,
			func(c *config.Config) { c.MySQLDSN = "u:p?charset=latin1@tcp(h)/d?charset=utf8mb4" }},
		{"BulkRates", map[string]string{"HUIFANG_BULK_RATE": "25", "HUIFANG_BULK_CHAT_RATE": "0.5", "HUIFANG_BULK_GROUP_RATE": "10"}, nil,
			func(c *config.Config) { c.BulkRate, c.BulkChatRate, c.BulkGroupRate = 25, 0.5, 10 }},
		{"BulkRateFlags", nil, []string{"-bulk-rate=5", "-bulk-chat-rate=2", "-bulk-group-rate=3"},
			func(c *config.Config) { c.BulkRate, c.BulkChatRate, c.BulkGroupRate = 5, 2, 3 }},
		{"AuditRetention", map[string]string{"HUIFANG_AUDIT_RETENTION": "36"}, nil,
			func(c *config.Config) { c.AuditRetentionMonths = 36 }},
		{"AuditRetentionKeepFlag", map[string]string{"HUIFANG_AUDIT_RETENTION": "24m"}, []string{"-audit-retention=KEEP"},
			func(*config.Config) {}},
		{"StartupWait", map[string]string{"HUIFANG_STARTUP_WAIT": "30s"}, nil,
			func(c *config.Config) { c.StartupWait = 30 * time.Second }},
		{"StartupWaitNone", map[string]string{"HUIFANG_STARTUP_WAIT": "0"}, nil,
			func(c *config.Config) { c.StartupWait = 0 }},
		{"MetricsListen", nil, []string{"-metrics-listen=127.0.0.1:9090"},
			func(c *config.Config) { c.MetricsListen = "127.0.0.1:9090" }},
		{"EmptyMeansDefault", map[string]string{"HUIFANG_TIMEZONE": " ", "HUIFANG_DRAFT_TTL": ""}, nil,
			func(*config.Config) {}},
		{"FlagsOnly", nil, []string{
			"-telegram-token=1:t", "-telegram-api-endpoint=http://x/bot%s/%s", "-mysql-dsn=u@tcp(h)/d",
			"-sqlite-path=a.db", "-redis-url=redis://r:6379", "-state-key=" + stateKeyB64, "-admins=7", "-timezone=UTC",
			"-draft-ttl=2h", "-poll-timeout", "10s", "-log-level=debug", "--log-format=json",
			"-reminder-time=07:45", "-annual-deadline=03-31", "-expiry-window-days=10", "-key-every-days=60", "-scheduler=off",
			"-telegram-webhook-url=https://h.example/tg", "-webhook-listen=127.0.0.1:9000", "-telegram-webhook-secret=s-1_A",
			"-startup-wait=5s", "-metrics-listen=:9090",
			"-telegram-webhook-url=https://h.example/tg", "-webhook-listen=127.0.0.1:9000", "-telegram-webhook-secret=" + secret32,
			"-admin-2fa=off", "-admin-2fa-every=30m",
		}, func(c *config.Config) {
			*c = config.Config{
				TelegramToken: "1:t", TelegramEndpoint: "http://x/bot%s/%s", MySQLDSN: "u@tcp(h)/d",
				SQLitePath: "a.db", RedisURL: "redis://r:6379", StateKey: stateKey, Admins: []int64{7}, Timezone: time.UTC,
				DraftTTL: 2 * time.Hour, PollTimeout: 10 * time.Second, LogLevel: slog.LevelDebug, LogFormat: "json",
				ReminderHour: 7, ReminderMinute: 45, AnnualDeadlineMonth: time.March, AnnualDeadlineDay: 31,
				ExpiryWindowDays: 10, KeyEveryDays: 60, Scheduler: false, Review: true,
				WebhookURL: "https://h.example/tg", WebhookListen: "127.0.0.1:9000", WebhookSecret: secret32,
				BulkRate: 30, BulkChatRate: 1, BulkGroupRate: 20,
				StartupWait: 5 * time.Second, MetricsListen: ":9090",
				AdminFactor: false, AdminFactorEvery: 30 * time.Minute,
				OfficeName: config.DefaultOfficeName,
			}
		}},
		{"OfficeName", map[string]string{"HUIFANG_OFFICE_NAME": " 东湖区纪委监委审理室 "}, nil,
			func(c *config.Config) { c.OfficeName = "东湖区纪委监委审理室" }},
		{"FlagOverridesEnv", map[string]string{"HUIFANG_ADMINS": "1,2", "HUIFANG_LOG_LEVEL": "error"},
			[]string{"-admins", "3"},
			func(c *config.Config) { c.Admins = []int64{3}; c.LogLevel = slog.LevelError }},
		{"EmptyFlagClearsEnv", map[string]string{"MYSQL_DSN": "u:p@tcp(h)/d", "REDIS_URL": "redis://r"},
			[]string{"-mysql-dsn=", "-redis-url="}, func(*config.Config) {}},
		{"EmptyFlagMeansDefault", map[string]string{"HUIFANG_TIMEZONE": "UTC"}, []string{"-timezone="},
			func(*config.Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := defaults(t)
			tt.want(&want)
			got, err := config.Load(tt.args, env(tt.env), nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(want, got, cmpLocation); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoad_Errors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // substrings of the error
	}{
		{"TokenSpace", map[string]string{"TELEGRAM_BOT_TOKEN": "123 456"}, nil, []string{"TELEGRAM_BOT_TOKEN:", "bot token"}},
		{"TokenSlash", map[string]string{"TELEGRAM_BOT_TOKEN": "1:a/b"}, nil, []string{"TELEGRAM_BOT_TOKEN:"}},
		{"EndpointOneVerb", map[string]string{"TELEGRAM_API_ENDPOINT": "https://x/bot%s"}, nil, []string{"TELEGRAM_API_ENDPOINT:", "two %s"}},
		{"EndpointThreeVerbs", map[string]string{"TELEGRAM_API_ENDPOINT": "https://x/%s/bot%s/%s"}, nil, []string{"TELEGRAM_API_ENDPOINT:"}},
		{"EndpointOtherVerb", map[string]string{"TELEGRAM_API_ENDPOINT": "https://x/bot%s/%s?%d"}, nil, []string{"TELEGRAM_API_ENDPOINT:"}},
		{"EndpointNoScheme", map[string]string{"TELEGRAM_API_ENDPOINT": "api.telegram.org/bot%s/%s"}, nil, []string{"TELEGRAM_API_ENDPOINT:", "http(s) URL"}},
		{"EndpointFTP", map[string]string{"TELEGRAM_API_ENDPOINT": "ftp://x/bot%s/%s"}, nil, []string{"TELEGRAM_API_ENDPOINT:"}},
		{"DSNURL", map[string]string{"MYSQL_DSN": "mysql://u:secret@h/d"}, nil, []string{"MYSQL_DSN:", "not a URL"}},
		{"DSNNoSlash", map[string]string{"MYSQL_DSN": "u:secret@tcp(h:3306)"}, nil, []string{"MYSQL_DSN:", "'/'"}},
		{"RedisScheme", map[string]string{"REDIS_URL": "http://r:6379"}, nil, []string{"REDIS_URL:", `"http"`}},
		{"RedisNoHost", map[string]string{"REDIS_URL": "redis://:secret@/0"}, nil, []string{"REDIS_URL:", "no host"}},
		{"RedisUnixNoPath", map[string]string{"REDIS_URL": "unix://"}, nil, []string{"REDIS_URL:", "socket path"}},
		{"RedisUnparsable", map[string]string{"REDIS_URL": "redis://:secret@h:port/0"}, nil, []string{"REDIS_URL:", "not a URL"}},
		{"AdminsLetters", map[string]string{"HUIFANG_ADMINS": "12x"}, nil, []string{`HUIFANG_ADMINS: "12x" is not a Telegram user id`}},
		{"AdminsNegative", map[string]string{"HUIFANG_ADMINS": "1,-100123"}, nil, []string{`"-100123" is not a Telegram user id`}},
		{"AdminsZero", map[string]string{"HUIFANG_ADMINS": "0"}, nil, []string{`"0" is not`}},
		{"AdminsOverflow", map[string]string{"HUIFANG_ADMINS": "99999999999999999999"}, nil, []string{"HUIFANG_ADMINS:"}},
		{"AdminsSpaceSeparated", map[string]string{"HUIFANG_ADMINS": "1 2"}, nil, []string{`"1 2" is not`}},
		{"Timezone", map[string]string{"HUIFANG_TIMEZONE": "Mars/Olympus"}, nil, []string{`HUIFANG_TIMEZONE: unknown time zone "Mars/Olympus"`}},
		{"DraftTTLSyntax", map[string]string{"HUIFANG_DRAFT_TTL": "7d"}, nil, []string{`HUIFANG_DRAFT_TTL: "7d" is not a duration`}},
		{"DraftTTLShort", map[string]string{"HUIFANG_DRAFT_TTL": "59m"}, nil, []string{"HUIFANG_DRAFT_TTL: 59m0s is below the minimum of 1h0m0s"}},
		{"DraftTTLNegative", map[string]string{"HUIFANG_DRAFT_TTL": "-2h"}, nil, []string{"HUIFANG_DRAFT_TTL:"}},
		{"PollTimeoutSyntax", map[string]string{"HUIFANG_POLL_TIMEOUT": "50"}, nil, []string{`HUIFANG_POLL_TIMEOUT: "50" is not a duration`}},
		{"PollTimeoutLong", map[string]string{"HUIFANG_POLL_TIMEOUT": "51s"}, nil, []string{"HUIFANG_POLL_TIMEOUT:", "from 1s to 50s"}},
		{"PollTimeoutShort", map[string]string{"HUIFANG_POLL_TIMEOUT": "500ms"}, nil, []string{"HUIFANG_POLL_TIMEOUT:"}},
		{"PollTimeoutFraction", map[string]string{"HUIFANG_POLL_TIMEOUT": "1.5s"}, nil, []string{"HUIFANG_POLL_TIMEOUT:", "whole number"}},
		{"LogLevel", map[string]string{"HUIFANG_LOG_LEVEL": "verbose"}, nil, []string{`HUIFANG_LOG_LEVEL: "verbose" is not one of`}},
		{"LogLevelNumeric", map[string]string{"HUIFANG_LOG_LEVEL": "DEBUG+2"}, nil, []string{"HUIFANG_LOG_LEVEL:"}},
		{"LogFormat", map[string]string{"HUIFANG_LOG_FORMAT": "xml"}, nil, []string{`HUIFANG_LOG_FORMAT: "xml" is not text or json`}},
		{"ReminderTimeHour", map[string]string{"HUIFANG_REMINDER_TIME": "24:00"}, nil, []string{`HUIFANG_REMINDER_TIME: "24:00" is not a time of day`}},
		{"ReminderTimeMinute", map[string]string{"HUIFANG_REMINDER_TIME": "09:60"}, nil, []string{"HUIFANG_REMINDER_TIME:"}},
		{"ReminderTimeNoColon", map[string]string{"HUIFANG_REMINDER_TIME": "0900"}, nil, []string{"HUIFANG_REMINDER_TIME:"}},
		{"ReminderTimeSign", map[string]string{"HUIFANG_REMINDER_TIME": "+9:00"}, nil, []string{"HUIFANG_REMINDER_TIME:"}},
		{"ReminderTimeSeconds", map[string]string{"HUIFANG_REMINDER_TIME": "09:00:00"}, nil, []string{"HUIFANG_REMINDER_TIME:"}},
		{"AnnualDeadlineMonth", map[string]string{"HUIFANG_ANNUAL_DEADLINE": "13-01"}, nil, []string{"HUIFANG_ANNUAL_DEADLINE:", "month 13"}},
		{"AnnualDeadlineDay", map[string]string{"HUIFANG_ANNUAL_DEADLINE": "06-31"}, nil, []string{"HUIFANG_ANNUAL_DEADLINE: 06-31 is not a day of every year"}},
		{"AnnualDeadlineLeapDay", map[string]string{"HUIFANG_ANNUAL_DEADLINE": "02-29"}, nil, []string{"HUIFANG_ANNUAL_DEADLINE:"}},
		{"AnnualDeadlineISO", map[string]string{"HUIFANG_ANNUAL_DEADLINE": "2027-06-30"}, nil, []string{"HUIFANG_ANNUAL_DEADLINE:"}},
		{"ExpiryWindowZero", map[string]string{"HUIFANG_EXPIRY_WINDOW_DAYS": "0"}, nil, []string{`HUIFANG_EXPIRY_WINDOW_DAYS: "0" is not a number of days`}},
		{"ExpiryWindowUnit", map[string]string{"HUIFANG_EXPIRY_WINDOW_DAYS": "30d"}, nil, []string{"HUIFANG_EXPIRY_WINDOW_DAYS:"}},
		{"KeyEveryLong", map[string]string{"HUIFANG_KEY_EVERY_DAYS": "367"}, nil, []string{"HUIFANG_KEY_EVERY_DAYS:"}},
		{"Scheduler", map[string]string{"HUIFANG_SCHEDULER": "maybe"}, nil, []string{`HUIFANG_SCHEDULER: "maybe" is not on or off`}},
		{"Review", map[string]string{"HUIFANG_REVIEW": "maybe"}, nil, []string{`HUIFANG_REVIEW: "maybe" is not on or off`}},
		{"WebhookHTTP", map[string]string{"TELEGRAM_WEBHOOK_URL": "http://bot.example.org/tg", "TELEGRAM_WEBHOOK_SECRET": secret32}, nil, []string{"TELEGRAM_WEBHOOK_URL:", "https"}},
		{"WebhookNoHost", map[string]string{"TELEGRAM_WEBHOOK_URL": "https:///tg", "TELEGRAM_WEBHOOK_SECRET": secret32}, nil, []string{"TELEGRAM_WEBHOOK_URL:"}},
		{"WebhookWithoutSecret", map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg"}, nil, []string{"TELEGRAM_WEBHOOK_SECRET: must be set"}},
		{"WebhookSecretCharset", map[string]string{"TELEGRAM_WEBHOOK_SECRET": "secret!pw" + secret32}, nil, []string{"TELEGRAM_WEBHOOK_SECRET:", "only A-Z"}},
		{"WebhookSecretOneChar", map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg", "TELEGRAM_WEBHOOK_SECRET": "x"}, nil, []string{"TELEGRAM_WEBHOOK_SECRET:", "32 to 256", "not 1"}},
		{"WebhookSecretShort", map[string]string{"TELEGRAM_WEBHOOK_SECRET": secret32[:31]}, nil, []string{"TELEGRAM_WEBHOOK_SECRET:", "32 to 256"}},
		{"AdminFactorWord", map[string]string{"HUIFANG_ADMIN_2FA": "sometimes"}, nil, []string{`HUIFANG_ADMIN_2FA: "sometimes" is not on or off`}},
		{"AdminFactorEveryLong", map[string]string{"HUIFANG_ADMIN_2FA_EVERY": "48h"}, nil, []string{"HUIFANG_ADMIN_2FA_EVERY: 48h0m0s is not from 1m0s to 24h0m0s"}},
		{"AdminFactorEveryShort", map[string]string{"HUIFANG_ADMIN_2FA_EVERY": "30s"}, nil, []string{"HUIFANG_ADMIN_2FA_EVERY:"}},
		{"RedisWithoutStateKey", map[string]string{"REDIS_URL": "redis://r:6379"}, nil, []string{"HUIFANG_STATE_KEY: must be set when REDIS_URL is set", "openssl rand -base64 32"}},
		{"StateKeyShort", map[string]string{"HUIFANG_STATE_KEY": base64.StdEncoding.EncodeToString(stateKey[:16])}, nil, []string{"HUIFANG_STATE_KEY:", "16 bytes, not 32"}},
		{"StateKeyNotBase64", map[string]string{"HUIFANG_STATE_KEY": "secret!!"}, nil, []string{"HUIFANG_STATE_KEY:", "not base64"}},
		{"StateKeyOldAlone", map[string]string{"HUIFANG_STATE_KEY_OLD": stateKeyB64}, nil, []string{"HUIFANG_STATE_KEY_OLD:", "beside a current"}},
		{"DSNCharsetLatin1", map[string]string{"MYSQL_DSN": "u:secret@tcp(h)/d?charset=latin1"}, nil, []string{"MYSQL_DSN:", `charset "latin1" is not utf8mb4`}},
		{"DSNCharsetUTF8", map[string]string{"MYSQL_DSN": "u:secret@tcp(h)/d?parseTime=true&charset=utf8"}, nil, []string{"MYSQL_DSN:", "utf8mb4"}},
		{"DSNCharsetFallback", map[string]string{"MYSQL_DSN": "u:secret@tcp(h)/d?charset=utf8mb4,utf8"}, nil, []string{"MYSQL_DSN:", "not utf8mb4"}},
		{"DSNCollation", map[string]string{"MYSQL_DSN": "u:secret@tcp(h)/d?collation=latin1_swedish_ci"}, nil, []string{"MYSQL_DSN:", "collation"}},
		{"WebhookSecretLong", map[string]string{"TELEGRAM_WEBHOOK_SECRET": strings.Repeat("secret", 43)}, nil, []string{"TELEGRAM_WEBHOOK_SECRET:", "32 to 256"}},
		{"WebhookListenNoPort", map[string]string{"HUIFANG_WEBHOOK_LISTEN": "localhost"}, nil, []string{"HUIFANG_WEBHOOK_LISTEN:"}},
		{"WebhookListenBadPort", map[string]string{"HUIFANG_WEBHOOK_LISTEN": ":http"}, nil, []string{"HUIFANG_WEBHOOK_LISTEN:"}},
		{"BulkRateZero", map[string]string{"HUIFANG_BULK_RATE": "0"}, nil, []string{"HUIFANG_BULK_RATE: 0 is not above 0"}},
		{"StartupWaitNegative", map[string]string{"HUIFANG_STARTUP_WAIT": "-1s"}, nil, []string{`HUIFANG_STARTUP_WAIT: "-1s" is not a duration`}},
		{"StartupWaitLong", map[string]string{"HUIFANG_STARTUP_WAIT": "2h"}, nil, []string{"HUIFANG_STARTUP_WAIT:"}},
		{"MetricsListenNoPort", map[string]string{"HUIFANG_METRICS_LISTEN": "localhost"}, nil, []string{"HUIFANG_METRICS_LISTEN:"}},
		{"BulkChatRateWord", map[string]string{"HUIFANG_BULK_CHAT_RATE": "fast"}, nil, []string{`HUIFANG_BULK_CHAT_RATE: "fast" is not a number`}},
		{"BulkGroupRateNaN", map[string]string{"HUIFANG_BULK_GROUP_RATE": "NaN"}, nil, []string{"HUIFANG_BULK_GROUP_RATE:"}},
		{"BulkRateHuge", map[string]string{"HUIFANG_BULK_RATE": "1e9"}, nil, []string{"HUIFANG_BULK_RATE:"}},
		{"AuditRetentionShort", map[string]string{"HUIFANG_AUDIT_RETENTION": "5"}, nil, []string{"HUIFANG_AUDIT_RETENTION: 5 months is below the minimum of 6"}},
		{"OfficeNameControl", map[string]string{"HUIFANG_OFFICE_NAME": "审理室\x1b[31m"}, nil, []string{"HUIFANG_OFFICE_NAME:"}},
		{"AuditRetentionWord", map[string]string{"HUIFANG_AUDIT_RETENTION": "forever"}, nil, []string{"HUIFANG_AUDIT_RETENTION:"}},
		{"FlagNamed", nil, []string{"-admins=abc"}, []string{`HUIFANG_ADMINS (flag -admins): "abc" is not a Telegram user id`}},
		{"FlagBadOverridesGoodEnv", map[string]string{"HUIFANG_LOG_FORMAT": "json"}, []string{"-log-format=yaml"}, []string{"flag -log-format"}},
		{"AllErrorsAtOnce", map[string]string{"HUIFANG_ADMINS": "x", "HUIFANG_TIMEZONE": "Nowhere"}, nil, []string{"HUIFANG_ADMINS:", "HUIFANG_TIMEZONE:"}},
		{"UnknownFlag", nil, []string{"-verbose"}, []string{"-verbose"}},
		{"PositionalArgument", nil, []string{"-admins=1", "serve"}, []string{`unexpected argument "serve"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(tt.args, env(tt.env), nil)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks a password", err)
			}
		})
	}
}

func TestLoad_Help(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		t.Run(arg, func(t *testing.T) {
			var out bytes.Buffer
			_, err := config.Load([]string{arg}, env(nil), &out)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("Load(%s) error = %v, want flag.ErrHelp", arg, err)
			}
			if !strings.Contains(out.String(), "HUIFANG_ADMINS, -admins") {
				t.Errorf("usage not printed to stderr:\n%s", out.String())
			}
		})
	}
}

func TestUsage(t *testing.T) {
	var out bytes.Buffer
	config.Usage(&out)
	for _, w := range []string{
		"TELEGRAM_BOT_TOKEN, -telegram-token", "TELEGRAM_API_ENDPOINT, -telegram-api-endpoint",
		"MYSQL_DSN, -mysql-dsn", "HUIFANG_SQLITE_PATH, -sqlite-path", "REDIS_URL, -redis-url",
		"HUIFANG_ADMINS, -admins", "HUIFANG_TIMEZONE, -timezone", "HUIFANG_DRAFT_TTL, -draft-ttl",
		"HUIFANG_POLL_TIMEOUT, -poll-timeout", "HUIFANG_LOG_LEVEL, -log-level", "HUIFANG_LOG_FORMAT, -log-format",
		"HUIFANG_REMINDER_TIME, -reminder-time", "HUIFANG_ANNUAL_DEADLINE, -annual-deadline",
		"HUIFANG_EXPIRY_WINDOW_DAYS, -expiry-window-days", "HUIFANG_KEY_EVERY_DAYS, -key-every-days", "HUIFANG_SCHEDULER, -scheduler",
		"TELEGRAM_WEBHOOK_URL, -telegram-webhook-url", "HUIFANG_WEBHOOK_LISTEN, -webhook-listen", "TELEGRAM_WEBHOOK_SECRET, -telegram-webhook-secret",
		"default: :8080",
		"default: 09:00", "default: 06-30", "default: 30", "default: 90", "default: on",
		"default: Asia/Shanghai", "default: 168h0m0s", "default: 50s", "default: huifang.db",
		"default: https://api.telegram.org/bot%s/%s", "default: info", "default: text",
	} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("usage lacks %q:\n%s", w, out.String())
		}
	}
}

func TestConfig_Validate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   string // substring of the error; empty: valid
	}{
		{"OK", func(*config.Config) {}, ""},
		{"MySQLWithoutSQLitePath", func(c *config.Config) { c.MySQLDSN = "u@tcp(h)/d"; c.SQLitePath = "" }, ""},
		{"NoDatabase", func(c *config.Config) { c.SQLitePath = "" }, "HUIFANG_SQLITE_PATH: must be set when MYSQL_DSN is empty"},
		{"Endpoint", func(c *config.Config) { c.TelegramEndpoint = "" }, "TELEGRAM_API_ENDPOINT:"},
		{"Admin", func(c *config.Config) { c.Admins = []int64{-5} }, "HUIFANG_ADMINS: -5 is not a Telegram user id"},
		{"Timezone", func(c *config.Config) { c.Timezone = nil }, "HUIFANG_TIMEZONE: not set"},
		{"DraftTTL", func(c *config.Config) { c.DraftTTL = 0 }, "HUIFANG_DRAFT_TTL:"},
		{"PollTimeoutZero", func(c *config.Config) { c.PollTimeout = 0 }, "HUIFANG_POLL_TIMEOUT:"},
		{"PollTimeoutFraction", func(c *config.Config) { c.PollTimeout = 1500 * time.Millisecond }, "HUIFANG_POLL_TIMEOUT:"},
		{"LogLevel", func(c *config.Config) { c.LogLevel = slog.LevelInfo + 2 }, "HUIFANG_LOG_LEVEL:"},
		{"LogFormat", func(c *config.Config) { c.LogFormat = "" }, "HUIFANG_LOG_FORMAT:"},
		{"ReminderTime", func(c *config.Config) { c.ReminderMinute = 60 }, "HUIFANG_REMINDER_TIME: 09:60 is not a time of day"},
		{"ReminderHourNegative", func(c *config.Config) { c.ReminderHour = -1 }, "HUIFANG_REMINDER_TIME:"},
		{"AnnualDeadlineZero", func(c *config.Config) { c.AnnualDeadlineMonth = 0 }, "HUIFANG_ANNUAL_DEADLINE:"},
		{"AnnualDeadlineDay", func(c *config.Config) { c.AnnualDeadlineDay = 31 }, "HUIFANG_ANNUAL_DEADLINE: 06-31"},
		{"ExpiryWindowDays", func(c *config.Config) { c.ExpiryWindowDays = 0 }, "HUIFANG_EXPIRY_WINDOW_DAYS:"},
		{"KeyEveryDays", func(c *config.Config) { c.KeyEveryDays = 400 }, "HUIFANG_KEY_EVERY_DAYS:"},
		{"SchedulerOff", func(c *config.Config) { c.Scheduler = false }, ""},
		{"Webhook", func(c *config.Config) { c.WebhookURL = "https://h/tg"; c.WebhookSecret = secret32 }, ""},
		{"WebhookShortSecret", func(c *config.Config) { c.WebhookURL = "https://h/tg"; c.WebhookSecret = "x" }, "TELEGRAM_WEBHOOK_SECRET: must be 32 to 256"},
		{"DSNCharset", func(c *config.Config) { c.MySQLDSN = "u@tcp(h)/d?charset=latin1" }, "MYSQL_DSN: charset"},
		{"WebhookNoSecret", func(c *config.Config) { c.WebhookURL = "https://h/tg" }, "TELEGRAM_WEBHOOK_SECRET: must be set"},
		{"WebhookBadSecret", func(c *config.Config) { c.WebhookURL = "https://h/tg"; c.WebhookSecret = "a b" }, "TELEGRAM_WEBHOOK_SECRET:"},
		{"WebhookHTTP", func(c *config.Config) { c.WebhookURL = "http://h/tg"; c.WebhookSecret = secret32 }, "TELEGRAM_WEBHOOK_URL:"},
		{"WebhookNoListen", func(c *config.Config) {
			c.WebhookURL = "https://h/tg"
			c.WebhookSecret = secret32
			c.WebhookListen = ""
		}, "HUIFANG_WEBHOOK_LISTEN:"},
		{"PollingIgnoresListen", func(c *config.Config) { c.WebhookListen = "" }, ""},
		{"BulkRateZero", func(c *config.Config) { c.BulkRate = 0 }, "HUIFANG_BULK_RATE:"},
		{"BulkChatRateNegative", func(c *config.Config) { c.BulkChatRate = -1 }, "HUIFANG_BULK_CHAT_RATE:"},
		{"BulkGroupRateZero", func(c *config.Config) { c.BulkGroupRate = 0 }, "HUIFANG_BULK_GROUP_RATE:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := defaults(t)
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate succeeded, want error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Validate error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestConfig_RequireToken(t *testing.T) {
	c := defaults(t)
	if err := c.RequireToken(); err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("RequireToken without a token = %v, want an error naming TELEGRAM_BOT_TOKEN", err)
	}
	c.TelegramToken = "1:x"
	if err := c.RequireToken(); err != nil {
		t.Errorf("RequireToken with a token: %v", err)
	}
}

func TestConfig_Redaction(t *testing.T) {
	c := defaults(t)
	c.TelegramToken = "123456:AAHsecretTOKEN"
	c.MySQLDSN = "huifang:s3cr@t:pw@tcp(mysql:3306)/huifang?charset=utf8mb4"
	c.RedisURL = "redis://user:redispass@redis:6379/0?password=querypass"
	c.Admins = []int64{1, 2}
	c.WebhookURL = "https://bot.example.org/tg"
	c.WebhookSecret = "hookSECRETvalue"
	c.TelegramEndpoint = "http://apiuser:apiPASSWORD@tg-proxy:8081/bot%s/%s"
	c.StateKey, c.StateKeyOld = stateKey, oldKey

	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", c)
	for name, s := range map[string]string{"String": c.String(), "LogValue": logged.String()} {
		for _, secret := range []string{"AAHsecretTOKEN", "s3cr", "pw@", "redispass", "querypass", "hookSECRETvalue", "apiuser", "apiPASSWORD", string(stateKey), stateKeyB64, oldKeyURL, "0123456789"} {
			if strings.Contains(s, secret) {
				t.Errorf("%s leaks %q: %s", name, secret, s)
			}
		}
		for _, kept := range []string{"123456:xxxxx", "huifang:xxxxx@tcp(mysql:3306)/huifang", "redis:6379/0", "admins=1,2", "Asia/Shanghai", "log_level=info", "reminder_time=09:00", "annual_deadline=06-30", "scheduler=true", "webhook_url=https://bot.example.org/tg", "webhook_listen=:8080", "webhook_secret=xxxxx", "telegram_endpoint=http://xxxxx@tg-proxy:8081/bot%s/%s", "state_key=xxxxx", "state_key_old=xxxxx"} {
			if !strings.Contains(s, kept) {
				t.Errorf("%s lacks %q: %s", name, kept, s)
			}
		}
	}
}

func TestRedactToken(t *testing.T) {
	tests := map[string]string{
		"":               "",
		"123:abc":        "123:xxxxx",
		"noColonAtAll":   "xxxxx",
		"abc:def":        "xxxxx",
		":onlysecret":    "xxxxx",
		"123:":           "123:xxxxx",
		"123:abc:extra1": "123:xxxxx",
	}
	for in, want := range tests {
		if got := config.RedactToken(in); got != want {
			t.Errorf("RedactToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	tests := map[string]string{
		"":                                      "",
		"root@tcp(127.0.0.1:3306)/test":         "root@tcp(127.0.0.1:3306)/test",
		"u:p@tcp(h:3306)/d":                     "u:xxxxx@tcp(h:3306)/d",
		"u:p@ss:w/rd@tcp(h:3306)/d?loc=UTC":     "u:xxxxx@tcp(h:3306)/d?loc=UTC",
		"u:@tcp(h)/d":                           "u:xxxxx@tcp(h)/d",
		"tcp(h:3306)/d":                         "tcp(h:3306)/d",
		"u:p@unix(/run/mysqld/mysqld.sock)/d":   "u:xxxxx@unix(/run/mysqld/mysqld.sock)/d",
		"u:p@tcp(h:3306)/d?x=a@b":               "u:xxxxx@b",
		"/d?parseTime=true":                     "/d?parseTime=true",
		"u:p@/d":                                "u:xxxxx@/d",
		"user:pass@tcp([::1]:3306)/db?tls=true": "user:xxxxx@tcp([::1]:3306)/db?tls=true",
	}
	for in, want := range tests {
		if got := config.RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactRedisURL(t *testing.T) {
	tests := map[string]string{
		"":                              "",
		"redis://127.0.0.1:6379":        "redis://127.0.0.1:6379",
		"redis://:pw@r:6379/0":          "redis://:xxxxx@r:6379/0",
		"redis://user:pw@r:6379/0":      "redis://user:xxxxx@r:6379/0",
		"rediss://r:6380?password=pw":   "rediss://r:6380?password=xxxxx",
		"redis://:pw@r:port":            "xxxxx",
		"unix://:pw@/run/redis.sock?db": "unix://:xxxxx@/run/redis.sock?db",
	}
	for in, want := range tests {
		if got := config.RedactRedisURL(in); got != want {
			t.Errorf("RedactRedisURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactEndpoint(t *testing.T) {
	tests := map[string]string{
		"https://api.telegram.org/bot%s/%s": "https://api.telegram.org/bot%s/%s",
		"http://u:p@h:8081/bot%s/%s":        "http://xxxxx@h:8081/bot%s/%s",
		"http://u@h/bot%s/%s":               "http://xxxxx@h/bot%s/%s",
		"http://u:p@ss@h/bot%s/%s":          "http://xxxxx@h/bot%s/%s",
		"http://h/bot%s/%s?key=a@b":         "http://h/bot%s/%s?key=a@b",
		"https://u:p@h?x=1&bot=%s&m=%s":     "https://xxxxx@h?x=1&bot=%s&m=%s",
		"not a url %s %s":                   "not a url %s %s",
	}
	for in, want := range tests {
		if got := config.RedactEndpoint(in); got != want {
			t.Errorf("RedactEndpoint(%q) = %q, want %q", in, got, want)
		}
	}
}
