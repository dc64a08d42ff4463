package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/bot/telegramtest"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// slowStore is the store whose exports take a while: each row waits.
type slowStore struct {
	*sqlstore.Store
	perRow time.Duration
}

func (s slowStore) Export(ctx context.Context, v models.Viewer, scope models.ExportScope, sink models.ExportSink) (models.ExportCounts, error) {
	return s.Store.Export(ctx, v, scope, slowSink{sink, s.perRow})
}

type slowSink struct {
	models.ExportSink
	d time.Duration
}

func (s slowSink) Member(m models.MemberMatch) error { time.Sleep(s.d); return s.ExportSink.Member(m) }
func (s slowSink) Sanction(x *models.ExportSanction) error {
	time.Sleep(s.d)
	return s.ExportSink.Sanction(x)
}
func (s slowSink) Visit(v *models.ExportVisit) error { time.Sleep(s.d); return s.ExportSink.Visit(v) }

// callTimes records when each Bot API method was called.
type callTimes struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   map[string][]time.Time
}

func (c *callTimes) RoundTrip(r *http.Request) (*http.Response, error) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	c.mu.Lock()
	c.at[method] = append(c.at[method], time.Now())
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// startExportE2E runs the bot over a slow store with quick progress
// timing, a lowered file limit when maxFile > 0.
func startExportE2E(t *testing.T, perRow time.Duration, maxFile int, timing kit.ProgressTiming) (*e2e, *callTimes) {
	t.Helper()
	store := modelstest.OpenMySQL(t)
	state := modelstest.OpenRedis(t)
	if err := store.LoadDemo(context.Background(), demoAdminID, demoInspectorID); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	e := &e2e{t: t, srv: telegramtest.NewServer(t, e2eToken), store: store, state: state}
	app, err := handlers.New(handlers.Options{Store: slowStore{store, perRow}, State: state, Location: shanghai(t), MaxFile: maxFile})
	if err != nil {
		t.Fatal(err)
	}
	calls := &callTimes{next: e.srv.Client().Transport, at: map[string][]time.Time{}}
	ctx, cancel := context.WithCancel(context.Background())
	tg, err := bot.New(ctx, bot.Config{Token: e2eToken, Endpoint: e.srv.Endpoint(), PollTimeout: time.Second, ChatRate: 1e6,
		GlobalRate: 1e6, Apology: app.Apology, Logger: modelstest.Logger(), Transport: calls, Progress: timing}, app)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	app.SetTransport(tg.Username(), tg)
	e.app, e.cancel, e.done = app, cancel, make(chan error, 1)
	go func() { e.done <- tg.Run(ctx) }()
	t.Cleanup(e.stop)
	return e, calls
}

// TestE2E_Export: /export sends the workbook, protected and named in
// Chinese, after one progress message that was edited, never more often
// than the throttle.
func TestE2E_Export(t *testing.T) {
	every := 150 * time.Millisecond
	e, calls := startExportE2E(t, 20*time.Millisecond, 0, kit.ProgressTiming{Delay: 50 * time.Millisecond, Every: every})
	admin := e.user(demoAdminID)
	admin.say("/export 东湖")
	var doc *telegramtest.Sent
	var posts, edits []telegramtest.Sent
	for i, s := range admin.got {
		switch {
		case s.Method == "sendDocument":
			doc = &admin.got[i]
		case s.Method == "sendMessage" && strings.Contains(s.Text, "正在生成"):
			posts = append(posts, s)
		case s.Method == "editMessageText":
			edits = append(edits, s)
		}
	}
	if doc == nil {
		t.Fatalf("no document sent: %+v", admin.got)
	}
	if !doc.Protect || !strings.HasPrefix(doc.Document, "回访数据导出_东湖镇（演示）_") || !strings.HasSuffix(doc.Document, ".xlsx") {
		t.Errorf("document %q protected=%v", doc.Document, doc.Protect)
	}
	f, err := excelize.OpenReader(bytes.NewReader(doc.DocumentData))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("人员")
	var names []string
	for _, r := range rows[1:] {
		names = append(names, r[1]+"@"+r[2])
	}
	if len(rows) < 2 || strings.Contains(strings.Join(names, ","), "西山") {
		t.Errorf("members of the 东湖 export: %v", names)
	}
	if len(posts) != 1 || !posts[0].Protect {
		t.Fatalf("%d progress messages, want 1 protected: %+v", len(posts), posts)
	}
	if len(edits) < 2 || !strings.Contains(edits[len(edits)-1].Text, "已生成") {
		t.Errorf("progress edits %+v, want progress and then done", edits)
	}
	for _, ed := range edits {
		if ed.MessageID != posts[0].MessageID {
			t.Errorf("edit of message %d, not the progress message %d", ed.MessageID, posts[0].MessageID)
		}
	}
	calls.mu.Lock()
	defer calls.mu.Unlock()
	sends := append(append([]time.Time{}, calls.at["sendMessage"]...), calls.at["editMessageText"]...)
	first := calls.at["sendMessage"][0]
	last := first
	for _, at := range calls.at["editMessageText"] {
		if gap := at.Sub(last); gap < every-5*time.Millisecond {
			t.Errorf("an edit %v after the send before, under the throttle %v", gap, every)
		}
		last = at
	}
	_ = sends
}

// TestE2E_ExportTooLarge: a file over the limit is not sent; the answer
// says how to narrow the export.
func TestE2E_ExportTooLarge(t *testing.T) {
	e, _ := startExportE2E(t, 0, 1000, kit.ProgressTiming{})
	admin := e.user(demoAdminID)
	admin.say("/export")
	for _, s := range admin.got {
		if s.Method == "sendDocument" {
			t.Fatal("a file over the limit was sent")
		}
	}
	text := ""
	for _, s := range admin.got {
		text += s.Text
	}
	if !strings.Contains(text, "超过") || !strings.Contains(text, "/export 东湖") || !strings.Contains(text, "/export 2026") {
		t.Errorf("answer %q does not say how to narrow the export", text)
	}
	inspector := e.user(demoInspectorID)
	inspector.say("/export")
	if got := inspector.got; len(got) == 0 || !strings.Contains(got[0].Text, "只有管理员") {
		t.Errorf("an inspector's /export: %+v", got)
	}
}
