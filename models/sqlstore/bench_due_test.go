package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// The calendar benchmark's roster.
const (
	benchTownships = 20
	benchBranches  = 280 // 14 per township
	benchMembers   = 100_000
	benchSanctions = 150_000 // two for the first half of the members, one for the rest
	benchVisits    = 300_000 // three per member
	benchChunk     = 10_000  // members generated (and inserted) at a time
	benchBatch     = 1_000   // rows per INSERT
)

var benchToday = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// BenchmarkStore_DueItems runs one calendar pass (DueItems) over 100,000
// members, 150,000 sanctions and 300,000 visits in MariaDB, with 301 units
// and 300 users. The roster is generated once, before the timed loop, in
// one transaction. Besides time and allocations per pass it reports the
// peak heap in use during the passes (sampled every 5 ms) and the number
// of items.
func BenchmarkStore_DueItems(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	start := time.Now()
	if err := fillBenchRoster(ctx, s); err != nil {
		b.Fatalf("generate roster: %v", err)
	}
	if err := sqlstore.ExecForTest(ctx, s, "ANALYZE TABLE members, sanctions, visits, units, users"); err != nil {
		b.Fatal(err)
	}
	b.Logf("roster generated in %s", time.Since(start).Round(time.Millisecond))

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	peak, stop := sampleHeap()
	items := 0
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.DueItems(ctx, models.CalendarRules{}, benchToday)
		if err != nil {
			b.Fatal(err)
		}
		items = len(got)
	}
	stop()
	b.ReportMetric(float64(items), "items")
	b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
}

// sampleHeap records the largest HeapInuse seen until stop is called.
func sampleHeap() (peak *atomic.Uint64, stop func()) {
	var ms runtime.MemStats
	return samplePeak(func() uint64 { runtime.ReadMemStats(&ms); return ms.HeapInuse })
}

