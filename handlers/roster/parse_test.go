package roster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// TestParseRefusal: each refusal of the importer has its own message,
// wrapped as the importer wraps it, and the broad ones (file type, too
// large) are said only for what they are.
func TestParseRefusal(t *testing.T) {
	seen := map[string]error{}
	zh := keysOf(t, "zh")
	for _, sentinel := range []error{importer.ErrUnpackedTooLarge, importer.ErrTooManySharedStrings, importer.ErrTooManyRows,
		importer.ErrCellBeyondHeader, importer.ErrTooComplex, importer.ErrTimeBudget, importer.ErrEncoding,
		importer.ErrFileType, importer.ErrEmpty, importer.ErrHeaders, importer.ErrTooLarge} {
		err := fmt.Errorf("parse %q: %w", "a.xlsx", fmt.Errorf("%w: detail", sentinel))
		id, _, ok := parseRefusal(err)
		if !ok || !zh[id] {
			t.Fatalf("%v: message %q, %t", sentinel, id, ok)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%v and %v both say %s", sentinel, other, id)
		}
		seen[id] = sentinel
	}
	if _, _, ok := parseRefusal(context.Canceled); ok {
		t.Error("a cancelled parse is worded as the file's fault")
	}
}

// turnAt is a turn of the demo admin over ctx, for the parse alone.
func turnAt(t *testing.T, ctx context.Context) *kit.Turn {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, locales)
	if err != nil {
		t.Fatal(err)
	}
	env := &kit.Env{Cat: cat, Loc: time.UTC, Now: func() time.Time { return today }}
	return kit.NewTurn(ctx, env, kit.Input{ChatID: 1, UserID: 1}, models.User{TelegramID: 1, Role: models.RoleAdmin}, &kit.State{}, nil)
}

const memberCSV = "姓名,单位,职务,职级,是否重点,重点原因\n张三,东湖镇,,,,\n"

// TestParseFile_Budget: the parse gets its time budget through the
// update's context. Its own budget spent is the file's fault and said so;
// the update's deadline passed or the bot stopping is an error, not a
// refusal of the file.
func TestParseFile_Budget(t *testing.T) {
	tt := turnAt(t, context.Background())
	if _, ok, err := parseFile(tt, "a.csv", []byte(memberCSV), -time.Second); ok || err != nil {
		t.Fatalf("spent budget: ok %t, err %v", ok, err)
	}
	if len(tt.Resp.Messages) != 1 || !strings.Contains(tt.Resp.Messages[0].Text, "超过了 5 秒的时限") {
		t.Fatalf("spent budget said %+v", tt.Resp.Messages)
	}
	for name, ctx := range map[string]func() context.Context{
		"UpdateDeadline": func() context.Context {
			ctx, cancel := context.WithDeadline(context.Background(), today)
			t.Cleanup(cancel)
			return ctx
		},
		"Stopping": func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		},
	} {
		tt := turnAt(t, ctx())
		_, ok, err := parseFile(tt, "a.csv", []byte(memberCSV), importer.ParseTimeout)
		if ok || err == nil || len(tt.Resp.Messages) != 0 {
			t.Errorf("%s: ok %t, err %v, said %+v", name, ok, err, tt.Resp.Messages)
		}
		if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err %v", name, err)
		}
	}
	tt = turnAt(t, context.Background())
	if res, ok, err := parseFile(tt, "a.csv", []byte(memberCSV), importer.ParseTimeout); !ok || err != nil || len(res.Members) != 1 {
		t.Fatalf("parse: %+v, %t, %v", res, ok, err)
	}
}

// TestParsedFiles: parses are kept per user, file and day, expire, and
// give way, oldest first, to the row budget.
func TestParsedFiles(t *testing.T) {
	var c parsedFiles
	now := today
	res := func(n int) importer.Result { return importer.Result{Members: make([]models.ImportMember, n)} }
	k := func(user int64, file string) parsedKey { return parsedKey{user: user, file: file, day: "2026-12-03"} }
	c.put(k(1, "a"), res(3), now)
	if _, ok := c.get(k(2, "a"), now); ok {
		t.Fatal("another user's parse")
	}
	if r, ok := c.get(k(1, "a"), now.Add(parsedTTL-time.Second)); !ok || len(r.Members) != 3 {
		t.Fatal("parse not kept")
	}
	if _, ok := c.get(k(1, "a"), now.Add(parsedTTL)); ok {
		t.Fatal("parse kept past its time")
	}
	half := maxParsedRows / 2
	c.put(k(1, "b"), res(half), now.Add(time.Second))
	c.put(k(1, "c"), res(half), now.Add(2*time.Second)) // a is dropped to make room
	if _, ok := c.get(k(1, "a"), now.Add(3*time.Second)); ok || c.rows != 2*half {
		t.Fatalf("rows kept %d; a kept", c.rows)
	}
	c.put(k(1, "d"), res(1), now.Add(3*time.Second)) // b, the oldest, goes
	if _, ok := c.get(k(1, "b"), now.Add(3*time.Second)); ok {
		t.Fatal("oldest parse kept over the budget")
	}
	c.drop(k(1, "c"))
	if c.rows != 1 {
		t.Fatalf("rows kept %d after drop", c.rows)
	}
	c.put(k(1, "e"), res(maxParsedRows+1), now) // too large to keep at all
	if _, ok := c.get(k(1, "e"), now); ok {
		t.Fatal("a parse over the budget kept")
	}
}
