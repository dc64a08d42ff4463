package handlers

import (
	"strings"
	"testing"
)

func TestParseCallback(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Callback
		ok   bool
	}{
		{"v1:3:ch:good", Callback{3, "ch", "good"}, true},
		{"v1:0:cf", Callback{0, "cf", ""}, true},
		{"v1:12:mb:42", Callback{12, "mb", "42"}, true},
		{"v1:12:mb:42:x", Callback{}, false}, // a colon inside the argument
		{"v2:1:ch:good", Callback{}, false},
		{"v1:01:ch", Callback{}, false}, // non-canonical number
		{"v1:-1:ch", Callback{}, false},
		{"v1:1:CH", Callback{}, false},
		{"v1:1:", Callback{}, false},
		{"v1:1", Callback{}, false},
		{"", Callback{}, false},
		{"v1:1:ch:" + strings.Repeat("a", 60), Callback{}, false}, // over 64 bytes
		{"v1:99999999999999999999:ch", Callback{}, false},
		{"v1:1:ch:<b>", Callback{}, false},
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
	for _, s := range []string{"v1:3:ch:good", "v1:0:cf", "v1:12:mb:42", "v1:1:ts:7", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCallback(s)
		if err != nil {
			return
		}
		if enc := c.String(); enc != s || len(enc) > maxCallbackBytes {
			t.Fatalf("ParseCallback(%q) = %+v, encodes to %q", s, c, enc)
		}
	})
}

func TestState_EncodeDecode(t *testing.T) {
	st := State{Seq: 4, Flow: flowVisit, Draft: &Draft{ID: "abc", MemberName: "张三", Methods: []string{"talk"}}}
	st.markSeen(1)
	b, err := st.encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeState(b)
	if err != nil || got.Draft == nil || got.Draft.MemberName != "张三" || !got.seen(1) || got.Seq != 4 {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	if _, err := decodeState([]byte(`{"v":99}`)); err == nil {
		t.Fatal("a state of another schema version was accepted")
	}
	if _, err := decodeState([]byte(`not json`)); err == nil {
		t.Fatal("garbage was accepted as state")
	}
}

func TestState_SeenIsBounded(t *testing.T) {
	var st State
	for i := 1; i <= 100; i++ {
		st.markSeen(i)
	}
	if len(st.Seen) != maxSeen || !st.seen(100) || st.seen(1) {
		t.Fatalf("seen = %v", st.Seen)
	}
}
