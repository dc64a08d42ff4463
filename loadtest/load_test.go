//go:build load

// Package loadtest measures the running bot from outside, as a separate
// process: a form step's latency, the process's CPU per step and its
// memory, idle and under load. It builds the huifang binary, points it at
// a fake Bot API on loopback, MariaDB and Redis, and drives simulated
// inspectors through the visit form.
//
//	go test -tags load -run TestLoad -v -timeout 10m ./loadtest/
//
// It is not part of `go test ./...` (build tag) because it takes about a
// minute. Each figure is logged and checked against a budget (see
// loadBudget); a figure over its budget fails the test.
package loadtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/huifang/huifang/bot/telegramtest"
)

const token = "424242:LOAD-TEST"

// A simulated inspector waits this long between steps: Telegram allows a
// bot about one message a second per chat, and people are slower still.
const thinkTime = 1100 * time.Millisecond

func TestLoad(t *testing.T) {
	rig := newRig(t, 30, 300001, 15)
	measure(t, rig, rig.fake, loadBudget)
}

// budget is what a run must stay within.
type budget struct {
	idleRSSMB  float64       // resident memory after start-up, idle
	idleCPU    time.Duration // CPU per second, idle (polling, scheduler ticks)
	p50, p99   time.Duration // step latency, in each phase
	cpuPerStep time.Duration // CPU per step above idle, in each phase
	peakRSSMB  float64       // VmHWM over the whole run
}

// loadBudget holds both modes. Measured on the 2-core VM this project
// shares with other engineers' builds and tests (December 2026; polling,
// webhook): idle RSS 27-28 MB and CPU 0-1 ms/s; p50 3-6 ms and p99 15-38
// ms in both phases; 0.7-1.0 ms of CPU per step above idle; peak RSS 34-35
// MB. The budgets are about six times the latencies and two to five times
// the rest: a neighbour's test run can take a whole core for the minute
// this test lasts (the side-by-side bench saw p99 rise from 20 to 165 ms
// that way), and a budget is there to catch a regression or a leak, not
// to grade noise.
var loadBudget = budget{
	idleRSSMB:  64,
	idleCPU:    10 * time.Millisecond,
	p50:        50 * time.Millisecond,
	p99:        250 * time.Millisecond,
	cpuPerStep: 5 * time.Millisecond,
	peakRSSMB:  96,
}

// measure reports idle figures, then a light and a heavier phase, and
// checks each against b.
func measure(t *testing.T, rig *rig, c client, b budget) {
	users, px, proc := rig.users, rig.px, rig.proc
	time.Sleep(2 * time.Second)
	idle := proc.sample(t)
	time.Sleep(10 * time.Second)
	idle2 := proc.sample(t)
	idleCPU := (idle2.cpu - idle.cpu) / 10 // per second
	t.Logf("idle: RSS %.1f MB, CPU %.2f ms/s (polling, scheduler ticks)", idle2.rssMB, ms(idleCPU))
	within(t, "idle RSS (MB)", idle2.rssMB, b.idleRSSMB)
	within(t, "idle CPU (ms/s)", ms(idleCPU), ms(b.idleCPU))

	light := drive(t, c, px, proc, users[:5], 15, idleCPU)
	t.Logf("light load (5 inspectors, 1 step / %.1f s each): %s", thinkTime.Seconds(), light)
	light.check(t, "light", b)
	heavy := drive(t, c, px, proc, users[5:], 15, idleCPU)
	t.Logf("load (25 inspectors, 1 step / %.1f s each): %s", thinkTime.Seconds(), heavy)
	heavy.check(t, "load", b)
	peak := proc.sample(t).hwmMB
	t.Logf("peak RSS over the run (VmHWM): %.1f MB", peak)
	within(t, "peak RSS (MB)", peak, b.peakRSSMB)
}

// check checks a phase's figures against b.
func (r result) check(t *testing.T, phase string, b budget) {
	t.Helper()
	within(t, phase+" p50 (ms)", ms(r.p50), ms(b.p50))
	within(t, phase+" p99 (ms)", ms(r.p99), ms(b.p99))
	within(t, phase+" CPU per step above idle (ms)", ms(r.netPer), ms(b.cpuPerStep))
}

// within fails the test when got is over its budget.
func within(t *testing.T, what string, got, limit float64) {
	t.Helper()
	if got > limit {
		t.Errorf("%s: %.2f, over the budget of %.2f", what, got, limit)
	}
}

// client is how simulated users reach the bot: the fake Bot API queues
// updates for getUpdates; a webhook client posts them to the bot.
type client interface {
	SendText(chatID, userID int64, text string) int
	Press(chatID, userID int64, messageID int, data string) int
}

// rig is a running bot with its database, chat state, fake Bot API and
// simulated inspectors (registered as admins through HUIFANG_ADMINS).
type rig struct {
	bin, dsn string
	env      []string
	fake     *telegramtest.Server
	px       *proxy
	proc     *process
	users    []int64
}

// loadStateKey encrypts the load tests' chat state in Redis (32 bytes).
const loadStateKey = "bG9hZC10ZXN0LXN0YXRlLWtleS0zMi1ieXRlcy0hISE="

