package bot

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"
)

// formRoundTrip encodes p with appendForm and decodes it as a server would.
func formRoundTrip(t *testing.T, p tgbotapi.Params) url.Values {
	t.Helper()
	body := string(appendForm(nil, p))
	got, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", body, err)
	}
	return got
}

func TestAppendForm(t *testing.T) {
	p := tgbotapi.Params{
		"chat_id":      "-1001234567890",
		"text":         "<b>王五</b> & a+b=c 100% ~ok?\n第二行\t#",
		"parse_mode":   "HTML",
		"reply_markup": `{"inline_keyboard":[[{"text":"确认 ✓","callback_data":"v:ok"}]]}`,
		"empty":        "",
	}
	want := url.Values{}
	for k, v := range p {
		want.Set(k, v)
	}
	if diff := cmp.Diff(want, formRoundTrip(t, p)); diff != "" {
		t.Errorf("decoded form differs (-want +got):\n%s", diff)
	}
	// Byte for byte what url.QueryEscape makes, for one value.
	for _, s := range []string{p["text"], p["reply_markup"], "AZaz09-_.~ /?#[]@!$&'()*+,;="} {
		if got, want := string(appendQueryEscape(nil, s)), url.QueryEscape(s); got != want {
			t.Errorf("appendQueryEscape(%q) = %q, url.QueryEscape %q", s, got, want)
		}
	}
	if b := appendForm(nil, p); len(b) != cap(b) {
		t.Errorf("form of %d bytes allocated %d, want exact", len(b), cap(b))
	}
	if got := appendForm(nil, nil); len(got) != 0 {
		t.Errorf("no parameters encode as %q, want empty", got)
	}
}

func FuzzAppendForm(f *testing.F) {
	f.Add("text", "王五 & <b>", "chat_id", "7")
	f.Add("", "", "a=b", "%zz+")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		p := tgbotapi.Params{k1: v1, k2: v2}
		got := formRoundTrip(t, p)
		want := url.Values{}
		for k, v := range p {
			want.Set(k, v)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decoded form differs (-want +got):\n%s", diff)
		}
	})
}

func TestParseAnswer(t *testing.T) {
	for _, tc := range []struct {
		name       string
		body       string
		status     int
		wantResult string // the result, when the call succeeded
		wantErr    *tgbotapi.Error
		wantOther  bool // an error that is not the API's (not JSON)
	}{
		{name: "true", body: `{"ok":true,"result":true}`, status: 200, wantResult: `true`},
		{name: "message, newline", body: "{\"ok\":true,\"result\":{\"message_id\":7,\"text\":\"}{\"}}\n", status: 200,
			wantResult: `{"message_id":7,"text":"}{"}`},
		{name: "other field order", body: `{"result":{"message_id":7},"ok":true}`, status: 200, wantResult: `{"message_id":7}`},
		{name: "field after result", body: `{"ok":true,"result":true,"description":"x"}`, status: 200, wantResult: `true`},
		{name: "429", body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`,
			status: 429, wantErr: &tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 3", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}},
		{name: "no code", body: `{"ok":false,"description":"Bad Request: message is not modified"}`, status: 400,
			wantErr: &tgbotapi.Error{Code: 400, Message: "Bad Request: message is not modified"}},
		{name: "proxy page", body: `<html>502 Bad Gateway</html>`, status: 502, wantOther: true},
		{name: "truncated result", body: `{"ok":true,"result":{"message_id":7}`, status: 200, wantOther: true},
		{name: "invalid result", body: `{"ok":true,"result":tru}`, status: 200, wantOther: true},
	} {
		t.Run(tc.name+"/unread", func(t *testing.T) {
			// A method whose result nobody reads: the same outcome, no result.
			resp, err := parseAnswer([]byte(tc.body), tc.status, false)
			var tgErr *tgbotapi.Error
			switch {
			case tc.wantErr != nil:
				if !errors.As(err, &tgErr) || !cmp.Equal(tc.wantErr, tgErr) {
					t.Errorf("err = %v, want %+v", err, tc.wantErr)
				}
			case tc.wantOther && tc.name != "truncated result" && tc.name != "invalid result":
				if err == nil || errors.As(err, &tgErr) {
					t.Errorf("err = %v (%T), want a decoding error", err, err)
				}
			case tc.wantOther: // ok:true, only the unread result is broken
				if err != nil || !resp.Ok || resp.Result != nil {
					t.Errorf("resp = %+v, %v; want ok without result", resp, err)
				}
			default:
				if err != nil || !resp.Ok || resp.Result != nil {
					t.Errorf("resp = %+v, %v; want ok without result", resp, err)
				}
			}
		})
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			resp, err := parseAnswer(body, tc.status, true)
			var tgErr *tgbotapi.Error
			switch {
			case tc.wantErr != nil:
				if !errors.As(err, &tgErr) {
					t.Fatalf("err = %v, want %+v", err, tc.wantErr)
				}
				if diff := cmp.Diff(tc.wantErr, tgErr); diff != "" {
					t.Errorf("error differs (-want +got):\n%s", diff)
				}
			case tc.wantOther:
				if err == nil || errors.As(err, &tgErr) {
					t.Fatalf("err = %v (%T), want a decoding error", err, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if !resp.Ok || string(resp.Result) != tc.wantResult {
					t.Fatalf("resp = %+v %s, want ok %s", resp, resp.Result, tc.wantResult)
				}
				for i := range body { // the result is a copy, not the pooled buffer
					body[i] = 'x'
				}
				if string(resp.Result) != tc.wantResult || !json.Valid(resp.Result) {
					t.Errorf("result changed with the body: %s", resp.Result)
				}
			}
		})
	}
}

// FuzzParseAnswer: no answer panics, and a successful one reads as
// tgbotapi's decoding of the whole answer does.
func FuzzParseAnswer(f *testing.F) {
	f.Add(`{"ok":true,"result":{"message_id":7}}`, 200)
	f.Add(`{"ok":false,"error_code":429,"parameters":{"retry_after":3}}`, 429)
	f.Add(`{"ok":true,"result":true,"x":1}`, 200)
	f.Fuzz(func(t *testing.T, body string, status int) {
		resp, err := parseAnswer([]byte(body), status, true)
		if err != nil {
			return
		}
		var full tgbotapi.APIResponse
		if json.Unmarshal([]byte(body), &full) != nil {
			// The fast path takes {"ok":true,"result":<valid JSON>} whole;
			// a full decoder may refuse what follows (duplicate keys etc.).
			if _, ok := okResult([]byte(body)); !ok {
				t.Fatalf("answer %q accepted but not decodable", body)
			}
			return
		}
		if !resp.Ok || !full.Ok {
			t.Fatalf("answer %q: ok %v, tgbotapi %v", body, resp.Ok, full.Ok)
		}
		if len(resp.Result) == 0 && len(full.Result) == 0 {
			return // ok without a result
		}
		var a, b any
		if json.Unmarshal(resp.Result, &a) != nil || json.Unmarshal(full.Result, &b) != nil || !cmp.Equal(a, b) {
			t.Fatalf("answer %q: result %s, tgbotapi %s", body, resp.Result, full.Result)
		}
	})
}
