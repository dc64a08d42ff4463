package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

var testButtons = [][]handlers.Button{{{Text: "今天", Data: "d:today"}, {Text: "昨天", Data: "d:yday"}}, {{Text: "取消", Data: "x"}}}

func TestTelegram_Send_Split(t *testing.T) {
	var long strings.Builder
	for i := 0; utf8.RuneCountInString(PlainText(long.String())) < 9000; i++ {
		fmt.Fprintf(&long, "<b>第%d行</b> 张三 &amp; <i>李四</i> 内容内容内容内容内容\n", i)
		if i%40 == 0 {
			long.WriteString("<pre>code line\ncode line\n</pre>\n")
		}
	}
	tests := map[string]string{
		"Lines":    long.String(),
		"OneLine":  "<b>" + strings.Repeat("字", 9000) + "</b>",
		"Emoji":    strings.Repeat("😀", 5000),
		"Entities": strings.Repeat("&lt;x&gt; ", 1500),
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, testToken)
			tg, _ := mustTelegram(t, srv, &recorder{})
			// The fake answers 400 to broken HTML or a text over 4096.
			if err := tg.Send(t.Context(), 8, handlers.Message{Text: text, Buttons: testButtons}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			sent := srv.Sent()
			if len(sent) < 2 {
				t.Fatalf("sent %d parts, want a split", len(sent))
			}
			var plain strings.Builder
			for i, s := range sent {
				if n := utf8.RuneCountInString(PlainText(s.Text)); n > maxText {
					t.Errorf("part %d has %d runes", i, n)
				}
				if last := i == len(sent)-1; (s.Buttons != nil) != last {
					t.Errorf("part %d of %d has buttons %v", i, len(sent), s.Buttons)
				}
				plain.WriteString(PlainText(s.Text))
			}
			if plain.String() != PlainText(text) {
				t.Error("parts do not add up to the text")
			}
			if diff := cmp.Diff(testButtons, sent[len(sent)-1].Buttons); diff != "" {
				t.Errorf("buttons (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitHTML(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"Short", "<b>hi</b>", 10, []string{"<b>hi</b>"}},
		{"AtNewline", "aaa\nbbb\nccc", 8, []string{"aaa\nbbb\n", "ccc"}},
		{"ReopenTags", "<b>aaa\n<i>bbb\nccc</i></b>", 8, []string{"<b>aaa\n<i>bbb\n</i></b>", "<b><i>ccc</i></b>"}},
		{"RuneBoundary", "字字字字字", 4, []string{"字字字字", "字"}},
		{"KeepsEntity", "ab&amp;cd", 3, []string{"ab", "&amp;c", "d"}},
		{"KeepsLink", `<a href="https://x.y/?a=1&amp;b">link</a>`, 2, []string{`<a href="https://x.y/?a=1&amp;b">li</a>`, `<a href="https://x.y/?a=1&amp;b">nk</a>`}},
		{"DropsBlank", "aaaa\n\n", 5, []string{"aaaa\n"}},
		{"Empty", "", 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, splitHTML(tt.text, tt.limit)); diff != "" {
				t.Errorf("splitHTML(%q, %d) (-want +got):\n%s", tt.text, tt.limit, diff)
			}
		})
	}
}

func TestTelegram_Send_Protect(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	for _, protect := range []bool{true, false} {
		if err := tg.Send(t.Context(), 8, handlers.Message{Text: "member data", Protect: protect}); err != nil {
			t.Fatal(err)
		}
	}
	sent := srv.Sent()
	if !sent[0].Protect || sent[1].Protect || sent[0].ParseMode != "HTML" {
		t.Errorf("sent = %+v, want protect_content on the first only, parse mode HTML", sent)
	}
}

func TestTelegram_Send_RetryAfter(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
	srv.FailNext("sendMessage", 429, 1)
	if err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if diff := cmp.Diff([]time.Duration{time.Second}, clk.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := len(srv.Sent()); n != 1 {
		t.Errorf("%d messages arrived, want 1", n)
	}
}

func TestTelegram_Send_RetryAfterTooLong(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.MaxRetryAfter = time.Second })
	srv.FailNext("sendMessage", 429, 3600)
	err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi"})
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("Send = %v, want ErrRateLimited", err)
	}
	// The chat stays closed; other chats are not held up.
	if err := tg.Send(t.Context(), 8, handlers.Message{Text: "again"}); !errors.Is(err, ErrRateLimited) {
		t.Errorf("second Send = %v, want ErrRateLimited", err)
	}
	if err := tg.Send(t.Context(), 9, handlers.Message{Text: "other chat"}); err != nil {
		t.Errorf("Send to another chat: %v", err)
	}
}

func TestTelegram_Send_ServerError(t *testing.T) {
	t.Run("Retried", func(t *testing.T) {
		srv := telegramtest.NewServer(t, testToken)
		clk := newFakeClock()
		tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
		tg.send.retryBase = retryBase
		srv.FailNext("sendMessage", 500, 0)
		srv.FailNext("sendMessage", 502, 0)
		if err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi"}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if n := len(srv.Sent()); n != 1 {
			t.Errorf("%d messages arrived, want 1", n)
		}
		if diff := cmp.Diff([]time.Duration{retryBase, 2 * retryBase}, clk.Sleeps()); diff != "" {
			t.Errorf("backoff (-want +got):\n%s", diff)
		}
	})
	t.Run("GivesUp", func(t *testing.T) {
		srv := telegramtest.NewServer(t, testToken)
		tg, _ := mustTelegram(t, srv, &recorder{}, withClock(newFakeClock()))
		for range bulkTries {
			srv.FailNext("sendMessage", 500, 0)
		}
		if err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi"}); err == nil {
			t.Fatal("Send succeeded after 3 server errors")
		}
	})
}

