// Package metrics counts what Huifang does, in Prometheus's format, and
// serves /healthz, /readyz and /metrics (server.go). It is the only
// package that imports the Prometheus client: bot/, handlers/ and the
// scheduler declare small Observer interfaces that *Metrics implements,
// and main wires it in, so that none of them depends on this package.
package metrics

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Update kinds and outcomes. The kinds are bot.UpdateKind's; any other is
// counted as "other".
var (
	updateKinds    = []string{"command", "text", "callback", "document", "other"}
	updateOutcomes = []string{outcomeOK, outcomeError, outcomePanic}
)

const (
	outcomeOK    = "ok"
	outcomeError = "error" // the handler failed and apologised
	outcomePanic = "panic"
)

// Metrics holds every Huifang metric in its own registry.
type Metrics struct {
	reg *prometheus.Registry

	updates        *prometheus.CounterVec
	updateSeconds  *prometheus.HistogramVec
	byKind         map[string]*kindMetrics // pre-resolved children: no lookups per update
	calls          *prometheus.CounterVec
	retries        *prometheus.CounterVec
	planned        prometheus.Counter
	finished       *prometheus.CounterVec
	requeued       prometheus.Counter
	uncertain      prometheus.Counter
	auditFailures  prometheus.Counter
	stateConflicts prometheus.Counter
	leader         *prometheus.GaugeVec
}

// kindMetrics are the children of one update kind.
type kindMetrics struct {
	outcomes map[string]prometheus.Counter
	seconds  prometheus.Observer
}

