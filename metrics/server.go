package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Check is one dependency /readyz asks: its name and how to ask it.
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// checkTimeout bounds each readiness check.
const checkTimeout = 3 * time.Second

// Readiness is what /readyz answers: not ready until SetChecks is called
// (the process is starting: waiting for MySQL or Redis, migrating), then
// ready while every check passes.
type Readiness struct {
	log    *slog.Logger
	mu     sync.Mutex
	checks []Check
	set    bool
	failed map[string]bool // checks failing at the last probe, to log changes only
}

// NewReadiness returns a Readiness that is not ready yet.
func NewReadiness(log *slog.Logger) *Readiness {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Readiness{log: log, failed: map[string]bool{}}
}

// SetChecks makes the process ready while every check passes.
func (r *Readiness) SetChecks(checks ...Check) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks, r.set = checks, true
}

// probe runs every check at once and reports each one's result by name
// (nil when it passed), and whether the process is ready.
func (r *Readiness) probe(ctx context.Context) (results []string, ready bool) {
	r.mu.Lock()
	checks, set := r.checks, r.set
	r.mu.Unlock()
	if !set {
		return []string{"starting: not ready yet"}, false
	}
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			errs[i] = c.Fn(cctx)
		})
	}
	wg.Wait()
	ready = true
	for i, c := range checks {
		state := "ok"
		if errs[i] != nil {
			state, ready = "failing", false
		}
		r.logChange(c.Name, errs[i])
		results = append(results, c.Name+": "+state)
	}
	return results, ready
}

// logChange logs a check that starts or stops failing, once. The error
// goes to the log only, never to the HTTP answer.
func (r *Readiness) logChange(name string, err error) {
	r.mu.Lock()
	was := r.failed[name]
	r.failed[name] = err != nil
	r.mu.Unlock()
	switch {
	case err != nil && !was:
		r.log.Warn("not ready: a dependency fails", "check", name, "err", err)
	case err == nil && was:
		r.log.Info("ready again: the dependency answers", "check", name)
	}
}

// Mux serves /healthz (the process is alive: always 200), /readyz (200
// when ready, else 503, one line per check) and /metrics.
func (m *Metrics) Mux(ready *Readiness) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		results, ok := ready.probe(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_, _ = w.Write([]byte(strings.Join(results, "\n") + "\n"))
	})
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// Serve serves h on addr until ctx ends, then shuts down within 5 s. It
// returns once it listens (or failed to), serving in the background;
// done is closed when the server has stopped.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (done <-chan struct{}, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	log.Info("serving health and metrics", "listen", ln.Addr().String(), "paths", "/healthz /readyz /metrics")
	return stopped, nil
}
