package scheduler

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/huifang/huifang/models"
)

// fakeStore has one func field per Store method. newFakeStore fills them
// with an in-memory delivery table and an empty roster; tests replace what
// they need.
type fakeStore struct {
	DueItemsFn         func(ctx context.Context, r models.CalendarRules, today time.Time) ([]models.DueItem, error)
	DigestFn           func(ctx context.Context, v models.Viewer, r models.CalendarRules, today, since time.Time) (models.DigestData, error)
	RecipientsFn       func(ctx context.Context) ([]models.User, error)
	RecordDeliveriesFn func(ctx context.Context, ds []models.Delivery) (int, error)
	ClaimDeliveriesFn  func(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error)
	StartDeliveryFn    func(ctx context.Context, d models.Delivery, now time.Time, lease time.Duration) (models.Delivery, error)
	ReleaseDeliveryFn  func(ctx context.Context, d models.Delivery, now time.Time) error
	FinishDeliveryFn   func(ctx context.Context, id uint64, status, errCode string, next time.Time) error
	ExpireDeliveriesFn func(ctx context.Context, now time.Time) (int, int, error)
	DeliveryProblemsFn func(ctx context.Context, since time.Time) ([]models.Delivery, error)
	IsWorkdayFn        func(ctx context.Context, day time.Time) (bool, bool, error)

	mu    sync.Mutex
	rows  []models.Delivery // the in-memory delivery table
	calls map[string]int
}

var _ Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	f := &fakeStore{calls: map[string]int{}}
	f.DueItemsFn = func(context.Context, models.CalendarRules, time.Time) ([]models.DueItem, error) { return nil, nil }
	f.DigestFn = func(_ context.Context, _ models.Viewer, _ models.CalendarRules, today, since time.Time) (models.DigestData, error) {
		return models.DigestData{Today: today, Since: since}, nil
	}
	f.RecipientsFn = func(context.Context) ([]models.User, error) { return nil, nil }
	f.RecordDeliveriesFn = f.record
	f.ClaimDeliveriesFn = f.claim
	f.StartDeliveryFn = f.start
	f.ReleaseDeliveryFn = f.release
	f.FinishDeliveryFn = f.finish
	f.ExpireDeliveriesFn = func(context.Context, time.Time) (int, int, error) { return 0, 0, nil }
	f.DeliveryProblemsFn = func(context.Context, time.Time) ([]models.Delivery, error) { return nil, nil }
	f.IsWorkdayFn = weekdaysKnown
	return f
}

// weekdaysKnown is a calendar with data for every year and no holidays.
func weekdaysKnown(_ context.Context, day time.Time) (bool, bool, error) {
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday, true, nil
}

func (f *fakeStore) count(name string) {
	f.mu.Lock()
	f.calls[name]++
	f.mu.Unlock()
}

func (f *fakeStore) called(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *fakeStore) DueItems(ctx context.Context, r models.CalendarRules, today time.Time) ([]models.DueItem, error) {
	f.count("DueItems")
	return f.DueItemsFn(ctx, r, today)
}

func (f *fakeStore) Digest(ctx context.Context, v models.Viewer, r models.CalendarRules, today, since time.Time) (models.DigestData, error) {
	f.count("Digest")
	return f.DigestFn(ctx, v, r, today, since)
}

func (f *fakeStore) Recipients(ctx context.Context) ([]models.User, error) {
	f.count("Recipients")
	return f.RecipientsFn(ctx)
}

func (f *fakeStore) RecordDeliveries(ctx context.Context, ds []models.Delivery) (int, error) {
	f.count("RecordDeliveries")
	return f.RecordDeliveriesFn(ctx, ds)
}

func (f *fakeStore) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error) {
	f.count("ClaimDeliveries")
	return f.ClaimDeliveriesFn(ctx, now, lease, limit)
}

func (f *fakeStore) StartDelivery(ctx context.Context, d models.Delivery, now time.Time, lease time.Duration) (models.Delivery, error) {
	f.count("StartDelivery")
	return f.StartDeliveryFn(ctx, d, now, lease)
}

func (f *fakeStore) ReleaseDelivery(ctx context.Context, d models.Delivery, now time.Time) error {
	f.count("ReleaseDelivery")
	return f.ReleaseDeliveryFn(ctx, d, now)
}

func (f *fakeStore) ExpireDeliveries(ctx context.Context, now time.Time) (int, int, error) {
	f.count("ExpireDeliveries")
	return f.ExpireDeliveriesFn(ctx, now)
}

