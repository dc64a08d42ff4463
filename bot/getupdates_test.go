package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestParseUpdates(t *testing.T) {
	u1 := `{"update_id":7,"message":{"message_id":1,"text":"a ] } , \" \\ [","chat":{"id":5,"type":"private"}}}`
	u2 := `{"update_id":8,"callback_query":{"id":"q","data":"x,y"}}`
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"usual", `{"ok":true,"result":[` + u1 + `,` + u2 + `]}`, []string{u1, u2}},
		{"empty", `{"ok":true,"result":[]}`, nil},
		{"spaces", " {\"ok\":true,\"result\": [ " + u1 + " ,\n" + u2 + " ] }\n", []string{u1, u2}},
		{"other order", `{"result":[` + u2 + `],"ok":true}`, []string{u2}},
	} {
		raws, err := parseUpdates([]byte(tc.body), 200)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(raws) != len(tc.want) {
			t.Errorf("%s: %d updates, want %d", tc.name, len(raws), len(tc.want))
			continue
		}
		for i := range raws {
			if string(raws[i]) != tc.want[i] {
				t.Errorf("%s: update %d = %s, want %s", tc.name, i, raws[i], tc.want[i])
			}
		}
	}

	raws, err := parseUpdates([]byte(`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`), 429)
	var apiErr *tgbotapi.Error
	if raws != nil || !errors.As(err, &apiErr) || apiErr.Code != 429 || apiErr.RetryAfter != 7 {
		t.Errorf("429 answer: %v, %#v", raws, err)
	}
	// No error_code (a proxy in front of the API): the HTTP status counts.
	if _, err := parseUpdates([]byte(`{"ok":false,"description":"Bad Gateway"}`), 502); !errors.As(err, &apiErr) || apiErr.Code != 502 {
		t.Errorf("502 without a code: %#v", err)
	}
	for _, bad := range []string{``, `<html>502</html>`, `{"ok":true,"result":{}}`, `{"ok":true,"result":[1,]}`, `{"ok":true,"result":[`} {
		if raws, err := parseUpdates([]byte(bad), 502); err == nil {
			t.Errorf("%q: %d updates, no error", bad, len(raws))
		}
	}
}

// FuzzSplitArray: wherever encoding/json reads an array, splitArray cuts
// it into the same elements.
func FuzzSplitArray(f *testing.F) {
	f.Add(`[{"update_id":1,"message":{"text":"]\"},"}},2,"x\\\"",[[]],{}]`)
	f.Add(` [ 1 , [ 2 , { "a" : "]" } ] ] `)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := splitArray([]byte(s))
		var want []json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil {
			return // not an array: splitArray may cut it or not; each part is decoded later
		}
		if !ok {
			t.Fatalf("splitArray refused %q", s)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d elements, json %d", s, len(got), len(want))
		}
		for i := range got {
			var g, w bytes.Buffer
			if json.Compact(&g, got[i]) != nil || json.Compact(&w, want[i]) != nil || g.String() != w.String() {
				t.Fatalf("%q: element %d = %q, json %q", s, i, got[i], want[i])
			}
		}
	})
}