// newRig builds and starts the bot with n users numbered from first and
// the Redis database redisDB (one these tests alone use).
func newRig(t *testing.T, n int, first int64, redisDB int, extraEnv ...string) *rig {
	r := prepareRig(t, n, first, redisDB, extraEnv...)
	r.proc = start(t, r.bin, r.env)
	r.px.waitPolling(t)
	return r
}

// prepareRig is newRig up to the start: the database has the demo roster
// and the bot is not running.
func prepareRig(t *testing.T, n int, first int64, redisDB int, extraEnv ...string) *rig {
	r := &rig{bin: buildBinary(t), dsn: createDatabase(t), fake: telegramtest.NewServer(t, token)}
	r.px = newProxy(t, r.fake)
	ids := make([]string, n)
	for i := range n {
		r.users = append(r.users, first+int64(i))
		ids[i] = strconv.FormatInt(r.users[i], 10)
	}
	redisURL := fmt.Sprintf("redis://127.0.0.1:6379/%d", redisDB)
	clearState(t, redisURL)
	r.env = append(os.Environ(),
		"TELEGRAM_BOT_TOKEN="+token, "TELEGRAM_API_ENDPOINT="+r.px.endpoint(),
		"MYSQL_DSN="+r.dsn, "REDIS_URL="+redisURL, "HUIFANG_STATE_KEY="+loadStateKey,
		"HUIFANG_ADMINS="+strings.Join(ids, ","), "HUIFANG_POLL_TIMEOUT=5s", "HUIFANG_LOG_LEVEL=warn")
	r.env = append(r.env, extraEnv...)
	run(t, r.bin, r.env, "demo")
	return r
}

// result is what one phase measured.
type result struct {
	steps    int
	p50, p99 time.Duration
	cpuPer   time.Duration // process CPU over the phase per step
	netPer   time.Duration // the same less the idle CPU of the phase's duration
	rssMaxMB float64
}

func (r result) String() string {
	return fmt.Sprintf("%d steps, latency p50 %.2f ms p99 %.2f ms, bot CPU %.3f ms/step (%.3f above idle), max RSS %.1f MB",
		r.steps, ms(r.p50), ms(r.p99), ms(r.cpuPer), ms(r.netPer), r.rssMaxMB)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// drive runs each user through /visit and `steps` method toggles, all
// users at once, and measures the phase.
func drive(t *testing.T, fake client, px *proxy, proc *process, users []int64, steps int, idleCPU time.Duration) result {
	t.Helper()
	for _, u := range users { // open the form first; not measured
		px.step(t, fake, u, func() { fake.SendText(u, u, "/visit 李四") })
		px.press(t, fake, u, "今天")
	}
	before := proc.sample(t)
	began := time.Now()
	stop := make(chan struct{})
	rssMax := make(chan float64, 1)
	go proc.watchRSS(stop, rssMax)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func(u int64) {
			defer wg.Done()
			for i := 0; i < steps; i++ {
				time.Sleep(thinkTime)
				d := px.press(t, fake, u, "谈心谈话")
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}(u)
	}
	wg.Wait()
	close(stop)
	after := proc.sample(t)
	slices.Sort(lat)
	used := after.cpu - before.cpu
	idle := time.Duration(time.Since(began).Seconds() * float64(idleCPU))
	return result{
		steps:    len(lat),
		p50:      lat[len(lat)/2],
		p99:      lat[(len(lat)*99)/100],
		cpuPer:   used / time.Duration(len(lat)),
		netPer:   max(used-idle, 0) / time.Duration(len(lat)),
		rssMaxMB: <-rssMax,
	}
}

// buildBinary builds the bot, or takes HUIFANG_LOAD_BIN when set.
func buildBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("HUIFANG_LOAD_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "huifang")
	// As the image builds it (Dockerfile): its memory is what is measured.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func createDatabase(t *testing.T) string {
	t.Helper()
	root := os.Getenv("HUIFANG_TEST_MYSQL_DSN")
	if root == "" {
		root = "root@tcp(127.0.0.1:3306)/test"
	}
	db, err := sql.Open("mysql", root)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "huifang_load_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create database (is MariaDB running?): %v", err)
	}
	t.Cleanup(func() {
		_, _ = db.Exec("DROP DATABASE " + name)
		_ = db.Close()
	})
	return strings.Replace(root, "/test", "/"+name, 1)
}

// clearState deletes the bot's keys in a Redis database that only these
// tests use, before and after the test, so runs do not see each other's
// conversations.
func clearState(t *testing.T, redisURL string) {
	t.Helper()
	clear := func() {
		opt, err := redis.ParseURL(redisURL)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, "huifang:*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Fatalf("redis (is it running?): %v", err)
		}
	}
	clear()
	t.Cleanup(clear)
}

func run(t *testing.T, bin string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// process is the bot under test.
type process struct{ cmd *exec.Cmd }

func start(t *testing.T, bin string, env []string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
		if logs.Len() > 0 {
			t.Logf("bot log:\n%s", logs.String())
		}
	})
	return &process{cmd: cmd}
}

