package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
)

// Telegram ids of the fake roster.
const (
	admin      = 10001
	inspector  = 10002
	idle       = 10003 // an inspector who owes nothing
	supervisor = 20001
	revoked    = 10004 // responsible for an item but no longer a user
)

func mustShanghai(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// at parses "2006-01-02 15:04" in Asia/Shanghai.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, mustShanghai(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// date parses "2006-01-02" as UTC midnight, the form of models dates.
func date(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// fixture is a Scheduler over a fake store, notifier, locker and clock.
type fixture struct {
	store    *fakeStore
	notifier *fakeNotifier
	locker   *fakeLocker
	now      time.Time
	s        *Scheduler
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: newFakeStore(), notifier: &fakeNotifier{}, locker: &fakeLocker{}}
	f.store.RecipientsFn = func(context.Context) ([]models.User, error) {
		return []models.User{
			{TelegramID: admin, Name: "管理员", Role: models.RoleAdmin, UnitID: 1},
			{TelegramID: inspector, Name: "回访员", Role: models.RoleInspector, UnitID: 2},
			{TelegramID: idle, Name: "空闲", Role: models.RoleInspector, UnitID: 3},
			{TelegramID: supervisor, Name: "领导", Role: models.RoleSupervisor, UnitID: 2},
		}, nil
	}
	f.s = f.newScheduler(t)
	return f
}

// newScheduler is another scheduler process over the same fakes.
func (f *fixture) newScheduler(t *testing.T) *Scheduler {
	return New(Config{ReminderHour: 9, Location: mustShanghai(t), Now: func() time.Time { return f.now },
		Locker: f.locker, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}, f.store, f.notifier)
}

// items are the open items on 2026-03-02: two beyond the reminder's 14
// days, the rest due within them or overdue.
func items(tb testing.TB) []models.DueItem {
	in := []int64{inspector}
	return []models.DueItem{
		{MemberID: 1, Reason: models.DueAnnual, From: date(tb, "2026-01-01"), Due: date(tb, "2026-06-30"), Inspectors: in},
		{MemberID: 2, SanctionID: 5, Reason: models.DueBeforeExpiry, From: date(tb, "2026-02-20"), Due: date(tb, "2026-03-10"), Inspectors: in},
		{MemberID: 3, Reason: models.DueKey, From: date(tb, "2026-01-18"), Due: date(tb, "2026-02-01"), Inspectors: []int64{revoked, inspector}},
		{MemberID: 4, VisitID: 9, Reason: models.DueFollowUp, From: date(tb, "2026-02-18"), Due: date(tb, "2026-02-25"), Inspectors: []int64{inspector, inspector},
			Owed: &models.FollowUpOwed{Branch: true}},
		{MemberID: 5, Reason: models.DueInteractive, From: date(tb, "2026-03-02"), Due: date(tb, "2026-03-16"), Inspectors: in},
		{MemberID: 6, Reason: models.DueInteractive, From: date(tb, "2026-03-03"), Due: date(tb, "2026-03-17"), Inspectors: in},
	}
}

func (f *fixture) withItems(tb testing.TB) *fixture {
	f.store.DueItemsFn = func(context.Context, models.CalendarRules, time.Time) ([]models.DueItem, error) {
		return items(tb), nil
	}
	return f
}

func TestScheduler_Plan(t *testing.T) {
	f := newFixture(t).withItems(t)
	var digests []models.Viewer
	f.store.DigestFn = func(_ context.Context, v models.Viewer, _ models.CalendarRules, today, since time.Time) (models.DigestData, error) {
		digests = append(digests, v)
		if !today.Equal(date(t, "2026-03-02")) || !since.Equal(date(t, "2026-02-23")) {
			t.Errorf("Digest(today %s, since %s), want 2026-03-02 and the Monday before", today, since)
		}
		return models.DigestData{Today: today, Since: since}, nil
	}
	f.now = at(t, "2026-03-02 09:00")
	n, err := f.s.Plan(t.Context(), f.now)
	if err != nil || n != 3 {
		t.Fatalf("Plan = %d, %v; want 3 recorded", n, err)
	}
	want := []string{"reminder:10002:2026-03-02", "digest:10001:2026-W10", "digest:20001:2026-W10"}
	if diff := cmp.Diff(want, f.store.keys()); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	rem, _ := f.store.row(want[0])
	if rem.Kind != models.DeliveryReminder || rem.Recipient != inspector || rem.Period != "2026-03-02" ||
		rem.Status != models.StatusPending || !rem.NextAttempt.Equal(f.now) {
		t.Errorf("reminder row = %+v", rem)
	}
	wantViewers := []models.Viewer{{TelegramID: admin, Role: models.RoleAdmin, UnitID: 1}, {TelegramID: supervisor, Role: models.RoleSupervisor, UnitID: 2}}
	if diff := cmp.Diff(wantViewers, digests); diff != "" {
		t.Errorf("digest viewers (-want +got):\n%s", diff)
	}
	// A second pass, here or in another process, records nothing new.
	if n, err := f.newScheduler(t).Plan(t.Context(), f.now.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("second Plan = %d, %v; want 0", n, err)
	}
	if diff := cmp.Diff([]string{"plan", "plan"}, f.locker.released); diff != "" {
		t.Errorf("locks released (-want +got):\n%s", diff)
	}
}

func TestScheduler_Plan_Payloads(t *testing.T) {
	f := newFixture(t).withItems(t)
	f.store.DigestFn = func(_ context.Context, _ models.Viewer, _ models.CalendarRules, today, since time.Time) (models.DigestData, error) {
		return models.DigestData{Overdue: items(t)[2:4], VisitsByInspector: map[int64]int{inspector: 2}, Today: today, Since: since}, nil
	}
	f.now = at(t, "2026-03-02 09:00")
	if _, err := f.s.Plan(t.Context(), f.now); err != nil {
		t.Fatal(err)
	}
	rem, _ := f.store.row("reminder:10002:2026-03-02")
	var p models.ReminderPayload
	if err := json.Unmarshal([]byte(rem.Payload), &p); err != nil {
		t.Fatal(err)
	}
	all := items(t)
	wantItems := []models.ReminderItem{ // overdue first, longest overdue first; the horizon day included
		{Key: all[2].Key(), Member: 3, Reason: "key", From: "2026-01-18", Due: "2026-02-01"},
		{Key: all[3].Key(), Member: 4, Visit: 9, Reason: "follow_up", From: "2026-02-18", Due: "2026-02-25", Owed: &models.FollowUpOwed{Branch: true}},
		{Key: all[1].Key(), Member: 2, Sanction: 5, Reason: "before_expiry", From: "2026-02-20", Due: "2026-03-10"},
		{Key: all[4].Key(), Member: 5, Reason: "interactive", From: "2026-03-02", Due: "2026-03-16"},
	}
	if diff := cmp.Diff(models.ReminderPayload{Items: wantItems, Total: 4}, p); diff != "" {
		t.Errorf("reminder payload (-want +got):\n%s", diff)
	}
	if strings.Contains(rem.Payload, "回访员") {
		t.Errorf("payload carries a name: %s", rem.Payload)
	}
	dg, _ := f.store.row("digest:20001:2026-W10")
	var d models.DigestPayload
	if err := json.Unmarshal([]byte(dg.Payload), &d); err != nil || len(d.Overdue) != 2 || d.Counts.Overdue != 2 || d.Counts.Visits != 2 {
		t.Errorf("digest payload %s: %+v, %v", dg.Payload, d, err)
	}
	if got := Summary(rem); got != "4 items" {
		t.Errorf("Summary(reminder) = %q", got)
	}
	if got := Summary(dg); got != "2 overdue, 0 due soon, 0 escalated, 2 visits since 2026-02-23" {
		t.Errorf("Summary(digest) = %q", got)
	}
}

func TestScheduler_Plan_BeforeReminderTime(t *testing.T) {
	f := newFixture(t).withItems(t)
	f.now = at(t, "2026-03-02 08:59")
	if n, err := f.s.Plan(t.Context(), f.now); err != nil || n != 0 {
		t.Fatalf("Plan at 08:59 = %d, %v", n, err)
	}
	if f.store.called("Recipients") != 0 || f.store.called("DueItems") != 0 {
		t.Errorf("Plan at 08:59 read the roster")
	}
	// 09:00 Shanghai is 01:00 UTC: the zone decides, not the clock's.
	if n, err := f.s.Plan(t.Context(), at(t, "2026-03-02 09:00").UTC()); err != nil || n == 0 {
		t.Fatalf("Plan at 09:00 = %d, %v", n, err)
	}
}

// calendar2026 is an official-looking calendar: National Day off from
// 1 to 7 October (Thursday to Wednesday), a make-up Saturday on the 10th,
// and no data from 2028 on.
func calendar2026(_ context.Context, day time.Time) (bool, bool, error) {
	if day.Year() >= 2028 {
		return false, false, nil // the store's answer for an unknown year is not trusted
	}
	switch {
	case day.Month() == time.October && day.Day() <= 7:
		return false, true, nil
	case day.Month() == time.October && day.Day() == 10:
		return true, true, nil
	}
	return weekdaysKnown(context.Background(), day)
}

func TestScheduler_Plan_Workdays(t *testing.T) {
	tests := []struct {
		name string
		at   string
		want []string
	}{
		{"Weekend", "2026-03-07 09:00", nil},
		{"Holiday", "2026-10-01 09:00", nil},
		{"HolidayMonday", "2026-10-05 10:00", nil},
		// The week's first workday has the weekly digests.
		{"AfterHolidays", "2026-10-08 09:00", []string{"reminder:10002:2026-10-08", "digest:10001:2026-W41", "digest:20001:2026-W41"}},
		{"WeekContinues", "2026-10-09 09:00", []string{"reminder:10002:2026-10-09"}},
		{"MakeUpSaturday", "2026-10-10 09:00", []string{"reminder:10002:2026-10-10"}},
		{"Tuesday", "2026-03-03 09:00", []string{"reminder:10002:2026-03-03"}},
		// Without data the week is Monday to Friday, and admins are told.
		{"UnknownYearMonday", "2028-03-06 09:00", []string{"reminder:10002:2028-03-06", "digest:10001:2028-W10", "digest:20001:2028-W10", "admin_digest:10001:2028-W10"}},
		{"UnknownYearSaturday", "2028-03-11 09:00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.store.IsWorkdayFn = calendar2026
			f.store.DueItemsFn = func(_ context.Context, _ models.CalendarRules, today time.Time) ([]models.DueItem, error) {
				return []models.DueItem{{MemberID: 1, Reason: models.DueKey, From: today, Due: today, Inspectors: []int64{inspector}}}, nil
			}
			f.now = at(t, tt.at)
			if _, err := f.s.Plan(t.Context(), f.now); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, f.store.keys()); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScheduler_Plan_AdminDigest(t *testing.T) {
	f := newFixture(t)
	f.store.IsWorkdayFn = calendar2026
	problem := models.Delivery{ID: 7, Key: "reminder:10002:2027-02-26", Recipient: inspector, Kind: models.DeliveryReminder,
		Status: models.StatusBlocked, LastError: "blocked", Payload: `{"items":[]}`}
	var since time.Time
	f.store.DeliveryProblemsFn = func(_ context.Context, s time.Time) ([]models.Delivery, error) {
		since = s
		return []models.Delivery{problem}, nil
	}
	f.s.cfg.Admins = []int64{admin, 777} // 777: configured, not registered
	f.now = at(t, "2027-03-01 09:30")
	if _, err := f.s.Plan(t.Context(), f.now); err != nil {
		t.Fatal(err)
	}
	if !since.Equal(f.now.AddDate(0, 0, -7)) {
		t.Errorf("DeliveryProblems since %s, want a week before", since)
	}
	want := []string{"digest:10001:2027-W09", "digest:777:2027-W09", "digest:20001:2027-W09", "admin_digest:10001:2027-W09", "admin_digest:777:2027-W09"}
	if diff := cmp.Diff(want, f.store.keys(), cmp.Transformer("sort", func(s []string) []string { return slices.Sorted(slices.Values(s)) })); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	d, _ := f.store.row("admin_digest:777:2027-W09")
	var p models.AdminDigestPayload
	if err := json.Unmarshal([]byte(d.Payload), &p); err != nil {
		t.Fatal(err)
	}
	problem.Payload = ""
	if diff := cmp.Diff(models.AdminDigestPayload{Problems: []models.Delivery{problem}, ProblemCount: 1, HolidaysUnknown: []int{2028}}, p); diff != "" {
		t.Errorf("admin payload (-want +got):\n%s", diff)
	}
	if got := Summary(d); got != "1 delivery problem, no holiday calendar for 2028" {
		t.Errorf("Summary = %q", got)
	}
}

func TestScheduler_Plan_PartialFailure(t *testing.T) {
	f := newFixture(t).withItems(t)
	f.store.DigestFn = func(_ context.Context, v models.Viewer, _ models.CalendarRules, _, _ time.Time) (models.DigestData, error) {
		if v.TelegramID == supervisor {
			return models.DigestData{}, errors.New("boom")
		}
		return models.DigestData{}, nil
	}
	f.now = at(t, "2026-03-02 09:00")
	n, err := f.s.Plan(t.Context(), f.now)
	if err == nil || !strings.Contains(err.Error(), "digest of user 20001") {
		t.Fatalf("Plan error = %v, want the supervisor's digest named", err)
	}
	if n != 2 {
		t.Errorf("recorded %d, want the reminder and the admin's digest", n)
	}
}

func TestScheduler_DryRun(t *testing.T) {
	f := newFixture(t).withItems(t)
	f.now = at(t, "2026-03-04 12:00")
	ds, err := f.s.DryRun(t.Context(), at(t, "2026-03-02 09:00"))
	if err != nil || len(ds) != 3 {
		t.Fatalf("DryRun = %d deliveries, %v", len(ds), err)
	}
	if f.store.called("RecordDeliveries") != 0 || len(f.locker.taken) != 0 {
		t.Errorf("DryRun wrote or locked")
	}
	// A pass run ahead of time records deliveries that may go out now.
	f.now = at(t, "2026-02-27 12:00")
	ds, _ = f.s.DryRun(t.Context(), at(t, "2026-03-02 09:00"))
	if !ds[0].NextAttempt.Equal(f.now) {
		t.Errorf("NextAttempt = %s, want now", ds[0].NextAttempt)
	}
}

func TestScheduler_LockedElsewhere(t *testing.T) {
	f := newFixture(t).withItems(t)
	f.locker.held = map[string]bool{lockPlan: true, lockSend: true}
	f.now = at(t, "2026-03-02 09:00")
	if n, err := f.s.Plan(t.Context(), f.now); err != nil || n != 0 {
		t.Errorf("Plan = %d, %v", n, err)
	}
	if n, err := f.s.Send(t.Context(), f.now); err != nil || n != 0 {
		t.Errorf("Send = %d, %v", n, err)
	}
	if f.store.called("Recipients")+f.store.called("ClaimDeliveries") != 0 {
		t.Errorf("worked without the lock: %v", f.store.calls)
	}
}

func TestScheduler_Plan_DigestFrequency(t *testing.T) {
	tests := []struct {
		at    string
		want  []string
		since []string // of each digest, in order
	}{
		{"2026-03-02 09:00", []string{"digest:20001:2026-W10", "digest:20002:2026-03-02"}, []string{"2026-02-23", "2026-02-27"}},
		{"2026-03-03 09:00", []string{"digest:20002:2026-03-03"}, []string{"2026-03-02"}},
		{"2026-03-07 09:00", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			f := newFixture(t)
			f.store.RecipientsFn = func(context.Context) ([]models.User, error) {
				return []models.User{
					{TelegramID: supervisor, Role: models.RoleSupervisor, Digest: models.DigestWeekly},
					{TelegramID: 20002, Role: models.RoleSupervisor, Digest: models.DigestDaily},
					{TelegramID: 20003, Role: models.RoleSupervisor, Digest: models.DigestOff},
					{TelegramID: inspector, Role: models.RoleInspector, Digest: models.DigestDaily},
				}, nil
			}
			var since []string
			f.store.DigestFn = func(_ context.Context, _ models.Viewer, _ models.CalendarRules, _, s time.Time) (models.DigestData, error) {
				since = append(since, s.Format(dateLayout))
				return models.DigestData{}, nil
			}
			f.now = at(t, tt.at)
			if _, err := f.s.Plan(t.Context(), f.now); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, f.store.keys()); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.since, since); diff != "" {
				t.Errorf("since (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPayloads_Cut(t *testing.T) {
	many := make([]models.DueItem, 250)
	for i := range many {
		many[i] = models.DueItem{MemberID: uint64(i + 1), Reason: models.DueKey, From: date(t, "2026-01-01"), Due: date(t, "2026-02-01")}
	}
	raw, err := reminderPayload(many)
	if err != nil {
		t.Fatal(err)
	}
	var r models.ReminderPayload
	if err := json.Unmarshal([]byte(raw), &r); err != nil || len(r.Items) != MaxReminderItems || r.Total != 250 {
		t.Errorf("reminder payload: %d items of %d, %v", len(r.Items), r.Total, err)
	}
	raw, err = digestPayload(models.DigestData{Overdue: many, Escalations: many[:3]})
	if err != nil {
		t.Fatal(err)
	}
	var d models.DigestData // what handlers/ decodes
	var p models.DigestPayload
	if json.Unmarshal([]byte(raw), &d) != nil || json.Unmarshal([]byte(raw), &p) != nil ||
		len(d.Overdue) != MaxDigestItems || len(d.Escalations) != 3 || p.Counts.Overdue != 250 {
		t.Errorf("digest payload: %d overdue listed of %d", len(d.Overdue), p.Counts.Overdue)
	}
}