// samplePeak records the largest value read returns, every 5 ms, until
// stop is called.
func samplePeak(read func() uint64) (peak *atomic.Uint64, stop func()) {
	peak = new(atomic.Uint64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return peak, func() { close(done); wg.Wait() }
}

// insertUnitsUsers inserts the calendar benchmark's units and users,
// which every roster benchmark starts from.
func insertUnitsUsers(insert func(rows any) error) error {
	units, users := benchUnits(), benchUsers()
	if err := insert(&units); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	if err := insert(&users); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	return nil
}

// fillBenchRoster inserts the benchmark's units, users, members,
// sanctions and visits, with explicit ids, in one transaction.
func fillBenchRoster(ctx context.Context, s *sqlstore.Store) error {
	return sqlstore.BulkInsertForTest(ctx, s, benchBatch, func(insert func(rows any) error) error {
		if err := insertUnitsUsers(insert); err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for first := 1; first <= benchMembers; first += benchChunk {
			members, sanctions, visits := benchChunkRows(rng, first)
			for name, rows := range map[string]any{"members": &members, "sanctions": &sanctions, "visits": &visits} {
				if err := insert(rows); err != nil {
					return fmt.Errorf("%s from member %d: %w", name, first, err)
				}
			}
		}
		return nil
	})
}

// benchUnits is a root, 20 townships and 280 branches, ids 1..301.
func benchUnits() []models.Unit {
	units := []models.Unit{{ID: 1, Name: "区纪委", Path: "/1/"}}
	for t := uint64(2); t < 2+benchTownships; t++ {
		units = append(units, models.Unit{ID: t, ParentID: ptr(uint64(1)), Name: fmt.Sprintf("镇%d", t), Path: fmt.Sprintf("/1/%d/", t)})
	}
	for i := range uint64(benchBranches) {
		id, parent := 2+benchTownships+i, 2+i%benchTownships
		units = append(units, models.Unit{ID: id, ParentID: &parent, Name: fmt.Sprintf("支部%d", id),
			Path: fmt.Sprintf("/1/%d/%d/", parent, id)})
	}
	return units
}

// benchUsers: per township a supervisor and two inspectors, and an
// inspector in 240 of the branches; every twentieth user is revoked.
func benchUsers() []models.User {
	var users []models.User
	add := func(role models.Role, unit uint64) {
		n := int64(len(users) + 1)
		u := models.User{TelegramID: 100_000 + n, Name: fmt.Sprintf("用户%d", n), Role: role, UnitID: unit, Lang: "zh", Digest: models.DigestWeekly}
		if n%20 == 0 {
			u.RevokedAt = &benchToday
		}
		users = append(users, u)
	}
	for t := uint64(2); t < 2+benchTownships; t++ {
		add(models.RoleSupervisor, t)
		add(models.RoleInspector, t)
		add(models.RoleInspector, t)
	}
	for i := range uint64(240) {
		add(models.RoleInspector, 2+benchTownships+i)
	}
	return users
}

// benchChunkRows generates members first..first+benchChunk-1 with their
// sanctions and visits.
func benchChunkRows(rng *rand.Rand, first int) ([]models.Member, []models.Sanction, []models.Visit) {
	kinds := []models.SanctionKind{models.PartyWarning, models.PartySeriousWarning, models.GovWarning, models.GovDemerit,
		models.GovMajorDemerit, models.GovDemotion, models.PartyPostRemoval, models.GovExpulsion}
	members := make([]models.Member, 0, benchChunk)
	var sanctions []models.Sanction
	var visits []models.Visit
	for id := first; id < first+benchChunk; id++ {
		m := benchMember(rng, uint64(id))
		members = append(members, m)
		n := 1
		if id <= benchMembers/2 {
			n = 2
		}
		var earliest time.Time
		for j := range n {
			sid := uint64(len(sanctions)) + uint64(sanctionsBefore(first)) + 1
			decided := benchToday.AddDate(0, 0, -rng.IntN(6*365))
			kind := kinds[rng.IntN(len(kinds))]
			sn := models.Sanction{ID: sid, MemberID: m.ID, Kind: kind, DecisionNo: fmt.Sprintf("B%d-%d", id, j),
				DecisionDate: decided, EffectiveDate: decided, PeriodEnd: models.PeriodEnd(kind, decided, 0),
				CreatedAt: benchToday, UpdatedAt: benchToday}
			if sn.PeriodEnd != nil && sn.PeriodEnd.Before(benchToday) && rng.IntN(5) == 0 {
				sn.LiftedOn = sn.PeriodEnd
			}
			if earliest.IsZero() || decided.Before(earliest) {
				earliest = decided
			}
			sanctions = append(sanctions, sn)
		}
		for j := range 3 {
			span := max(int(benchToday.Sub(earliest).Hours()/24), 1)
			visits = append(visits, benchVisit(rng, m.ID, id*3+j, earliest.AddDate(0, 0, rng.IntN(span))))
		}
	}
	return members, sanctions, visits
}

// sanctionsBefore is the number of sanctions of the members before first.
func sanctionsBefore(first int) int {
	before := first - 1
	return before + min(before, benchMembers/2)
}

func benchMember(rng *rand.Rand, id uint64) models.Member {
	ranks := []models.Rank{models.RankSectionCadre, models.RankCivilServant, models.RankOther, models.RankOther, models.RankOther}
	unit := 2 + benchTownships + id%benchBranches
	m := models.Member{ID: id, Name: fmt.Sprintf("成员%d", id), UnitID: unit, Rank: ranks[rng.IntN(len(ranks))],
		Key: rng.IntN(10) == 0, CreatedAt: benchToday, UpdatedAt: benchToday.AddDate(0, 0, -rng.IntN(400))}
	if rng.IntN(20) == 0 { // interactive: the first inspector of the member's township
		township := 2 + (unit-2-benchTownships)%benchTownships
		a := int64(100_000 + (township-2)*3 + 2)
		m.AssigneeID, m.IntervalMonths = &a, 3+3*rng.IntN(2)
	}
	return m
}

func benchVisit(rng *rand.Rand, member uint64, n int, on time.Time) models.Visit {
	return models.Visit{IdemKey: fmt.Sprintf("bv%d", n), MemberID: member, AuthorID: 100_002, Date: on,
		Methods: models.MethodTalk, Type: models.TypeTalk, Inspectors: "回访员", Thinking: "认识到位", Work: "表现良好",
		EnforcementOK: true, Conclusion: models.ConclusionGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: rng.IntN(20) != 0, BranchInformed: true, CreatedAt: benchToday}
}