func (f *fakeStore) FinishDelivery(ctx context.Context, id uint64, status, errCode string, next time.Time) error {
	f.count("FinishDelivery")
	return f.FinishDeliveryFn(ctx, id, status, errCode, next)
}

func (f *fakeStore) DeliveryProblems(ctx context.Context, since time.Time) ([]models.Delivery, error) {
	f.count("DeliveryProblems")
	return f.DeliveryProblemsFn(ctx, since)
}

func (f *fakeStore) IsWorkday(ctx context.Context, day time.Time) (bool, bool, error) {
	return f.IsWorkdayFn(ctx, day)
}

// record inserts the deliveries with a new key.
func (f *fakeStore) record(_ context.Context, ds []models.Delivery) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, d := range ds {
		if slices.ContainsFunc(f.rows, func(r models.Delivery) bool { return r.Key == d.Key }) {
			continue
		}
		d.ID = uint64(len(f.rows) + 1)
		f.rows = append(f.rows, d)
		n++
	}
	return n, nil
}

// claim takes pending rows due at now.
func (f *fakeStore) claim(_ context.Context, now time.Time, lease time.Duration, limit int) ([]models.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []models.Delivery
	for i := range f.rows {
		r := &f.rows[i]
		if len(out) == limit || r.Status != models.StatusPending || r.NextAttempt.After(now) {
			continue
		}
		until := now.Add(lease)
		r.Status, r.LeaseUntil = models.StatusClaimed, &until
		out = append(out, *r)
	}
	return out, nil
}

// start marks a claimed row sending, counting the attempt.
func (f *fakeStore) start(_ context.Context, d models.Delivery, now time.Time, lease time.Duration) (models.Delivery, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := &f.rows[d.ID-1]
	if r.Status != models.StatusClaimed {
		return d, models.ErrStale
	}
	until := now.Add(lease)
	r.Status, r.LeaseUntil = models.StatusSending, &until
	r.Attempts++
	return *r, nil
}

// release hands a claimed row back.
func (f *fakeStore) release(_ context.Context, d models.Delivery, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := &f.rows[d.ID-1]
	if r.Status != models.StatusClaimed {
		return models.ErrStale
	}
	r.Status, r.NextAttempt, r.LeaseUntil = models.StatusPending, now, nil
	return nil
}

func (f *fakeStore) finish(_ context.Context, id uint64, status, errCode string, next time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := &f.rows[id-1]
	r.Status, r.LastError, r.NextAttempt, r.LeaseUntil = status, errCode, next, nil
	return nil
}

// row returns the delivery with the given key.
func (f *fakeStore) row(key string) (models.Delivery, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rows {
		if r.Key == key {
			return r, true
		}
	}
	return models.Delivery{}, false
}

// keys lists the recorded keys in order.
func (f *fakeStore) keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ks []string
	for _, r := range f.rows {
		ks = append(ks, r.Key)
	}
	return ks
}

// fakeNotifier records deliveries and answers with Fn (nil: success).
type fakeNotifier struct {
	mu   sync.Mutex
	Fn   func(d models.Delivery) error
	got  []models.Delivery
	keys map[string]int
}

var _ Notifier = (*fakeNotifier)(nil)

func (n *fakeNotifier) Deliver(_ context.Context, d models.Delivery) error {
	n.mu.Lock()
	n.got = append(n.got, d)
	if n.keys == nil {
		n.keys = map[string]int{}
	}
	n.keys[d.Key]++
	fn := n.Fn
	n.mu.Unlock()
	if fn != nil {
		return fn(d)
	}
	return nil
}

func (n *fakeNotifier) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.got)
}

// fakeLocker grants locks unless the name is in held; it records the
// locks taken and released.
type fakeLocker struct {
	mu       sync.Mutex
	held     map[string]bool
	taken    []string
	released []string
}

var _ models.Locker = (*fakeLocker)(nil)

func (l *fakeLocker) TryLock(_ context.Context, name string, _ time.Duration) (models.Lock, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[name] {
		return nil, models.ErrLocked
	}
	if l.held == nil {
		l.held = map[string]bool{}
	}
	l.held[name] = true
	l.taken = append(l.taken, name)
	return &fakeLock{l: l, name: name}, nil
}

type fakeLock struct {
	l    *fakeLocker
	name string
}

func (k *fakeLock) Refresh(context.Context, time.Duration) error { return nil }

func (k *fakeLock) Unlock(context.Context) error {
	k.l.mu.Lock()
	defer k.l.mu.Unlock()
	delete(k.l.held, k.name)
	k.l.released = append(k.l.released, k.name)
	return nil
}
