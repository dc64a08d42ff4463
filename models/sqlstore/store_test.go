package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// TestStore_Migrate migrates an empty database three times (the last two
// change nothing) and checks that the test helpers' stores, cloned from a
// schema migrated once per test binary, are what Migrate builds.
func TestStore_Migrate(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			fresh, cloned := e.openEmpty(t), e.open(t)
			for i := range 3 {
				if err := fresh.Migrate(ctx); err != nil {
					t.Fatalf("Migrate #%d: %v", i+1, err)
				}
			}
			if err := cloned.Migrate(ctx); err != nil {
				t.Fatalf("Migrate a cloned store: %v", err)
			}
			for _, c := range []struct {
				name string
				s    *sqlstore.Store
			}{{"fresh", fresh}, {"cloned", cloned}} {
				if got := count(t, c.s, "migrations", ""); got != 8 {
					t.Errorf("%s: migrations rows = %d, want 8", c.name, got)
				}
				if drift, err := sqlstore.SchemaDriftForTest(ctx, c.s); err != nil || len(drift) > 0 {
					t.Errorf("%s: package models and the migrations disagree: %v %v", c.name, drift, err)
				}
				if err := c.s.Ping(ctx); err != nil {
					t.Errorf("%s: Ping: %v", c.name, err)
				}
				if c.s.Dialect() != e.name {
					t.Errorf("%s: Dialect = %q", c.name, c.s.Dialect())
				}
			}
		})
	}
}

func TestStore_Users(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		_, err := s.FindUser(ctx, 42)
		wantErr(t, "FindUser absent", err, models.ErrNotFound)

		u := models.User{TelegramID: 7_000_000_001, Name: "测试回访员", Role: models.RoleInspector, UnitID: d.west}
		if err := s.CreateUser(ctx, d.admin, &u); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		got, err := s.FindUser(ctx, u.TelegramID)
		if err != nil {
			t.Fatalf("FindUser: %v", err)
		}
		if got.ID != u.ID || got.Name != "测试回访员" || got.Lang != "zh" || got.UnitID != d.west || got.Role != models.RoleInspector {
			t.Errorf("FindUser = %+v, want %+v", got, u)
		}
		audit, err := sqlstore.AuditForTest(ctx, s, models.AuditAddUser)
		if err != nil || len(audit) != 1 {
			t.Fatalf("add_user audit = %v, %v; want one row", audit, err)
		}
		wantDetail := "user=7000000001 role=inspector unit=" + itoa(d.west)
		if a := audit[0]; a.ActorID != adminTG || a.MemberID != nil || a.Detail != wantDetail {
			t.Errorf("audit = %+v, want actor %d detail %q", a, int64(adminTG), wantDetail)
		}

		dup := models.User{TelegramID: u.TelegramID, Name: "重复", Role: models.RoleAdmin, UnitID: d.root}
		wantErr(t, "CreateUser duplicate", s.CreateUser(ctx, d.admin, &dup), models.ErrDuplicate)
		noUnit := models.User{TelegramID: 7_000_000_002, Name: "无单位", Role: models.RoleInspector, UnitID: 999_999}
		wantErr(t, "CreateUser unknown unit", s.CreateUser(ctx, d.admin, &noUnit), models.ErrNotFound)
		badRole := models.User{TelegramID: 7_000_000_003, Name: "角色", Role: "root", UnitID: d.root}
		if err := s.CreateUser(ctx, d.admin, &badRole); err == nil {
			t.Error("CreateUser with an invalid role succeeded")
		}
		if n := count(t, s, "audit_events", "action = ?", models.AuditAddUser); n != 1 {
			t.Errorf("add_user audit rows after failures = %d, want 1", n)
		}

		for _, lang := range []string{"en", "en"} { // unchanged value still finds the row
			if err := s.SetUserLang(ctx, u.TelegramID, lang); err != nil {
				t.Fatalf("SetUserLang(%s): %v", lang, err)
			}
		}
		if got, _ := s.FindUser(ctx, u.TelegramID); got.Lang != "en" {
			t.Errorf("Lang = %q, want en", got.Lang)
		}
		wantErr(t, "SetUserLang absent", s.SetUserLang(ctx, 42, "en"), models.ErrNotFound)
	})
}