// New returns Metrics with every metric registered, and the Go runtime's
// and the process's.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), byKind: map[string]*kindMetrics{}}
	m.updates = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huifang_updates_total",
		Help: "Telegram updates handled, by kind (command, text, callback, document, other) and outcome (ok, error, panic)."},
		[]string{"kind", "outcome"})
	m.updateSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "huifang_update_duration_seconds",
		Help:    "Time to handle one update (load state, dispatch, save state), by kind; sending the answer is not included.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"kind"})
	m.calls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huifang_telegram_requests_total",
		Help: "Bot API requests, by method and outcome (ok, rate_limited = 429, blocked = 403, client_error, server_error, network)."},
		[]string{"method", "outcome"})
	m.retries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huifang_telegram_retries_total",
		Help: "Bot API requests tried again, by reason (rate_limited: a 429 waited out; transient: a network error or 5xx)."},
		[]string{"reason"})
	m.planned = prometheus.NewCounter(prometheus.CounterOpts{Name: "huifang_deliveries_planned_total",
		Help: "Reminders and digests recorded by planning passes."})
	m.finished = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "huifang_deliveries_finished_total",
		Help: "Attempts to send a reminder or digest, by kind and status (sent, blocked, pending = to retry, failed)."},
		[]string{"kind", "status"})
	m.requeued = prometheus.NewCounter(prometheus.CounterOpts{Name: "huifang_deliveries_requeued_total",
		Help: "Deliveries a dead sender had claimed but not begun, sent again."})
	m.uncertain = prometheus.NewCounter(prometheus.CounterOpts{Name: "huifang_deliveries_uncertain_total",
		Help: "Deliveries a dead sender was sending: maybe arrived, never resent, shown to admins."})
	m.auditFailures = prometheus.NewCounter(prometheus.CounterOpts{Name: "huifang_audit_write_failures_total",
		Help: "Audit rows that could not be written (the view or change they record was refused)."})
	m.stateConflicts = prometheus.NewCounter(prometheus.CounterOpts{Name: "huifang_state_conflicts_total",
		Help: "Chat-state compare-and-set conflicts (another replica changed the chat meanwhile)."})
	m.leader = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "huifang_leader",
		Help: "1 while this process holds the named lock: poll (the getUpdates lease), plan or send (the scheduler's)."},
		[]string{"lock"})
	m.reg.MustRegister(m.updates, m.updateSeconds, m.calls, m.retries, m.planned, m.finished, m.requeued, m.uncertain,
		m.auditFailures, m.stateConflicts, m.leader,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, k := range updateKinds {
		km := &kindMetrics{outcomes: map[string]prometheus.Counter{}, seconds: m.updateSeconds.WithLabelValues(k)}
		for _, o := range updateOutcomes {
			km.outcomes[o] = m.updates.WithLabelValues(k, o)
		}
		m.byKind[k] = km
	}
	for _, l := range []string{"poll", "plan", "send"} {
		m.leader.WithLabelValues(l).Set(0)
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Gauges adds a gauge read at every scrape: fn returns a value per label
// value (e.g. a queue's depth per queue name). fn must be quick or bound
// its own time; it gets the scrape's context.
func (m *Metrics) Gauges(name, help, label string, fn func(ctx context.Context) map[string]float64) {
	m.reg.MustRegister(&funcCollector{desc: prometheus.NewDesc(name, help, []string{label}, nil), fn: fn})
}

// funcCollector is a gauge whose values a function returns at scrape.
type funcCollector struct {
	desc *prometheus.Desc
	fn   func(ctx context.Context) map[string]float64
}

func (c *funcCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *funcCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for k, v := range c.fn(ctx) {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, k)
	}
}

// scrapeTimeout bounds a gauge function at scrape.
const scrapeTimeout = 2 * time.Second

// updateKey is the context key of the update being handled.
type updateKey struct{}

// update is what is known of the update being handled.
type update struct {
	m      *kindMetrics
	start  time.Time
	failed atomic.Bool
}

// BeginUpdate implements bot.Observer: it times the update and notes in
// the context where UpdateFailed marks it.
func (m *Metrics) BeginUpdate(ctx context.Context, kind string) (context.Context, func(panicked bool)) {
	km := m.byKind[kind]
	if km == nil {
		km = m.byKind["other"]
	}
	u := &update{m: km, start: time.Now()}
	return context.WithValue(ctx, updateKey{}, u), u.end
}

// end counts the update with its outcome and time.
func (u *update) end(panicked bool) {
	u.m.seconds.Observe(time.Since(u.start).Seconds())
	switch {
	case panicked:
		u.m.outcomes[outcomePanic].Inc()
	case u.failed.Load():
		u.m.outcomes[outcomeError].Inc()
	default:
		u.m.outcomes[outcomeOK].Inc()
	}
}

// UpdateFailed implements handlers.Observer.
func (m *Metrics) UpdateFailed(ctx context.Context) {
	if u, ok := ctx.Value(updateKey{}).(*update); ok {
		u.failed.Store(true)
	}
}

// StateConflict implements handlers.Observer.
func (m *Metrics) StateConflict(context.Context) { m.stateConflicts.Inc() }

// Call implements bot.Observer.
func (m *Metrics) Call(method, outcome string) { m.calls.WithLabelValues(method, outcome).Inc() }

// Retry implements bot.Observer.
func (m *Metrics) Retry(reason string) { m.retries.WithLabelValues(reason).Inc() }

// Planned implements scheduler.Observer.
func (m *Metrics) Planned(n int) { m.planned.Add(float64(n)) }

// Finished implements scheduler.Observer.
func (m *Metrics) Finished(kind, status string) { m.finished.WithLabelValues(kind, status).Inc() }

// Expired implements scheduler.Observer.
func (m *Metrics) Expired(requeued, uncertain int) {
	m.requeued.Add(float64(requeued))
	m.uncertain.Add(float64(uncertain))
}

// AuditFailed counts an audit row that could not be written.
func (m *Metrics) AuditFailed() { m.auditFailures.Inc() }

// Leader sets whether this process holds the named lock.
func (m *Metrics) Leader(lock string, held bool) {
	v := 0.0
	if held {
		v = 1
	}
	m.leader.WithLabelValues(lock).Set(v)
}
