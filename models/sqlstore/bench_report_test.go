package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// The year-end report benchmark's roster (issue 9's figure).
const (
	reportMembers   = 10_000
	reportSanctions = 15_000 // two for the first half of the members
	reportVisits    = 30_000 // three per member
)

// BenchmarkStore_YearReport computes the 2026 figures of an admin (the
// whole tree) over 10,000 members, 15,000 sanctions and 30,000 visits in
// MariaDB, read and audited in one transaction (the audit row names every
// member the lists name). The roster is generated once, before the timed
// loop. Target: ≤ 2 s per report.
func BenchmarkStore_YearReport(b *testing.B) {
	s := modelstest.OpenMySQL(b)
	ctx := context.Background()
	if err := fillReportBench(ctx, s); err != nil {
		b.Fatalf("generate roster: %v", err)
	}
	if err := sqlstore.ExecForTest(ctx, s, "ANALYZE TABLE members, sanctions, visits, visit_sanctions, units"); err != nil {
		b.Fatal(err)
	}
	admin := models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
	var f models.Figures
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if f, err = s.YearReport(ctx, admin, 2026, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(f.Total.Visited), "visited")
	b.ReportMetric(float64(f.Total.Visits), "visits")
	b.ReportMetric(float64(len(f.MemberIDs())), "members-named")
}

// fillReportBench inserts the units and users of the calendar benchmark
// and the report's members, sanctions (decided over the last three years)
// and visits (over the last two, a tenth pending, one in eight with an
// enforcement problem, half of those corrected).
func fillReportBench(ctx context.Context, s *sqlstore.Store) error {
	return sqlstore.BulkInsertForTest(ctx, s, benchBatch, func(insert func(rows any) error) error {
		if err := insertUnitsUsers(insert); err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(3, 4))
		var members []models.Member
		var sanctions []models.Sanction
		var visits []models.Visit
		var links []models.VisitSanction
		for id := uint64(1); id <= reportMembers; id++ {
			members = append(members, benchMember(rng, id))
			n := 1 + int(id%2)
			first := uint64(len(sanctions)) + 1
			for j := range n {
				decided := benchToday.AddDate(0, 0, -rng.IntN(3*365))
				kind := []models.SanctionKind{models.PartyWarning, models.GovDemerit, models.GovDemotion}[rng.IntN(3)]
				sn := models.Sanction{ID: uint64(len(sanctions)) + 1, MemberID: id, Kind: kind, DecisionNo: fmt.Sprintf("R%d-%d", id, j),
					DecisionDate: decided, EffectiveDate: decided, PeriodEnd: models.PeriodEnd(kind, decided, 0),
					Category: members[id-1].Rank, CreatedAt: benchToday, UpdatedAt: benchToday}
				if sn.PeriodEnd != nil && sn.PeriodEnd.Before(benchToday) && rng.IntN(3) == 0 {
					sn.LiftedOn = sn.PeriodEnd
				}
				sanctions = append(sanctions, sn)
			}
			for j := range 3 {
				v := benchVisit(rng, id, int(id)*3+j, benchToday.AddDate(0, 0, -rng.IntN(2*365)))
				v.ID = uint64(len(visits)) + 1
				reportBenchVisit(rng, &v)
				visits = append(visits, v)
				links = append(links, models.VisitSanction{VisitID: v.ID, SanctionID: first + uint64(rng.IntN(n))})
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

// reportBenchVisit varies a benchmark visit's review, enforcement and
// recommendation.
func reportBenchVisit(rng *rand.Rand, v *models.Visit) {
	v.Review = models.ReviewApproved
	if rng.IntN(10) == 0 {
		v.Review = models.ReviewPending
	}
	if rng.IntN(8) == 0 {
		v.EnforcementOK, v.PayCorrectedFen = false, int64(rng.IntN(300000))
		if rng.IntN(2) == 0 {
			fixed := v.Date.AddDate(0, 0, 10)
			v.RectifiedOn, v.RectifiedFen = &fixed, v.PayCorrectedFen
		}
	}
	if rng.IntN(15) == 0 {
		v.Recommendation = models.RecommendPost
	}
	v.Methods = []string{models.MethodTalk, models.MethodTalk + "," + models.MethodHome, models.MethodInquiry}[rng.IntN(3)]
	v.Type = []string{models.TypeTalk, models.TypeRecommend, models.TypeInteractive}[rng.IntN(3)]
}