func TestStore_FindUnitByName(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		byID, err := s.FindUnitByName(ctx, " "+itoa(d.east)+" ")
		if err != nil || byID.Name != "东湖镇（演示）" {
			t.Errorf("FindUnitByName(id) = %+v, %v", byID, err)
		}
		if byID.Path != "/"+itoa(d.root)+"/"+itoa(d.east)+"/" {
			t.Errorf("path = %q", byID.Path)
		}
		_, err = s.FindUnitByName(ctx, "东湖镇")
		wantErr(t, "FindUnitByName partial", err, models.ErrNotFound)
		dupes := []any{&models.Unit{Name: "同名单位", Path: "/x/"}, &models.Unit{Name: "同名单位", Path: "/y/"}}
		if err := sqlstore.InsertForTest(ctx, s, dupes...); err != nil {
			t.Fatal(err)
		}
		_, err = s.FindUnitByName(ctx, "同名单位")
		wantErr(t, "FindUnitByName shared name", err, models.ErrAmbiguous)

		name, err := s.UnitName(ctx, d.west)
		if err != nil || name != "西山街道（演示）" {
			t.Errorf("UnitName = %q, %v", name, err)
		}
		_, err = s.UnitName(ctx, 999_999)
		wantErr(t, "UnitName absent", err, models.ErrNotFound)
	})
}

func TestStore_LoadDemo(t *testing.T) {
	tables := []string{"units", "users", "members", "sanctions", "visits", "visit_sanctions", "audit_events"}
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		before := map[string]int64{}
		for _, tb := range tables {
			before[tb] = count(t, s, tb, "")
		}
		if err := s.LoadDemo(ctx, adminTG, inspectorTG); err != nil {
			t.Fatalf("second LoadDemo: %v", err)
		}
		after := map[string]int64{}
		for _, tb := range tables {
			after[tb] = count(t, s, tb, "")
		}
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("second LoadDemo changed row counts (-before +after):\n%s", diff)
		}
		want := map[string]int64{"units": 7, "users": 2, "members": 10, "visits": 3}
		for tb, n := range want {
			if after[tb] != n {
				t.Errorf("%s = %d, want %d", tb, after[tb], n)
			}
		}
		if u, err := s.FindUser(ctx, inspectorTG); err != nil || u.UnitID != d.east || u.Role != models.RoleInspector {
			t.Errorf("inspector = %+v, %v", u, err)
		}
		checkDemoSanctions(t, s, d)
	})
}

func checkDemoSanctions(t *testing.T, s *sqlstore.Store, d demo) {
	t.Helper()
	today := models.DateOf(time.Now())
	var soon, past, noPeriod, probation int
	kinds := map[models.SanctionKind]bool{}
	for _, name := range []string{"张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "韩十", "冯十一"} {
		for _, m := range mustSearch(t, s, d.admin, name) {
			_, _, sanctions, err := s.MemberSanctions(context.Background(), d.admin, m.Member.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, sn := range sanctions {
				switch end := sn.PeriodEnd; {
				case end == nil:
					noPeriod++
				case end.After(today) && !end.After(today.AddDate(0, 0, 30)):
					soon++
				case end.Before(today):
					past++
				}
				if sn.Kind == models.PartyProbation && sn.ProbationMonths == 12 {
					probation++
				}
				kinds[sn.Kind] = true
				if !strings.HasSuffix(sn.DecisionNo, "号") {
					t.Errorf("decision number %q", sn.DecisionNo)
				}
			}
		}
	}
	// Ended: 赵六's warning and 韩十's demerit; no period: 钱七's two expulsions.
	if soon != 1 || past != 2 || noPeriod != 2 || probation != 1 || len(kinds) != 11 {
		t.Errorf("demo sanctions: ending soon %d, ended %d, no period %d, 12-month probation %d, %d kinds; want 1, 2, 2, 1, 11",
			soon, past, noPeriod, probation, len(kinds))
	}
}

func TestStore_LoadDemoWithoutUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		if err := s.LoadDemo(context.Background(), 0, 0); err != nil {
			t.Fatalf("LoadDemo: %v", err)
		}
		if n := count(t, s, "users", ""); n != 0 {
			t.Errorf("users = %d, want 0", n)
		}
		if n := count(t, s, "visits", "author_id = 0"); n != 3 {
			t.Errorf("visits by unknown author = %d, want 3", n)
		}
	})
}

func itoa(id uint64) string { return strconv.FormatUint(id, 10) }

