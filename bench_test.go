package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/internal/cputime"
	"github.com/huifang/huifang/metrics"
	"github.com/huifang/huifang/models/modelstest"
)

// buttonData returns the data of the button labelled label in r.
func buttonData(tb testing.TB, r handlers.Response, label string) string {
	tb.Helper()
	for _, m := range r.Messages {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					return b.Data
				}
			}
		}
	}
	tb.Fatalf("no button %q in %+v", label, r)
	return ""
}

// BenchmarkApp_FormStep measures one form step in the handlers with the
// real stores: load the chat's state from Redis, apply a button press
// (toggle a visit method), render the question, compare-and-set the state.
func BenchmarkApp_FormStep(b *testing.B) {
	benchFormStep(b, nil)
}

// BenchmarkApp_FormStep_Metered is the same step with the metrics serve
// adds (HUIFANG_METRICS_LISTEN): the handlers' observer and bot's update
// middleware, counting the update and timing it. The difference to
// BenchmarkApp_FormStep is the instrumentation's cost per update.
func BenchmarkApp_FormStep_Metered(b *testing.B) {
	benchFormStep(b, metrics.New())
}

func benchFormStep(b *testing.B, m *metrics.Metrics) {
	store := modelstest.OpenMySQL(b)
	state := modelstest.OpenRedis(b)
	ctx := context.Background()
	if err := store.LoadDemo(ctx, demoAdminID, demoInspectorID); err != nil {
		b.Fatal(err)
	}
	o := handlers.Options{Store: store, State: state, Location: shanghai(b)}
	if m != nil {
		o.Observer = m
	}
	app, err := handlers.New(o)
	if err != nil {
		b.Fatal(err)
	}
	var h handlers.Handler = app
	if m != nil {
		h = bot.Observed(m, app)
	}
	upd := 0
	send := func(in handlers.Input) handlers.Response {
		upd++
		in.UpdateID, in.ChatID, in.UserID, in.ChatType = upd, demoInspectorID, demoInspectorID, handlers.ChatPrivate
		return h.Handle(ctx, in)
	}
	send(handlers.Input{Text: "/visit 李四"})
	r := send(handlers.Input{Callback: "", Text: time.Now().In(shanghai(b)).Format("2006-01-02")})
	b.ReportAllocs()
	cpu := startCPU(b)
	for i := 0; i < b.N; i++ {
		r = send(handlers.Input{Callback: buttonData(b, r, "谈心谈话"), MessageID: 1})
	}
	cpu.report()
}

// cpuMeter reports the process's CPU time (user + system) per operation,
// which is what the form-step target is about: wall time here is mostly
// waiting for Redis and MariaDB.
type cpuMeter struct {
	b     *testing.B
	start time.Duration
}

func startCPU(b *testing.B) cpuMeter {
	b.ResetTimer()
	return cpuMeter{b: b, start: processCPU(b)}
}

func (c cpuMeter) report() {
	c.b.StopTimer()
	used := processCPU(c.b) - c.start
	c.b.ReportMetric(float64(used.Nanoseconds())/float64(c.b.N), "cpu-ns/op")
}

func processCPU(b *testing.B) time.Duration {
	cpu, ok := cputime.Self()
	if !ok {
		b.Fatal("this platform does not report process CPU time")
	}
	return cpu
}

// BenchmarkE2E_FormStep is the same step through the real Telegram client
// and a fake Bot API on loopback: update in, state in Redis, reply out. The
// fake server runs in this process, so its cost is included.
func BenchmarkE2E_FormStep(b *testing.B) {
	e := startE2E(b)
	u := e.user(demoInspectorID)
	u.say("/visit 李四")
	u.press("今天")
	b.ReportAllocs()
	cpu := startCPU(b)
	for i := 0; i < b.N; i++ {
		u.press("谈心谈话")
	}
	cpu.report()
}