type sample struct {
	cpu          time.Duration
	rssMB, hwmMB float64
}

// sample reads the process's CPU time and memory from /proc.
func (p *process) sample(t *testing.T) sample {
	t.Helper()
	pid := p.cmd.Process.Pid
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // CLK_TCK on Linux
	s := sample{cpu: time.Duration(utime+stime) * time.Second / ticks}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			s.rssMB = kb / 1024
		case "VmHWM":
			s.hwmMB = kb / 1024
		}
	}
	return s
}

func (p *process) watchRSS(stop chan struct{}, out chan<- float64) {
	maxMB := 0.0
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			out <- maxMB
			return
		case <-tick.C:
			status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(status), "\n") {
				if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
					kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
					maxMB = max(maxMB, kb/1024)
				}
			}
		}
	}
}

// proxy stands between the bot and the fake Bot API and notes, per chat,
// when a message with buttons was sent or edited, and its keyboard.
type proxy struct {
	srv    *httptest.Server
	fake   *telegramtest.Server
	mu     sync.Mutex
	chats  map[int64]*chatLog
	polled chan struct{}
	once   sync.Once
	polls  atomic.Int64 // getUpdates calls so far
}

type chatLog struct {
	msgID   int
	markup  string
	arrived chan struct{} // a message with buttons arrived
	saved   chan struct{} // a "saved as visit record" message arrived
}

func newProxy(t *testing.T, fake *telegramtest.Server) *proxy {
	p := &proxy{fake: fake, chats: map[int64]*chatLog{}, polled: make(chan struct{})}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) endpoint() string { return p.srv.URL + "/bot%s/%s" }

func (p *proxy) chat(id int64) *chatLog {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.chats[id]
	if c == nil {
		c = &chatLog{arrived: make(chan struct{}, 16), saved: make(chan struct{}, 16)}
		p.chats[id] = c
	}
	return c
}

func (p *proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	target := strings.TrimSuffix(p.fake.Endpoint(), "/bot%s/%s") + r.URL.Path
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := p.fake.Client().Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	if method == "getUpdates" || method == "setWebhook" {
		p.once.Do(func() { close(p.polled) }) // the bot is up
	}
	if method == "getUpdates" {
		p.polls.Add(1)
	}
	if method == "sendMessage" || method == "editMessageText" {
		p.note(body, out, method)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// note records a message with buttons for its chat.
func (p *proxy) note(body, answer []byte, method string) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return
	}
	chatID, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)
	if strings.Contains(form.Get("text"), "回访记录编号") {
		p.chat(chatID).saved <- struct{}{}
	}
	if form.Get("reply_markup") == "" {
		return
	}
	msgID, _ := strconv.Atoi(form.Get("message_id"))
	if method == "sendMessage" {
		var a struct {
			Result struct {
				MessageID int `json:"message_id"`
			} `json:"result"`
		}
		_ = json.Unmarshal(answer, &a)
		msgID = a.Result.MessageID
	}
	c := p.chat(chatID)
	p.mu.Lock()
	c.msgID, c.markup = msgID, form.Get("reply_markup")
	p.mu.Unlock()
	c.arrived <- struct{}{}
}

func (p *proxy) waitPolling(t *testing.T) {
	select {
	case <-p.polled:
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not start polling within 30 s")
	}
}

// step runs send and waits for the next message with buttons in chat u.
func (p *proxy) step(t *testing.T, fake client, u int64, send func()) time.Duration {
	c := p.chat(u)
	for len(c.arrived) > 0 {
		<-c.arrived
	}
	start := time.Now()
	send()
	select {
	case <-c.arrived:
		return time.Since(start)
	case <-time.After(20 * time.Second):
		t.Errorf("chat %d: no answer within 20 s", u)
		return 20 * time.Second
	}
}

// press presses the button of chat u's newest keyboard labelled label. A
// prompt sent again after a restart can arrive late, so when the newest
// keyboard lacks the label it waits for the next one (up to 20 s).
func (p *proxy) press(t *testing.T, fake client, u int64, label string) time.Duration {
	msgID, data, err := p.find(u, label, 20*time.Second)
	if err != nil {
		t.Errorf("chat %d: %v", u, err)
		return 0
	}
	return p.step(t, fake, u, func() { fake.Press(u, u, msgID, data) })
}

// find returns the message id and data of the button labelled label in
// chat u's newest keyboard, waiting for newer keyboards until timeout.
func (p *proxy) find(u int64, label string, timeout time.Duration) (int, string, error) {
	c := p.chat(u)
	deadline := time.After(timeout)
	for {
		p.mu.Lock()
		msgID, markup := c.msgID, c.markup
		p.mu.Unlock()
		var kb struct {
			InlineKeyboard [][]struct {
				Text         string `json:"text"`
				CallbackData string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		_ = json.Unmarshal([]byte(markup), &kb)
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					return msgID, b.CallbackData, nil
				}
			}
		}
		select {
		case <-c.arrived:
		case <-deadline:
			return 0, "", fmt.Errorf("no button %q in %s", label, markup)
		}
	}
}
