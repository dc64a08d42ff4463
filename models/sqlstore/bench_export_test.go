package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/export"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/internal/cputime"
	"github.com/huifang/huifang/internal/memlimit"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// The export benchmark's roster: issue 9's figure.
const (
	exportMembers = 10_000
	exportVisits  = 30_000 // three per member
)

// BenchmarkStore_Export writes the whole export workbook (store.Export
// into export.Workbook, then the .xlsx) of 10,000 members, 15,000
// sanctions and 30,000 visits with texts of a realistic length, read by
// an admin from MariaDB. The roster is generated once, before the timed
// loop. Besides time and allocations it reports the file's size, the
// peak heap in use and the peak resident set size of the process during
// the exports (both sampled every 5 ms).
func BenchmarkStore_Export(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	start := time.Now()
	if err := fillExportRoster(ctx, s); err != nil {
		b.Fatalf("generate roster: %v", err)
	}
	if err := sqlstore.ExecForTest(ctx, s, "ANALYZE TABLE members, sanctions, visits, visit_sanctions, units, users"); err != nil {
		b.Fatal(err)
	}
	b.Logf("roster generated in %s", time.Since(start).Round(time.Millisecond))
	cat, err := kit.NewCatalogue(kit.Locales, export.Locales)
	if err != nil {
		b.Fatal(err)
	}
	tr := cat.Lang(kit.LangZH)
	admin := models.Viewer{TelegramID: 1, Role: models.RoleAdmin}

	// As the binary runs it (main's tuneGC, and the lift dataexport.Write
	// takes around an export), unless GOGC or GOMEMLIMIT are set.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(28 << 20))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, baseRSS := ms.HeapInuse, residentBytes()
	peak, stop := sampleHeap()
	peakRSS, stopRSS := sampleRSS()
	size, rows := 0, 0
	var read, written time.Duration
	cpu0 := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		release := memlimit.Raise(memlimit.Export)
		w, err := export.New(tr, export.Info{Generated: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		counts, err := s.Export(ctx, admin, models.ExportScope{}, w)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var buf bytes.Buffer
		if err := w.Write(&buf); err != nil {
			b.Fatal(err)
		}
		read += t1.Sub(t0)
		written += time.Since(t1)
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		release()
		size, rows = buf.Len(), counts.Total()
	}
	cpu := cpuTime() - cpu0
	stop()
	stopRSS()
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	if rows != exportMembers+exportMembers*3/2+exportVisits {
		b.Fatalf("%d rows exported", rows)
	}
	b.ReportMetric(read.Seconds()/float64(b.N), "read+rows-s/op")
	b.ReportMetric(written.Seconds()/float64(b.N), "write-s/op")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
	b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(baseRSS)/(1<<20), "base-RSS-MiB")
	b.ReportMetric(float64(peakRSS.Load())/(1<<20), "peak-RSS-MiB")
}

// cpuTime is the user and system CPU time of the process so far: on a
// loaded machine a better measure of the work than the wall clock.
func cpuTime() time.Duration {
	cpu, _ := cputime.Self()
	return cpu
}

// residentBytes is the process's resident set size (VmRSS), 0 where
// /proc is not there.
func residentBytes() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// sampleRSS records the largest resident set size seen until stop.
func sampleRSS() (peak *atomic.Uint64, stop func()) { return samplePeak(residentBytes) }

// fillExportRoster inserts the export benchmark's units and users (those
// of the calendar benchmark), 10,000 members, 15,000 sanctions and 30,000
// visits, each visit linked to its member's first sanction.
func fillExportRoster(ctx context.Context, s *sqlstore.Store) error {
	return sqlstore.BulkInsertForTest(ctx, s, benchBatch, func(insert func(rows any) error) error {
		if err := insertUnitsUsers(insert); err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(3, 4))
		var (
			members   []models.Member
			sanctions []models.Sanction
			visits    []models.Visit
			links     []models.VisitSanction
		)
		for id := uint64(1); id <= exportMembers; id++ {
			m := benchMember(rng, id)
			m.Post, m.UnitAppraisal = "科员", longText(rng, 120)
			members = append(members, m)
			first := uint64(len(sanctions) + 1)
			for j := range 1 + int(id%2) {
				decided := benchToday.AddDate(0, 0, -rng.IntN(5*365))
				sanctions = append(sanctions, models.Sanction{ID: uint64(len(sanctions) + 1), MemberID: id,
					Kind: models.GovDemerit, DecisionNo: fmt.Sprintf("E%d-%d", id, j), DecisionDate: decided,
					EffectiveDate: decided, PeriodEnd: models.PeriodEnd(models.GovDemerit, decided, 0),
					CreatedAt: benchToday, UpdatedAt: benchToday})
			}
			for j := range 3 {
				n := int(id)*3 + j
				v := benchVisit(rng, id, n, benchToday.AddDate(0, 0, -rng.IntN(3*365)))
				v.ID = uint64(len(visits) + 1)
				v.IdemKey = "ev" + strconv.Itoa(n)
				v.Thinking, v.Work, v.Help = longText(rng, 200), longText(rng, 150), longText(rng, 100)
				v.Difficulties, v.Opinions, v.Study = longText(rng, 60), longText(rng, 60), longText(rng, 80)
				v.Review = models.ReviewApproved
				visits = append(visits, v)
				links = append(links, models.VisitSanction{VisitID: v.ID, SanctionID: first})
			}
		}
		for name, rows := range map[string]any{"members": &members, "sanctions": &sanctions, "visits": &visits, "links": &links} {
			if err := insert(rows); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	})
}

// longText is n characters of Chinese text.
func longText(rng *rand.Rand, n int) string {
	const words = "认识到位表现良好积极工作帮扶教育家庭困难学习党章党规整改落实思想稳定"
	rs := []rune(words)
	var b strings.Builder
	for range n {
		b.WriteRune(rs[rng.IntN(len(rs))])
	}
	return b.String()
}
