package kit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseCallback(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Callback
		ok   bool
	}{
		{"v1:3:vi:ch:good", Callback{3, "vi", "ch", "good"}, true},
		{"v1:0:vi:cf", Callback{0, "vi", "cf", ""}, true},
		{"v1:12:vi:mb:42", Callback{12, "vi", "mb", "42"}, true},
		{"v1:12:vi:mb:42:x", Callback{}, false}, // a colon inside the argument
		{"v1:3:ch:good", Callback{3, "ch", "good", ""}, true},
		{"v2:1:vi:ch:good", Callback{}, false},
		{"v1:01:vi:ch", Callback{}, false}, // non-canonical number
		{"v1:-1:vi:ch", Callback{}, false},
		{"v1:1:vi:CH", Callback{}, false},
		{"v1:1:VI:ch", Callback{}, false},
		{"v1:1:vi:", Callback{}, false},
		{"v1:1:vi", Callback{}, false},
		{"v1:1", Callback{}, false},
		{"", Callback{}, false},
		{"v1:1:vi:ch:" + strings.Repeat("a", 60), Callback{}, false}, // over 64 bytes
		{"v1:99999999999999999999:vi:ch", Callback{}, false},
		{"v1:1:vi:ch:<b>", Callback{}, false},
		{"v1:1:vi:ch:\xff", Callback{}, false},
	} {
		got, err := ParseCallback(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCallback(%q) = %+v, %v; want %+v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParseCallback: untrusted callback data never panics, and whatever
// parses encodes back to the same bytes within Telegram's limit.
func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{"v1:3:vi:ch:good", "v1:0:vi:cf", "v1:12:vi:mb:42", "v1:1:ro:ts:7", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCallback(s)
		if err != nil {
			return
		}
		if enc := c.String(); enc != s || len(enc) > MaxCallbackBytes {
			t.Fatalf("ParseCallback(%q) = %+v, encodes to %q", s, c, enc)
		}
	})
}

type part struct {
	Name string `json:"n"`
}

func TestState_EncodeDecode(t *testing.T) {
	st := State{Seq: 4, Flow: "visit"}
	SetPart(&st, "visit", &part{Name: "张三"})
	st.MarkSeen(1, time.Now())
	b, err := st.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeState(b)
	if err != nil || !got.SeenUpdate(1, time.Now()) || got.Seq != 4 || got.Flow != "visit" {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	if p := Part[part](&got, "visit"); p == nil || p.Name != "张三" {
		t.Fatalf("part = %+v", p)
	}
	if Part[part](&got, "other") != nil {
		t.Fatal("an absent part was found")
	}
	got.Drop("visit")
	if got.HasParts() {
		t.Fatal("a dropped part is kept")
	}
	if _, err := DecodeState([]byte(`{"v":99}`)); err == nil {
		t.Fatal("a state of another schema version was accepted")
	}
	if _, err := DecodeState([]byte(`not json`)); err == nil {
		t.Fatal("garbage was accepted as state")
	}
}

// TestState_UnreadablePart: a part that no longer decodes is dropped, not
// an error for the whole chat.
func TestState_UnreadablePart(t *testing.T) {
	got, err := DecodeState([]byte(`{"v":2,"q":1,"x":{"visit":{"n":5}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if Part[part](&got, "visit") != nil || got.Has("visit") {
		t.Fatal("an unreadable part was kept")
	}
}

// TestState_Seen: a replay of any number of handled updates is caught,
// with a bounded memory; two updates handled out of order both count; after
// a week of silence a lower id is new.
func TestState_Seen(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var st State
	for i := 101; i <= 200; i++ {
		if st.SeenUpdate(i, now) {
			t.Fatalf("new update %d taken for a replay", i)
		}
		st.MarkSeen(i, now)
	}
	if len(st.Seen) != maxSeen {
		t.Fatalf("remembers %d ids", len(st.Seen))
	}
	for i := 101; i <= 200; i++ {
		if !st.SeenUpdate(i, now) {
			t.Fatalf("replay of %d not caught", i)
		}
	}
	if st.SeenUpdate(201, now) {
		t.Fatal("the next update taken for a replay")
	}
	st.MarkSeen(203, now) // a button press handled before the message 202 of the same instant
	if st.SeenUpdate(202, now) {
		t.Fatal("an update handled out of order taken for a replay")
	}
	if st.SeenUpdate(7, now.Add(7*24*time.Hour)) {
		t.Fatal("a restarted update id after a week of silence taken for a replay")
	}
	if !st.SeenUpdate(7, now.Add(time.Hour)) {
		t.Fatal("an old update an hour later not taken for a replay")
	}
}

// TestState_Stored: what Stored returns equals what decoding the encoded
// state gives, whatever mix of decoded and encoded parts and empty lists
// the state held.
func TestState_Stored(t *testing.T) {
	type part struct {
		A string            `json:"a"`
		L []int             `json:"l,omitempty"`
		M map[string]string `json:"m,omitempty"`
	}
	for name, build := range map[string]func() State{
		"empty": func() State { return State{} },
		"empty lists": func() State {
			return State{Choices: []uint64{}, Seen: []int{}, Parts: map[string]json.RawMessage{}}
		},
		"full": func() State {
			st := State{Seq: 4, Flow: "visit", Step: "s", Choices: []uint64{3, 1}, Pending: "/status",
				Lang: "en", LastUpdate: 9, Replay: &Replay{NS: "vi", Arg: "7"}, Lost: true, CutUntil: 5,
				// An encoded part as decoding gives it: as json.Marshal wrote it.
				Parts: map[string]json.RawMessage{"old": json.RawMessage(`{"a":"kept \u003cas\u003e it was"}`)}}
			st.MarkSeen(8, time.Unix(1_800_000_000, 0))
			st.MarkSeen(9, time.Unix(1_800_000_001, 0))
			SetPart(&st, "new", &part{A: "王五 & co", L: []int{}, M: map[string]string{}})
			return st
		},
		"part read and changed": func() State {
			st := State{Parts: map[string]json.RawMessage{"p": json.RawMessage(`{"a":"x","l":[1]}`)}}
			p := Part[part](&st, "p")
			p.A, p.L = "y", nil
			return st
		},
	} {
		t.Run(name, func(t *testing.T) {
			st := build()
			data, err := st.Encode()
			if err != nil {
				t.Fatal(err)
			}
			want, err := DecodeState(data)
			if err != nil {
				t.Fatal(err)
			}
			got := st.Stored()
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(State{})); diff != "" {
				t.Errorf("Stored differs from the decoded state (-decoded +stored):\n%s", diff)
			}
			again, err := got.Encode()
			if err != nil || string(again) != string(data) {
				t.Errorf("Stored encodes as %s, %v; want %s", again, err, data)
			}
		})
	}
}
