package scheduler

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// The exactly-once guarantees against the real MariaDB and Redis, with
// the demo roster and extra inspectors so that a pass has work to split.

const extraInspectors = 30

// dbFixture is a demo database and a workday at 09:00 near today.
type dbFixture struct {
	store *sqlstore.Store
	at    time.Time
}

func newDBFixture(t *testing.T) *dbFixture {
	t.Helper()
	store := modelstest.OpenMySQL(t)
	ctx := t.Context()
	if err := store.LoadDemo(ctx, 10001, 10002); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	unit, err := store.FindUnitByName(ctx, "东湖镇（演示）")
	if err != nil {
		t.Fatalf("find unit: %v", err)
	}
	actor := models.Viewer{TelegramID: 10001, Role: models.RoleAdmin}
	for i := range extraInspectors {
		u := &models.User{TelegramID: int64(30000 + i), Name: "回访员" + strconv.Itoa(i), Role: models.RoleInspector, UnitID: unit.ID}
		if err := store.CreateUser(ctx, actor, u); err != nil {
			t.Fatalf("create inspector: %v", err)
		}
	}
	return &dbFixture{store: store, at: workdayAt9(t, store, time.Now())}
}

// workdayAt9 is 09:00 Asia/Shanghai of the first workday from the day of
// from on, by the store's calendar.
func workdayAt9(tb testing.TB, store *sqlstore.Store, from time.Time) time.Time {
	tb.Helper()
	loc := mustShanghai(tb)
	d := from.In(loc)
	for range 20 {
		day := time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
		work, _, err := store.IsWorkday(context.Background(), models.DateOf(day))
		if err != nil {
			tb.Fatalf("IsWorkday: %v", err)
		}
		if work {
			return day
		}
		d = d.AddDate(0, 0, 1)
	}
	tb.Fatal("no workday in 20 days")
	return time.Time{}
}

// scheduler is one scheduler process over the fixture's database.
func (f *dbFixture) scheduler(t *testing.T, locker models.Locker, n Notifier, now time.Time) *Scheduler {
	return New(Config{ReminderHour: 9, Location: mustShanghai(t), Rules: models.DefaultCalendarRules(),
		Now: func() time.Time { return now }, Locker: locker,
		Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))}, f.store, n)
}

// together runs fn in n goroutines released at once.
func together(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestScheduler_DB_PlansAtOnce(t *testing.T) {
	redis := modelstest.OpenRedis(t)
	for name, lockers := range map[string]func() models.Locker{
		"SeparateLockers": models.NewMemoryLocker, // the locks fail: only the unique keys stand
		"RedisLocker":     func() models.Locker { return redis.Locker() },
	} {
		t.Run(name, func(t *testing.T) {
			f := newDBFixture(t)
			want, err := f.scheduler(t, lockers(), nil, f.at).DryRun(t.Context(), f.at)
			if err != nil || len(want) <= extraInspectors {
				t.Fatalf("DryRun = %d deliveries, %v; want a reminder per inspector at least", len(want), err)
			}
			recorded := make([]int, 4)
			together(len(recorded), func(i int) {
				n, err := f.scheduler(t, lockers(), nil, f.at).Plan(context.Background(), f.at)
				if err != nil {
					t.Errorf("Plan %d: %v", i, err)
				}
				recorded[i] = n
			})
			total := 0
			for _, n := range recorded {
				total += n
			}
			if total != len(want) {
				t.Errorf("recorded %v = %d in all, want %d", recorded, total, len(want))
			}
			n := &fakeNotifier{}
			if _, err := f.scheduler(t, lockers(), n, f.at).Send(t.Context(), f.at); err != nil {
				t.Fatal(err)
			}
			assertOnce(t, n, want)
		})
	}
}

// assertOnce checks that every wanted delivery was delivered exactly once.
func assertOnce(t *testing.T, n *fakeNotifier, want []models.Delivery) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.got) != len(want) {
		t.Errorf("%d deliveries, want %d", len(n.got), len(want))
	}
	for _, d := range want {
		if n.keys[d.Key] != 1 {
			t.Errorf("%s delivered %d times", d.Key, n.keys[d.Key])
		}
	}
}