func TestTelegram_Send_Blocked(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	srv.FailNext("sendMessage", 403, 0)
	err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi"})
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("Send = %v, want ErrBlocked", err)
	}
}

func TestTelegram_Send_Edit(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	ctx := t.Context()
	must := func(m handlers.Message) {
		t.Helper()
		if err := tg.Send(ctx, 8, m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	must(handlers.Message{Text: "pick", Buttons: testButtons})
	id := srv.Sent()[0].MessageID
	must(handlers.Message{Text: "picked", EditID: id})
	must(handlers.Message{Text: "picked", EditID: id}) // not modified: ignored
	must(handlers.Message{Text: "gone", EditID: 999})  // not found: sent anew
	var got []string
	for _, s := range srv.Sent() {
		got = append(got, fmt.Sprintf("%s %d %s %d", s.Method, s.MessageID, s.Text, len(s.Buttons)))
	}
	want := []string{"sendMessage 1 pick 2", "editMessageText 1 picked 0", "sendMessage 2 gone 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestTelegram_Send_InvalidKeyboard(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, logs := mustTelegram(t, srv, &recorder{})
	bad := [][]handlers.Button{{{Text: "x", Data: strings.Repeat("d", 65)}}}
	if err := tg.Send(t.Context(), 8, handlers.Message{Text: "hi", Buttons: bad}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if s := srv.Sent(); len(s) != 1 || s[0].Buttons != nil {
		t.Errorf("sent %+v, want the text without keyboard", s)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Error("invalid keyboard not logged as an error")
	}
}

func TestTelegram_Send_Cancelled(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk))
	srv.FailNext("sendMessage", 429, 30)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clk.onSleep = func(time.Duration) { cancel() } // shutdown during the wait
	if err := tg.Send(ctx, 8, handlers.Message{Text: "hi"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send = %v, want context.Canceled", err)
	}
	if n := len(srv.Sent()); n != 0 {
		t.Errorf("%d messages arrived after cancel", n)
	}
}

func TestNew_Commands(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	cmds := map[string][]handlers.Command{
		"":   {{Name: "start", Description: "Start"}},
		"zh": {{Name: "/start", Description: "开始"}, {Name: "help", Description: "帮助"}},
	}
	tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.Commands = cmds })
	cmds["zh"][0].Name = "start"
	if diff := cmp.Diff(cmds, srv.Commands()); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if got := tg.Username(); got != telegramtest.Bot.UserName {
		t.Errorf("Username() = %q", got)
	}
}

func TestNew_InvalidToken(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, err := New(ctx, Config{Token: "999:WRONG", Endpoint: srv.Endpoint()}, &recorder{})
	if err == nil || ctx.Err() != nil {
		t.Fatalf("New = %v (ctx %v), want an immediate error", err, ctx.Err())
	}
}

func TestTelegram_GetFile(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	srv.SendDocument(9, 9, "F7", "list.csv", []byte("a,b\n1,2\n"))
	got, err := tg.GetFile(t.Context(), "F7")
	if err != nil || string(got) != "a,b\n1,2\n" {
		t.Errorf("GetFile = %q, %v", got, err)
	}
	if _, err := tg.GetFile(t.Context(), "nope"); err == nil {
		t.Error("GetFile of an unknown file succeeded")
	}
}

type button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// keyboardByJSON is the encoding keyboard replaces: encoding/json over
// the rows (HTML characters not escaped, which Telegram does not need).
func keyboardByJSON(t testing.TB, rows [][]handlers.Button) string {
	var kb struct {
		Rows [][]button `json:"inline_keyboard"`
	}
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		var out []button
		for _, b := range row {
			out = append(out, button(b))
		}
		kb.Rows = append(kb.Rows, out)
	}
	if len(kb.Rows) == 0 {
		return ""
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(kb); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// sameKeyboard checks that got is valid JSON with the same content as
// want. The bytes may differ where JSON allows: keyboard escapes control
// characters as \u00XX where encoding/json writes \n, and encoding/json
// escapes U+2028 and U+FFFD (the latter before Go 1.27 only).
func sameKeyboard(t *testing.T, got, want string) {
	t.Helper()
	if !json.Valid([]byte(got)) {
		t.Fatalf("keyboard is not JSON: %q", got)
	}
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("keyboard %q\n(-json +keyboard):\n%s", got, diff)
	}
}

func TestKeyboard_MatchesJSON(t *testing.T) {
	rows := [][]handlers.Button{
		{{Text: "✓ 当面", Data: "v:m:1"}, {Text: `a "quoted" \ back`, Data: "x"}},
		{},
		{{Text: "ctl \x00\x01\b\f\n\r\t\x1f end", Data: "<&>"}},
		{{Text: "bad \xff\xfe utf8 \u2028\u2029 ok", Data: "d"}},
	}
	got, err := keyboard(rows)
	if err != nil {
		t.Fatal(err)
	}
	sameKeyboard(t, got, keyboardByJSON(t, rows))
	if got, err := keyboard([][]handlers.Button{{}, {}}); got != "" || err != nil {
		t.Errorf("no buttons: %q, %v", got, err)
	}
}

func FuzzKeyboard(f *testing.F) {
	f.Add("✓ 当面", "v:m:1", "« 返回")
	f.Add("\x00\"\\\u2028", "\xff", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		rows := [][]handlers.Button{{{Text: a, Data: b}}, {{Text: c, Data: a}, {Text: b, Data: c}}}
		got, err := keyboard(rows)
		if err != nil {
			return // empty or over-long data or text: refused, checked elsewhere
		}
		sameKeyboard(t, got, keyboardByJSON(t, rows))
	})
}
