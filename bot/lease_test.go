package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
)

// testLocker is an in-process Locker whose leases expire on the wall
// clock; steal hands a lease to someone else, as when it expired while its
// holder could not refresh it.
type testLocker struct {
	mu     sync.Mutex
	leases map[string]*testLease
	tries  atomic.Int32
}

type testLease struct {
	l       *testLocker
	name    string
	expires time.Time
}

func newTestLocker() *testLocker { return &testLocker{leases: map[string]*testLease{}} }

func (l *testLocker) TryLock(_ context.Context, name string, ttl time.Duration) (Lease, error) {
	l.tries.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur := l.leases[name]; cur != nil && time.Now().Before(cur.expires) {
		return nil, fmt.Errorf("lease %s: %w", name, ErrLeaseHeld)
	}
	lease := &testLease{l: l, name: name, expires: time.Now().Add(ttl)}
	l.leases[name] = lease
	return lease, nil
}

// steal gives the lease to nobody in the test, for ttl.
func (l *testLocker) steal(name string, ttl time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.leases[name] = &testLease{l: l, name: name, expires: time.Now().Add(ttl)}
}

func (t *testLease) Refresh(_ context.Context, ttl time.Duration) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.leases[t.name] != t {
		return fmt.Errorf("lease %s: %w", t.name, ErrLeaseLost)
	}
	t.expires = time.Now().Add(ttl)
	return nil
}

func (t *testLease) Unlock(context.Context) error {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	if t.l.leases[t.name] != t {
		return fmt.Errorf("lease %s: %w", t.name, ErrLeaseLost)
	}
	delete(t.l.leases, t.name)
	return nil
}

// countingTransport counts one process's getUpdates calls.
type countingTransport struct {
	next  http.RoundTripper
	polls atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/getUpdates") {
		c.polls.Add(1)
	}
	return c.next.RoundTrip(r)
}

// poller is one of several processes polling one bot.
type poller struct {
	tg   *Telegram
	rec  *recorder
	tr   *countingTransport
	logs *syncBuffer
}

func newPoller(t *testing.T, srv *telegramtest.Server, locker Locker) *poller {
	p := &poller{rec: &recorder{}, tr: &countingTransport{next: srv.Client().Transport}}
	p.tg, p.logs = mustTelegram(t, srv, p.rec, func(c *Config) {
		c.Locker, c.LeaseTTL, c.Transport = locker, 300*time.Millisecond, p.tr
		c.PollTimeout = time.Second
	})
	return p
}

// TestTelegram_Run_OnePoller: of two processes with one token only the
// lease holder polls; the other says once that it waits, and takes over
// when the first stops.
func TestTelegram_Run_OnePoller(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	locker := newTestLocker()
	a, b := newPoller(t, srv, locker), newPoller(t, srv, locker)
	stopA := mustRun(t, a.tg)
	waitFor(t, 5*time.Second, "a polling", func() bool { return a.tr.polls.Load() > 0 })
	mustRun(t, b.tg)
	for i := range 3 {
		srv.SendText(5, 5, fmt.Sprint(i))
	}
	srv.WaitSent(t, 3, 5*time.Second)
	tries := locker.tries.Load()
	waitFor(t, 5*time.Second, "b trying the lease again", func() bool { return locker.tries.Load() >= tries+3 })
	if n := b.tr.polls.Load(); n != 0 {
		t.Errorf("the waiting process polled %d times", n)
	}
	if n := len(a.rec.Inputs()); n != 3 {
		t.Errorf("the holder handled %d updates, want 3", n)
	}
	if n := strings.Count(b.logs.String(), "another process polls this bot"); n != 1 {
		t.Errorf("waiting logged %d times, want once:\n%s", n, b.logs.String())
	}

	stopA()
	srv.SendText(6, 6, "after")
	sent := srv.WaitSent(t, 4, 5*time.Second)
	if got := texts(sent, 6); len(got) != 1 || len(b.rec.Inputs()) != 1 {
		t.Errorf("after the holder stopped: chat 6 got %q, the other handled %d", got, len(b.rec.Inputs()))
	}
}

// TestTelegram_Run_LeaseLost: a process whose lease was taken stops
// polling until it gets the lease back.
func TestTelegram_Run_LeaseLost(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	locker := newTestLocker()
	a := newPoller(t, srv, locker)
	mustRun(t, a.tg)
	waitFor(t, 5*time.Second, "a polling", func() bool { return a.tr.polls.Load() > 0 })
	locker.steal(a.tg.leaseName(), time.Second)
	waitFor(t, 5*time.Second, "the loss noticed", func() bool { return strings.Contains(a.logs.String(), "polling lease lost") })
	polls := a.tr.polls.Load()
	id := srv.SendText(5, 5, "while lost")
	time.Sleep(200 * time.Millisecond) // a few refresh periods
	if n := a.tr.polls.Load(); n != polls {
		t.Errorf("polled %d times without the lease", n-polls)
	}
	// The stolen lease expires after a second; a takes it back.
	sent := srv.WaitSent(t, 1, 5*time.Second)
	if got := texts(sent, 5); len(got) != 1 || a.rec.Inputs()[0].UpdateID != id {
		t.Errorf("after taking the lease back: %q", got)
	}
}