func TestScheduler_DB_SendsAtOnce(t *testing.T) {
	f := newDBFixture(t)
	want, err := f.scheduler(t, models.NewMemoryLocker(), nil, f.at).DryRun(t.Context(), f.at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.scheduler(t, models.NewMemoryLocker(), nil, f.at).Plan(t.Context(), f.at); err != nil {
		t.Fatal(err)
	}
	// More than a few batches, so that the senders' claims interleave.
	var extra []models.Delivery
	for i := range 250 {
		extra = append(extra, models.Delivery{Key: "reminder:" + strconv.Itoa(40000+i) + ":x", Recipient: int64(40000 + i),
			Kind: models.DeliveryReminder, Period: "x", Payload: "{}", NextAttempt: f.at})
	}
	if _, err := f.store.RecordDeliveries(t.Context(), extra); err != nil {
		t.Fatal(err)
	}
	want = append(want, extra...)
	n := &fakeNotifier{}
	sent := make([]int, 3)
	together(len(sent), func(i int) {
		var err error
		sent[i], err = f.scheduler(t, models.NewMemoryLocker(), n, f.at).Send(context.Background(), f.at)
		if err != nil {
			t.Errorf("Send %d: %v", i, err)
		}
	})
	assertOnce(t, n, want)
	t.Logf("sent per sender: %v", sent)
}

// TestScheduler_DB_CrashAfterRecording: a process records the pass and
// dies before sending; the next one sends each delivery once.
func TestScheduler_DB_CrashAfterRecording(t *testing.T) {
	f := newDBFixture(t)
	first := f.scheduler(t, models.NewMemoryLocker(), nil, f.at)
	recorded, err := first.Plan(t.Context(), f.at)
	if err != nil || recorded == 0 {
		t.Fatalf("Plan = %d, %v", recorded, err)
	}
	n := &fakeNotifier{}
	later := f.at.Add(30 * time.Minute)
	second := f.scheduler(t, models.NewMemoryLocker(), n, later)
	if again, err := second.Plan(t.Context(), later); err != nil || again != 0 {
		t.Errorf("the restarted process planned %d again, %v", again, err)
	}
	if sent, err := second.Send(t.Context(), later); err != nil || sent != recorded {
		t.Errorf("Send = %d, %v; want %d", sent, err, recorded)
	}
	if sent, _ := second.Send(t.Context(), later.Add(time.Hour)); sent != 0 || n.count() != recorded {
		t.Errorf("sent again: %d, %d deliveries in all", sent, n.count())
	}
}

// TestScheduler_DB_CrashWhileSending: a sender claims five deliveries,
// begins two and dies. After the lease the three never begun are sent;
// the two begun are not resent but uncertain, and the admin digest
// reports them.
func TestScheduler_DB_CrashWhileSending(t *testing.T) {
	f := newDBFixture(t)
	s := f.scheduler(t, models.NewMemoryLocker(), nil, f.at)
	recorded, err := s.Plan(t.Context(), f.at)
	if err != nil || recorded == 0 {
		t.Fatalf("Plan = %d, %v", recorded, err)
	}
	claimed, err := f.store.ClaimDeliveries(t.Context(), f.at, DefaultLease, 5)
	if err != nil || len(claimed) != 5 {
		t.Fatalf("claim = %d, %v", len(claimed), err)
	}
	for _, d := range claimed[:2] {
		if _, err := f.store.StartDelivery(t.Context(), d, f.at, DefaultLease); err != nil {
			t.Fatal(err)
		} // and then the process dies
	}
	n := &fakeNotifier{}
	after := f.at.Add(DefaultLease + time.Second)
	sent, err := f.scheduler(t, models.NewMemoryLocker(), n, after).Send(t.Context(), after)
	if err != nil || sent != recorded-2 {
		t.Fatalf("Send = %d, %v; want all but the %d begun", sent, err, 2)
	}
	for i, d := range claimed {
		if want := map[bool]int{true: 1}[i >= 2]; n.keys[d.Key] != want {
			t.Errorf("%s sent %d times, want %d", d.Key, n.keys[d.Key], want)
		}
	}
	problems, err := f.store.DeliveryProblems(t.Context(), f.at.AddDate(0, 0, -7))
	if err != nil || len(problems) != 2 {
		t.Fatalf("DeliveryProblems = %d, %v; want 2", len(problems), err)
	}
	for _, p := range problems {
		if p.Status != models.StatusUncertain {
			t.Errorf("%s is %s, want uncertain", p.Key, p.Status)
		}
	}
}

// TestScheduler_DB_SenderDies: a sender delivers a few reminders and dies
// while sending the next one. After the lease, the next process sends
// every delivery the dead one never attempted; only the one whose call
// was under way is uncertain (it may have arrived), and admins see it.
func TestScheduler_DB_SenderDies(t *testing.T) {
	f := newDBFixture(t)
	recorded, err := f.scheduler(t, models.NewMemoryLocker(), nil, f.at).Plan(t.Context(), f.at)
	if err != nil || recorded < 20 {
		t.Fatalf("Plan = %d, %v; want 20 deliveries at least", recorded, err)
	}
	const before = 10 // delivered before the sender dies on the next one
	hung, release := make(chan models.Delivery, 1), make(chan struct{})
	first := &fakeNotifier{}
	first.Fn = func(d models.Delivery) error {
		if first.count() > before {
			select {
			case hung <- d:
				<-release // the process is dead: this call never returns in time
			default: // after the test: let the dead sender end
			}
		}
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = f.scheduler(t, models.NewMemoryLocker(), first, f.at).Send(context.Background(), f.at)
	}()
	t.Cleanup(func() { close(release); <-done })
	dead := <-hung

	after := f.at.Add(2*DefaultLease + time.Second)
	second := &fakeNotifier{}
	sent, err := f.scheduler(t, models.NewMemoryLocker(), second, after).Send(t.Context(), after)
	if err != nil || sent != recorded-before-1 {
		t.Errorf("the next sender sent %d, %v; want the %d never attempted", sent, err, recorded-before-1)
	}
	if second.keys[dead.Key] != 0 {
		t.Errorf("%s, whose send was under way, was sent again", dead.Key)
	}
	for k, n := range second.keys {
		if n != 1 || first.keys[k] != 0 {
			t.Errorf("%s sent %d times by the dead sender and %d by the next", k, first.keys[k], n)
		}
	}
	problems, err := f.store.DeliveryProblems(t.Context(), f.at.AddDate(0, 0, -7))
	var got []string
	for _, p := range problems {
		got = append(got, p.Key+" "+p.Status)
	}
	if err != nil || len(got) != 1 || got[0] != dead.Key+" "+models.StatusUncertain {
		t.Errorf("DeliveryProblems = %v, %v; want only %s, uncertain", got, err, dead.Key)
	}
}
