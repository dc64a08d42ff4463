package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
	"github.com/huifang/huifang/scheduler"
)

func TestSplitRemindArgs(t *testing.T) {
	own, rest := splitRemindArgs([]string{"--at", "2027-03-01T09:00", "-sqlite-path=a.db", "--dry-run", "-admins", "1", "-at=2027-03-02"})
	if diff := cmp.Diff([]string{"--at", "2027-03-01T09:00", "--dry-run", "-at=2027-03-02"}, own); diff != "" {
		t.Errorf("own (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"-sqlite-path=a.db", "-admins", "1"}, rest); diff != "" {
		t.Errorf("rest (-want +got):\n%s", diff)
	}
}

func TestParseRemindArgs(t *testing.T) {
	tests := []struct {
		args []string
		want remindArgs
		err  string
	}{
		{nil, remindArgs{}, ""},
		{[]string{"--at", "2027-03-01T09:00", "--dry-run"}, remindArgs{at: "2027-03-01T09:00", dryRun: true}, ""},
		{[]string{"-at=2027-03-01 09:00"}, remindArgs{at: "2027-03-01 09:00"}, ""},
		{[]string{"--at"}, remindArgs{}, "--at needs a time"},
		{[]string{"--now"}, remindArgs{}, `unknown flag "--now"`},
		{[]string{"tomorrow"}, remindArgs{}, `unexpected argument "tomorrow"`},
	}
	for _, tt := range tests {
		got, err := parseRemindArgs(tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseRemindArgs(%q) = %v, want an error with %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseRemindArgs(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

func TestParseRemindAt(t *testing.T) {
	cfg := mustConfig(t)
	want := time.Date(2027, 3, 1, 9, 0, 0, 0, cfg.Timezone)
	for _, in := range []string{"2027-03-01T09:00", "2027-03-01 09:00", "2027-03-01T09:00:00", "2027-03-01", "2027-03-01T01:00:00Z", "2027-03-01T10:00:00+09:00"} {
		got, err := parseRemindAt(in, cfg)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseRemindAt(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "09:00", "2027-02-30T09:00", "next monday"} {
		if _, err := parseRemindAt(in, cfg); err == nil {
			t.Errorf("parseRemindAt(%q) succeeded", in)
		}
	}
}

// mustConfig is the default configuration with args applied.
func mustConfig(tb testing.TB, args ...string) config.Config {
	tb.Helper()
	cfg, err := config.Load(args, env(nil), nil)
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	return cfg
}

// workdayAt9 is 09:00 in cfg's zone of the first workday from today on,
// by the store's calendar (the demo roster's dates are relative to today).
func workdayAt9(tb testing.TB, store *sqlstore.Store, loc *time.Location) time.Time {
	tb.Helper()
	d := time.Now().In(loc)
	for range 20 {
		day := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
		if work, _, err := store.IsWorkday(context.Background(), models.DateOf(day)); err != nil {
			tb.Fatalf("IsWorkday: %v", err)
		} else if work {
			return day
		}
		d = d.AddDate(0, 0, 1)
	}
	tb.Fatal("no workday in 20 days")
	return time.Time{}
}

// demoSQLite loads the demo roster into a new SQLite file and returns its
// configuration and the reminder time of the next workday.
func demoSQLite(t *testing.T, args ...string) (config.Config, time.Time) {
	t.Helper()
	cfg := mustConfig(t, append([]string{"-sqlite-path=" + filepath.Join(t.TempDir(), "huifang.db")}, args...)...)
	log := modelstest.Logger()
	if err := loadDemo(t.Context(), cfg, log); err != nil {
		t.Fatal(err)
	}
	store, err := openStore(t.Context(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	return cfg, workdayAt9(t, store, cfg.Timezone)
}

// pendingRows claims whatever deliveries the database holds.
func pendingRows(t *testing.T, cfg config.Config) []models.Delivery {
	t.Helper()
	store, err := openStore(t.Context(), cfg, modelstest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ds, err := store.ClaimDeliveries(t.Context(), time.Now().AddDate(1, 0, 0), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestRunRemind_DryRun(t *testing.T) {
	cfg, at := demoSQLite(t)
	var out bytes.Buffer
	err := runRemind(t.Context(), cfg, modelstest.Logger(), []string{"--at", at.Format("2006-01-02T15:04"), "--dry-run"}, &out)
	if err != nil {
		t.Fatalf("remind --dry-run: %v\n%s", err, out.String())
	}
	t.Logf("remind --dry-run:\n%s", out.String())
	// Each recipient with each item: member, reason, due date (the
	// operator of the server may read the roster anyway).
	for _, want := range []string{"dry run at " + at.Format("2006-01-02 15:04"), "reminder → 10002 (演示回访人员): ", " items",
		"李四", " · ", "应于"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if ds := pendingRows(t, cfg); len(ds) != 0 {
		t.Errorf("the dry run recorded %d deliveries", len(ds))
	}

	out.Reset()
	early := at.Add(-time.Minute).Format("2006-01-02T15:04")
	if err := runRemind(t.Context(), cfg, modelstest.Logger(), []string{"--at", early, "--dry-run"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 deliveries;") || !strings.Contains(out.String(), "before the reminder time 09:00") {
		t.Errorf("dry run at 08:59:\n%s", out.String())
	}
}

func TestRunRemind_NeedsToken(t *testing.T) {
	cfg := mustConfig(t, "-sqlite-path="+filepath.Join(t.TempDir(), "h.db"))
	err := runRemind(t.Context(), cfg, modelstest.Logger(), nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("remind without a token = %v", err)
	}
}

// TestRunRemind_Sends: a real run records the pass and sends through the
// (fake) Bot API; a second run sends nothing more.
func TestRunRemind_Sends(t *testing.T) {
	srv := telegramtest.NewServer(t, e2eToken)
	cfg, at := demoSQLite(t, "-telegram-token="+e2eToken, "-telegram-api-endpoint="+srv.Endpoint())
	args := []string{"--at", at.Format("2006-01-02T15:04")}
	var out bytes.Buffer
	if err := runRemind(t.Context(), cfg, modelstest.Logger(), args, &out); err != nil {
		t.Fatalf("remind: %v\n%s", err, out.String())
	}
	if n := inChat(srv.Sent(), demoInspectorID); n != 1 {
		t.Fatalf("%d messages to the demo inspector, want 1\n%s", n, out.String())
	}
	if err := runRemind(t.Context(), cfg, modelstest.Logger(), args, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "recorded 0 new deliveries, sent 0\n") || inChat(srv.Sent(), demoInspectorID) != 1 {
		t.Errorf("second run sent again:\n%s", out.String())
	}
}

// inChat counts the messages sent to chatID.
func inChat(sent []telegramtest.Sent, chatID int64) int {
	n := 0
	for _, s := range sent {
		if s.ChatID == chatID {
			n++
		}
	}
	return n
}

func TestNotifier_Deliver(t *testing.T) {
	render := func(_ context.Context, d models.Delivery) (int64, handlers.Message, error) {
		if d.ID == 0 {
			return 0, handlers.Message{}, errors.New("unreadable payload")
		}
		return d.Recipient, handlers.Message{Text: "hi"}, nil
	}
	var sendErr error
	n := notifier{render: render, send: func(context.Context, int64, handlers.Message) error { return sendErr }}
	d := models.Delivery{ID: 1, Recipient: 5}
	if err := n.Deliver(t.Context(), d); err != nil {
		t.Errorf("Deliver = %v", err)
	}
	sendErr = fmt.Errorf("send to chat 5: %w", bot.ErrBlocked)
	if err := n.Deliver(t.Context(), d); !errors.Is(err, scheduler.ErrBlocked) {
		t.Errorf("Deliver to a blocked chat = %v, want scheduler.ErrBlocked", err)
	}
	sendErr = fmt.Errorf("send: %w", bot.ErrRateLimited)
	if err := n.Deliver(t.Context(), d); err == nil || errors.Is(err, scheduler.ErrBlocked) {
		t.Errorf("Deliver rate limited = %v, want a retryable error", err)
	}
	if err := n.Deliver(t.Context(), models.Delivery{}); err == nil {
		t.Errorf("Deliver of an unreadable payload succeeded")
	}
}

func TestStartScheduler_Off(t *testing.T) {
	cfg := mustConfig(t)
	cfg.Scheduler = false
	wait, err := startScheduler(t.Context(), cfg, slog.New(slog.DiscardHandler), nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	wait()
	cfg.Scheduler = true
	if _, err := startScheduler(t.Context(), cfg, slog.New(slog.DiscardHandler), nil, nil, nil, nil); err == nil {
		t.Error("startScheduler without a store succeeded")
	}
}

func TestCalendarRules(t *testing.T) {
	cfg := mustConfig(t, "-annual-deadline=03-31", "-expiry-window-days=20", "-key-every-days=60")
	r := calendarRules(cfg)
	d := models.DefaultCalendarRules()
	want := d
	want.AnnualDeadlineMonth, want.AnnualDeadlineDay, want.BeforeDays, want.AfterDays, want.KeyEveryDays = time.March, 31, 20, 20, 60
	if r != want {
		t.Errorf("calendarRules = %+v, want %+v", r, want)
	}
	if def := calendarRules(mustConfig(t)); def != d {
		t.Errorf("default settings give %+v, models' defaults are %+v", def, d)
	}
}
