package bot

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
)

var testCSV = []byte("姓名,电话\n张三,13800000000\n")

func TestTelegram_Send_Document(t *testing.T) {
	longText := "<b>导入结果</b>\n" + strings.Repeat("第一行 张三 &amp; 李四\n", 80) // > 1024 visible
	tests := []struct {
		name string
		msg  handlers.Message
		want []string // method, text or caption, parse mode, document name, button rows, protect
	}{
		{
			name: "Caption",
			msg:  handlers.Message{Text: "<b>名单</b> &amp; 说明", Buttons: testButtons, Protect: true, Document: &handlers.File{Name: "名单 2025.csv", Data: testCSV}},
			want: []string{"sendDocument|<b>名单</b> &amp; 说明|HTML|名单 2025.csv|2|true"},
		},
		{
			name: "Photo",
			msg:  handlers.Message{Text: "图表", Protect: true, Document: &handlers.File{Name: "回访统计.png", Data: testCSV, Photo: true}},
			want: []string{"sendPhoto|图表|HTML|回访统计.png|0|true"},
		},
		{
			name: "NoCaption",
			msg:  handlers.Message{Document: &handlers.File{Name: "a.csv", Data: testCSV}},
			want: []string{"sendDocument|||a.csv|0|false"},
		},
		{
			name: "CaptionAtLimit",
			msg:  handlers.Message{Text: strings.Repeat("😀", maxCaption/2), Document: &handlers.File{Name: "a.csv", Data: testCSV}},
			want: []string{"sendDocument|" + strings.Repeat("😀", maxCaption/2) + "|HTML|a.csv|0|false"},
		},
		{
			name: "LongCaption",
			msg:  handlers.Message{Text: longText, Buttons: testButtons, Protect: true, Document: &handlers.File{Name: "a.csv", Data: testCSV}},
			want: []string{"sendMessage|" + longText + "|HTML||0|true", "sendDocument|||a.csv|2|true"},
		},
		{
			name: "VeryLongCaption",
			msg:  handlers.Message{Text: strings.Repeat("字", 5000), Document: &handlers.File{Name: "a.csv", Data: testCSV}},
			want: []string{"sendMessage|" + strings.Repeat("字", maxText) + "|HTML||0|false", "sendMessage|" + strings.Repeat("字", 5000-maxText) + "|HTML||0|false", "sendDocument|||a.csv|0|false"},
		},
		{
			name: "UnsafeName",
			msg:  handlers.Message{Text: "x", Document: &handlers.File{Name: `..\..//.env/..secret"list".csv`, Data: testCSV}},
			want: []string{"sendDocument|x|HTML|secret_list_.csv|0|false"},
		},
		{
			name: "EditIgnored",
			msg:  handlers.Message{Text: "x", EditID: 1, Document: &handlers.File{Name: "a.csv", Data: testCSV}},
			want: []string{"sendDocument|x|HTML|a.csv|0|false"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, testToken)
			tg, _ := mustTelegram(t, srv, &recorder{})
			// The fake answers 400 to a caption over 1024 UTF-16 units.
			if err := tg.Send(t.Context(), 8, tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			var got []string
			for _, s := range srv.Sent() {
				got = append(got, fmt.Sprintf("%s|%s|%s|%s|%d|%t", s.Method, s.Text, s.ParseMode, s.Document, len(s.Buttons), s.Protect))
				if (s.Method == "sendDocument" || s.Method == "sendPhoto") && string(s.DocumentData) != string(testCSV) {
					t.Errorf("document data = %q", s.DocumentData)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTelegram_Send_Document_Buttons(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	if err := tg.Send(t.Context(), 8, handlers.Message{Text: "名单", Buttons: testButtons, Document: &handlers.File{Name: "a.csv", Data: testCSV}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(testButtons, srv.Sent()[0].Buttons); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
}

func TestTelegram_Send_Document_Errors(t *testing.T) {
	t.Run("Blocked", func(t *testing.T) {
		srv := telegramtest.NewServer(t, testToken)
		tg, _ := mustTelegram(t, srv, &recorder{})
		srv.FailNext("sendDocument", 403, 0)
		err := tg.Send(t.Context(), 8, handlers.Message{Document: &handlers.File{Name: "a.csv", Data: testCSV}})
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("Send = %v, want ErrBlocked", err)
		}
	})
	t.Run("ServerErrorRetried", func(t *testing.T) {
		srv := telegramtest.NewServer(t, testToken)
		tg, _ := mustTelegram(t, srv, &recorder{})
		srv.FailNext("sendDocument", 502, 0)
		if err := tg.Send(t.Context(), 8, handlers.Message{Document: &handlers.File{Name: "a.csv", Data: testCSV}}); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if s := srv.Sent(); len(s) != 1 || string(s[0].DocumentData) != string(testCSV) {
			t.Errorf("sent %d, want the document once, whole", len(s))
		}
	})
	t.Run("RetryAfterTooLong", func(t *testing.T) {
		srv := telegramtest.NewServer(t, testToken)
		tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.MaxRetryAfter = time.Second })
		srv.FailNext("sendDocument", 429, 3600)
		err := tg.Send(t.Context(), 8, handlers.Message{Document: &handlers.File{Name: "a.csv", Data: testCSV}})
		if !errors.Is(err, ErrRateLimited) {
			t.Errorf("Send = %v, want ErrRateLimited", err)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		srv := telegramtest.NewServer(t, testToken)
		tg, _ := mustTelegram(t, srv, &recorder{})
		err := tg.Send(t.Context(), 8, handlers.Message{Text: "x", Document: &handlers.File{Name: "a.bin", Data: make([]byte, MaxUploadSize+1)}})
		if !errors.Is(err, ErrFileTooLarge) {
			t.Errorf("Send = %v, want ErrFileTooLarge", err)
		}
		if n := len(srv.Sent()); n != 0 {
			t.Errorf("%d messages sent", n)
		}
	})
}

// TestTelegram_Send_Document_Paced: uploads take the chat's message budget
// like texts.
func TestTelegram_Send_Document_Paced(t *testing.T) {
	srv := telegramtest.NewServer(t, testToken)
	clk := newFakeClock()
	tg, _ := mustTelegram(t, srv, &recorder{}, withClock(clk), func(c *Config) { c.ChatRate = 20 }) // burst 3
	for range chatBurst + 4 {
		if err := tg.Send(t.Context(), 8, handlers.Message{Document: &handlers.File{Name: "a.csv", Data: testCSV}}); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	if diff := cmp.Diff(want, clk.Sleeps()); diff != "" {
		t.Errorf("waits of 7 uploads at 20/s with burst 3 (-want +got):\n%s", diff)
	}
}

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"名单.xlsx", "名单.xlsx"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\x\report.csv`, "report.csv"},
		{".bashrc", "bashrc"},
		{"...", "document"},
		{"", "document"},
		{"a/", "document"},
		{"a\x00b\nc.txt", "abc.txt"},
		{`a:b*c?.csv`, "a_b_c_.csv"},
		{"bad\xffutf8.csv", "bad_utf8.csv"},
		{strings.Repeat("长", 100) + ".xlsx", strings.Repeat("长", 65) + ".xlsx"}, // 195 + 5 bytes
	}
	for _, tt := range tests {
		if got := safeFileName(tt.in); got != tt.want {
			t.Errorf("safeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTelegram_GetFile_TooLarge(t *testing.T) {
	t.Run("RefusedByGetFile", func(t *testing.T) {
		// The public API refuses getFile over 20 MB, as the fake does.
		srv := telegramtest.NewServer(t, testToken)
		tg, _ := mustTelegram(t, srv, &recorder{})
		srv.SendDocument(9, 9, "BIG", "big.csv", make([]byte, MaxFileSize+1))
		if _, err := tg.GetFile(t.Context(), "BIG"); !errors.Is(err, ErrFileTooLarge) {
			t.Errorf("GetFile = %v, want ErrFileTooLarge", err)
		}
	})
	// A local Bot API server answers getFile with the size; the download
	// must not start. One whose answer has no size is cut at the limit.
	for name, tc := range map[string]struct {
		size      int
		downloads int32
	}{"SizeInAnswer": {MaxFileSize + 1, 0}, "SizeUnknown": {0, 1}} {
		t.Run(name, func(t *testing.T) {
			srv := telegramtest.NewServer(t, testToken)
			var downloads atomic.Int32
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				switch {
				case strings.HasSuffix(r.URL.Path, "/getFile"):
					body := fmt.Sprintf(`{"ok":true,"result":{"file_id":"F","file_unique_id":"F","file_size":%d,"file_path":"documents/F"}}`, tc.size)
					return textResponse(body), nil
				case strings.Contains(r.URL.Path, "/file/"):
					downloads.Add(1)
					return &http.Response{StatusCode: 200, Body: io.NopCloser(io.LimitReader(zeros{}, MaxFileSize+100)), Header: http.Header{}}, nil
				}
				return srv.Client().Transport.RoundTrip(r)
			})
			tg, _ := mustTelegram(t, srv, &recorder{}, func(c *Config) { c.Transport = rt })
			if _, err := tg.GetFile(t.Context(), "F"); !errors.Is(err, ErrFileTooLarge) {
				t.Errorf("GetFile = %v, want ErrFileTooLarge", err)
			}
			if n := downloads.Load(); n != tc.downloads {
				t.Errorf("%d downloads, want %d", n, tc.downloads)
			}
		})
	}
}

func TestTelegram_GetFile_SentDocument(t *testing.T) {
	// What the bot sent can be fetched back through the fake, by the id
	// Telegram gives it (the path is URL-escaped).
	srv := telegramtest.NewServer(t, testToken)
	tg, _ := mustTelegram(t, srv, &recorder{})
	srv.SendDocument(9, 9, "id with/slash+plus", "a.csv", testCSV)
	got, err := tg.GetFile(t.Context(), "id with/slash+plus")
	if err != nil || string(got) != string(testCSV) {
		t.Errorf("GetFile = %q, %v", got, err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func textResponse(body string) *http.Response {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{"Content-Type": {"application/json"}}}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