func TestOpen_ErrorHidesPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, dsn := range []string{
		"root:s3cr3t-pw@tcp(127.0.0.1:1)/x",
		"root:s3cr3t-pw@tcp(127.0.0.1:3306)/x?parseTime=maybe",
		"root:s3cr3t-pw@127.0.0.1/x",
	} {
		_, err := sqlstore.Open(ctx, dsn, "", nil)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Open error = %v", err)
		}
		t.Log(err)
	}
	if _, err := sqlstore.Open(ctx, "", "", nil); err == nil {
		t.Error("Open with neither a dsn nor a path succeeded")
	}
}

func TestOpen_SQLiteMemory(t *testing.T) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, "", ":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := s.LoadDemo(ctx, 1, 2); err != nil { // one connection: no self-deadlock in a transaction
		t.Fatalf("LoadDemo: %v", err)
	}
	if u, err := s.FindUser(ctx, 2); err != nil || u.Name != "演示回访人员" {
		t.Errorf("FindUser = %+v, %v", u, err)
	}
}

func TestStore_SlowQueryLog(t *testing.T) {
	s := modelstest.OpenMySQL(t)
	var buf bytes.Buffer
	sqlstore.LogToForTest(s, slog.New(slog.NewTextHandler(&buf, nil)))
	if err := sqlstore.ExecForTest(context.Background(), s, "SELECT SLEEP(?) + ?", 0.25, "张三"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "slow query") || !strings.Contains(out, "SLEEP(?) + ?") ||
		strings.Contains(out, "0.25") || strings.Contains(out, "张三") {
		t.Errorf("slow query log = %q; want the SQL with placeholders and no values", out)
	}
}

// TestStore_InsertSanction checks that a sanction is validated and its
// period end computed on the way into the database, now that no GORM
// hook does it.
func TestStore_InsertSanction(t *testing.T) {
	s := modelstest.OpenSQLite(t)
	ctx := context.Background()
	d := day(2025, 1, 1)
	m := models.Member{Name: "校验", UnitID: 1, Rank: models.RankOther}
	if err := sqlstore.InsertForTest(ctx, s, &models.Unit{ID: 1, Name: "单位", Path: "/1/"}, &m); err != nil {
		t.Fatal(err)
	}
	for _, sn := range []models.Sanction{
		{MemberID: m.ID, Kind: "bogus", DecisionNo: "a", DecisionDate: d, EffectiveDate: d},
		{MemberID: m.ID, Kind: models.PartyProbation, ProbationMonths: 6, DecisionNo: "b", DecisionDate: d, EffectiveDate: d},
	} {
		if err := sqlstore.InsertForTest(ctx, s, &sn); err == nil {
			t.Errorf("inserted %s/%d", sn.Kind, sn.ProbationMonths)
		}
	}
	valid := models.Sanction{MemberID: m.ID, Kind: models.PartyProbation, ProbationMonths: 24, DecisionNo: "c",
		DecisionDate: d, EffectiveDate: d.AddDate(0, 0, 3)}
	if err := sqlstore.InsertForTest(ctx, s, &valid); err != nil {
		t.Fatalf("a valid sanction was refused: %v", err)
	}
	admin := models.Viewer{TelegramID: 1, Role: models.RoleAdmin}
	_, _, got, err := s.MemberSanctions(ctx, admin, m.ID)
	if err != nil || len(got) != 1 {
		t.Fatalf("MemberSanctions = %v, %v; want the valid sanction only", got, err)
	}
	if end := got[0].PeriodEnd; end == nil || !end.Equal(day(2027, 1, 4)) {
		t.Errorf("PeriodEnd = %v, want 2027-01-04", end)
	}
}

// TestStore_PoolKeepsConnections: a burst of transactions as wide as the
// pool returns every connection to the idle set; none is closed for being
// one idle connection too many (with 10 idle of 20 open, every burst
// closed and re-dialled up to 10).
func TestStore_PoolKeepsConnections(t *testing.T) {
	s := modelstest.OpenMySQL(t)
	ctx := context.Background()
	const wide = 20
	var wg sync.WaitGroup
	for range 2 {
		start := make(chan struct{})
		for range wide {
			wg.Go(func() {
				<-start
				// Each read holds a connection while the others open theirs.
				if _, err := s.FindUser(ctx, 1); err != nil && !errors.Is(err, models.ErrNotFound) {
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
	}
	st := s.PoolStats()
	if st.OpenConnections < 2 {
		t.Fatalf("burst used %d connections, the test did not run wide", st.OpenConnections)
	}
	if st.MaxIdleClosed != 0 {
		t.Errorf("%d connections closed as idle beyond the limit, want 0 (open %d)", st.MaxIdleClosed, st.OpenConnections)
	}
}
