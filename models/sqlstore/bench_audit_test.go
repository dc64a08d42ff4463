package sqlstore_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/huifang/huifang/internal/cputime"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// BenchmarkStore_AuditedView measures a cheap audited transaction (an
// exact-name search with one result: indexed reads and its audit row) on MySQL,
// one at a time and from 16 goroutines at once (16 administrators): rows
// of one chain are chained one after the other (auditchain.go), so this is
// where the chains cost, and where spreading actors over chains pays.
func BenchmarkStore_AuditedView(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := s.LoadDemo(ctx, adminTG, inspectorTG); err != nil {
		b.Fatal(err)
	}
	admin := models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
	ms, err := s.SearchMembers(ctx, admin, "李四", 1)
	if err != nil {
		b.Fatal(err)
	}
	query := func(v models.Viewer) error {
		_, err := s.SearchMembers(ctx, v, ms[0].Member.Name, 1)
		return err
	}
	b.Run("Serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := query(admin); err != nil {
				b.Fatal(err)
			}
		}
	})
	// 16 administrators at once: their rows go to different chains.
	// cpu-µs/op is this process's CPU per audited view (MariaDB's is not
	// in it): START TRANSACTION, the search, the chain's compare-and-set,
	// the audit row and COMMIT, each a round trip.
	var next atomic.Int64
	b.Run("Parallel16", func(b *testing.B) {
		cputime.RunParallel(b, 16, func() func() error {
			v := models.Viewer{TelegramID: adminTG + next.Add(1), Role: models.RoleAdmin}
			return func() error { return query(v) }
		})
	})
}

// BenchmarkStore_AdminDigest is an admin's digest of the calendar
// benchmark's roster (100,000 members): the calendar pass of
// BenchmarkStore_DueItems, read inside the transaction of the digest's
// audit row, where sanctions and visits are held in memory (one
// connection reads one result set at a time). It reports the peak heap.
func BenchmarkStore_AdminDigest(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := fillBenchRoster(ctx, s); err != nil {
		b.Fatalf("generate roster: %v", err)
	}
	if err := sqlstore.ExecForTest(ctx, s, "ANALYZE TABLE members, sanctions, visits, units, users"); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	peak, stop := sampleHeap()
	admin := models.Viewer{TelegramID: 1, Role: models.RoleAdmin}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Digest(ctx, admin, models.CalendarRules{}, benchToday, benchToday.AddDate(0, 0, -7)); err != nil {
			b.Fatal(err)
		}
	}
	stop()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}
