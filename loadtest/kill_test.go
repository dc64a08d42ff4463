//go:build load

package loadtest

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/internal/apptest"
)

// TestKill9 logs visits while the bot is killed with SIGKILL and restarted
// every one to three seconds, and then checks that every visit an
// inspector confirmed is in the database exactly once.
//
//	go test -tags load -run TestKill9 -v -timeout 10m ./loadtest/
func TestKill9(t *testing.T) {
	rig := newRig(t, 8, 400001, 14)
	bin, dsn, env, fake, px, proc, users := rig.bin, rig.dsn, rig.env, rig.fake, rig.px, rig.proc, rig.users

	stop := make(chan struct{})
	kills := make(chan int, 1)
	go func() { // the killer
		n := 0
		defer func() { kills <- n }()
		for {
			// Kill only a bot at work: a restarted bot first waits for
			// the polling lease the killed one held (up to its TTL), and
			// a kill then would test nothing.
			polls := px.polls.Load()
			for px.polls.Load() == polls {
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(100*time.Millisecond + rand.N(500*time.Millisecond)):
			}
			_ = proc.cmd.Process.Kill()
			_ = proc.cmd.Wait()
			proc = start(t, bin, env)
			n++
		}
	}()
	var wg sync.WaitGroup
	const visitsEach = 10
	confirmed := make([]int, len(users))
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range visitsEach {
				if !logVisit(t, fake, px, u) {
					return
				}
				confirmed[i]++
			}
		}()
	}
	wg.Wait()
	close(stop)
	n := <-kills
	t.Logf("bot killed with SIGKILL %d times while %d inspectors logged %d visits each", n, len(users), visitsEach)
	if n == 0 {
		t.Error("the bot was never killed: the visits were logged before the first kill, so this run proved nothing")
	}
	checkVisits(t, dsn, users, confirmed)
}

// logVisit walks one inspector through the visit form; true when the bot
// said the visit was saved.
func logVisit(t *testing.T, fake *telegramtest.Server, px *proxy, u int64) bool {
	steps := []string{"/visit 李四"}
	for _, a := range apptest.VisitScript(apptest.ShortVisit) {
		if a.Press {
			steps = append(steps, strings.TrimPrefix(a.Text, apptest.Press))
		} else {
			steps = append(steps, "/"+a.Text) // a typed answer
		}
	}
	c := px.chat(u)
	for _, st := range append(steps, "确认保存") {
		// Sequence numbers in the buttons only grow: the answer to an
		// action is the first keyboard newer than the one acted on, however
		// many prompts are sent again after restarts.
		seq := px.seq(u)
		switch {
		case strings.HasPrefix(st, "/visit"):
			fake.SendText(u, u, st)
		case strings.HasPrefix(st, "/"): // a typed answer
			fake.SendText(u, u, st[1:])
		default:
			msgID, data, err := px.find(u, st, 30*time.Second)
			if err != nil {
				t.Errorf("chat %d at step %q: %v", u, st, err)
				return false
			}
			fake.Press(u, u, msgID, data)
		}
		if st == "确认保存" {
			break
		}
		if err := px.waitNewer(u, seq, 30*time.Second); err != nil {
			t.Errorf("chat %d after step %q: %v", u, st, err)
			return false
		}
	}
	select {
	case <-c.saved:
		return true
	case <-time.After(30 * time.Second):
		t.Errorf("chat %d: no 'saved' message within 30 s", u)
		return false
	}
}

// seq is the sequence number in chat u's newest keyboard (0 if none).
func (p *proxy) seq(u int64) int {
	c := p.chat(u)
	p.mu.Lock()
	markup := c.markup
	p.mu.Unlock()
	_, rest, ok := strings.Cut(markup, `"callback_data":"v1:`)
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ':')])
	return n
}

// waitNewer waits until chat u shows a keyboard with a sequence number
// above seq.
func (p *proxy) waitNewer(u int64, seq int, timeout time.Duration) error {
	c := p.chat(u)
	deadline := time.After(timeout)
	for p.seq(u) <= seq {
		select {
		case <-c.arrived:
		case <-deadline:
			return fmt.Errorf("no keyboard newer than %d", seq)
		}
	}
	return nil
}

func checkVisits(t *testing.T, dsn string, users []int64, confirmed []int) {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, u := range users {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM visits WHERE author_id = ?", u).Scan(&n); err != nil {
			t.Fatal(err)
		}
		// A visit whose Confirm was pressed but whose answer never came
		// may be saved: at most one more than confirmed, never fewer.
		if n < confirmed[i] || n > confirmed[i]+1 {
			t.Errorf("inspector %d saw %d visits saved; the database has %d", u, confirmed[i], n)
		}
	}
}
