package sqlstore_test

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// engines are the databases every storage test runs on: open gives a
// migrated store, openEmpty one without tables.
var engines = []struct {
	name            string
	open, openEmpty func(testing.TB) *sqlstore.Store
}{
	{sqlstore.DialectMySQL, modelstest.OpenMySQL, modelstest.OpenMySQLEmpty},
	{sqlstore.DialectSQLite, modelstest.OpenSQLite, modelstest.OpenSQLiteEmpty},
}

// forEachEngine runs fn, in parallel, on a fresh migrated store of every
// engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			fn(t, e.open(t))
		})
	}
}

// Telegram ids of the demo users and of the extra viewers.
const (
	adminTG     = 9_000_000_001
	inspectorTG = 9_000_000_002
	westTG      = 9_000_000_003
	rootTG      = 9_000_000_004
)

// demo is the demo roster loaded into a store, with viewers at every level.
type demo struct {
	s                       *sqlstore.Store
	root, east, west        uint64 // unit ids
	eastOffice, westPatrol  uint64
	admin, east1, west1, up models.Viewer // up: supervisor at the root
	zhangEast, zhangWest    models.Member
	liSi, wangWu            models.Member
}

func loadDemo(t *testing.T, s *sqlstore.Store) demo {
	t.Helper()
	ctx := context.Background()
	if err := s.LoadDemo(ctx, adminTG, inspectorTG); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	d := demo{s: s}
	d.root = mustUnit(t, s, "示范区纪委（演示）")
	d.east = mustUnit(t, s, "东湖镇（演示）")
	d.west = mustUnit(t, s, "西山街道（演示）")
	d.eastOffice = mustUnit(t, s, "东湖镇机关党支部（演示）")
	d.westPatrol = mustUnit(t, s, "西山街道城管执法中队（演示）")
	d.admin = models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
	d.east1 = models.Viewer{TelegramID: inspectorTG, Role: models.RoleInspector, UnitID: d.east}
	d.west1 = models.Viewer{TelegramID: westTG, Role: models.RoleInspector, UnitID: d.west}
	d.up = models.Viewer{TelegramID: rootTG, Role: models.RoleSupervisor, UnitID: d.root}
	for _, m := range mustSearch(t, s, d.admin, "张三") {
		switch m.Member.UnitID {
		case d.eastOffice:
			d.zhangEast = m.Member
		case d.westPatrol:
			d.zhangWest = m.Member
		}
	}
	d.liSi = mustSearch(t, s, d.admin, "李四")[0].Member
	d.wangWu = mustSearch(t, s, d.admin, "王五")[0].Member
	if d.zhangEast.ID == 0 || d.zhangWest.ID == 0 {
		t.Fatalf("demo: want a 张三 in each township")
	}
	return d
}

func mustUnit(t *testing.T, s *sqlstore.Store, name string) uint64 {
	t.Helper()
	u, err := s.FindUnitByName(context.Background(), name)
	if err != nil {
		t.Fatalf("FindUnitByName(%s): %v", name, err)
	}
	return u.ID
}

func mustSearch(t *testing.T, s *sqlstore.Store, v models.Viewer, q string) []models.MemberMatch {
	t.Helper()
	got, err := s.SearchMembers(context.Background(), v, q, 0)
	if err != nil {
		t.Fatalf("SearchMembers(%q): %v", q, err)
	}
	return got
}

// mustMember inserts a member with one party warning decided on decided and
// returns both.
func mustMember(t *testing.T, s *sqlstore.Store, unit uint64, name string, decided time.Time) (models.Member, models.Sanction) {
	t.Helper()
	ctx := context.Background()
	m := models.Member{Name: name, UnitID: unit, Rank: models.RankOther}
	if err := sqlstore.InsertForTest(ctx, s, &m); err != nil {
		t.Fatalf("insert member: %v", err)
	}
	sn := models.Sanction{MemberID: m.ID, Kind: models.PartyWarning, DecisionNo: "测试〔" + randomID(t) + "〕号",
		DecisionDate: decided, EffectiveDate: decided}
	if err := sqlstore.InsertForTest(ctx, s, &sn); err != nil {
		t.Fatalf("insert sanction: %v", err)
	}
	return m, sn
}

var seq atomic.Int64

// randomID returns a string unique within the test binary.
func randomID(t *testing.T) string {
	t.Helper()
	return strconv.FormatInt(seq.Add(1), 10)
}

// newVisit returns a valid visit draft for member.
func newVisit(member uint64, key string, date time.Time) *models.Visit {
	return &models.Visit{
		IdemKey: key, MemberID: member, Date: date,
		Methods: models.MethodTalk + "," + models.MethodHome, Type: models.TypeTalk,
		Inspectors: "回访员甲", Thinking: "认识到位", Work: "表现良好",
		EnforcementOK: true, Conclusion: models.ConclusionGood, Recommendation: models.RecommendContinue,
		FeedbackUnit: true, BranchInformed: true,
	}
}

func count(t *testing.T, s *sqlstore.Store, table, where string, args ...any) int64 {
	t.Helper()
	n, err := sqlstore.CountForTest(context.Background(), s, table, where, args...)
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// date parses a date written 2006-01-02.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}
