//go:build load

package loadtest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/bot/telegramtest"
)

// inspectors is the size of the office of issue 10's report: 61
// inspectors, each due one reminder.
const inspectors = 61

// TestKill9_Sender kills the bot with SIGKILL while it sends a morning's
// reminders and starts it again. Every inspector must get a reminder,
// none twice; only a reminder whose send was under way at the kill may be
// uncertain (it may or may not have arrived). Before the fix, every
// reminder claimed by the dead sender was uncertain and never sent (39 of
// 61 inspectors got nothing). After the kill it waits for the send lock
// and the leases of the dead process to run out: about three minutes.
//
//	go test -tags load -run TestKill9_Sender -v -timeout 10m ./loadtest/
func TestKill9_Sender(t *testing.T) {
	// Five bulk messages a second, so that the kill lands mid-morning; the
	// planning pass would run only at 23:59 (the test records its own).
	rig := prepareRig(t, inspectors, 500001, 13, "HUIFANG_BULK_RATE=5", "HUIFANG_REMINDER_TIME=23:59")
	recordReminders(t, rig.dsn, rig.users)
	proc := start(t, rig.bin, rig.env)
	const before = 20
	waitReminders(t, rig.fake, rig.users, before, time.Minute)
	_ = proc.cmd.Process.Kill()
	_ = proc.cmd.Wait()
	atKill := remindersTo(rig.fake, rig.users)
	killed := time.Now()
	start(t, rig.bin, rig.env)
	statuses := waitSettled(t, rig.dsn, 6*time.Minute)
	t.Logf("killed after %d of %d reminders; all settled %s after the restart", total(atKill), inspectors, time.Since(killed).Round(time.Second))

	got := remindersTo(rig.fake, rig.users)
	uncertain := 0
	for _, u := range rig.users {
		st, n := statuses[u], got[u]
		switch {
		case st == "uncertain":
			uncertain++
			if n > 1 {
				t.Errorf("inspector %d: uncertain, yet got %d reminders", u, n)
			}
		case st != "sent" || n != 1:
			t.Errorf("inspector %d: delivery %s, got %d reminders; want sent once", u, st, n)
		}
	}
	if uncertain > 1 {
		t.Errorf("%d reminders uncertain; at most the one being sent at the kill may be", uncertain)
	}
	t.Logf("sent %d, uncertain %d", total(got), uncertain)
}

// recordReminders records one reminder due now for each user, as a
// planning pass would (with nothing listed, so that any user renders it).
func recordReminders(t *testing.T, dsn string, users []int64) {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	for _, u := range users {
		_, err := db.Exec("INSERT INTO deliveries (`key`, recipient, kind, period, status, attempts, next_attempt, payload, last_error, created_at) "+
			"VALUES (?, ?, 'reminder', 'killtest', 'pending', 0, ?, '{\"items\":[],\"total\":0}', '', ?)",
			fmt.Sprintf("reminder:%d:killtest", u), u, now, now)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// reminderText is the reminder of an empty list, in Chinese.
const reminderText = "目前没有需要安排的回访"

// remindersTo counts the reminders each user got.
func remindersTo(fake *telegramtest.Server, users []int64) map[int64]int {
	mine := map[int64]bool{}
	for _, u := range users {
		mine[u] = true
	}
	out := map[int64]int{}
	for _, m := range fake.Sent() {
		if m.Method == "sendMessage" && mine[m.ChatID] && strings.Contains(m.Text, reminderText) {
			out[m.ChatID]++
		}
	}
	return out
}

func total(m map[int64]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// waitReminders waits until n reminders were sent.
func waitReminders(t *testing.T, fake *telegramtest.Server, users []int64, n int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for total(remindersTo(fake, users)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d reminders sent within %s", total(remindersTo(fake, users)), timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitSettled waits until no test reminder is pending, claimed or being
// sent, and returns each one's status by recipient.
func waitSettled(t *testing.T, dsn string, timeout time.Duration) map[int64]string {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(timeout)
	for {
		rows, err := db.Query("SELECT recipient, status FROM deliveries WHERE period = 'killtest'")
		if err != nil {
			t.Fatal(err)
		}
		out, open := map[int64]string{}, 0
		for rows.Next() {
			var u int64
			var st string
			if err := rows.Scan(&u, &st); err != nil {
				t.Fatal(err)
			}
			out[u] = st
			if st == "pending" || st == "claimed" || st == "sending" {
				open++
			}
		}
		_ = rows.Close()
		if open == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d reminders still open after %s: %v", open, timeout, out)
		}
		time.Sleep(time.Second)
	}
}
