package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

func mustVerify(t *testing.T, s *sqlstore.Store) models.AuditCheck {
	t.Helper()
	c, err := s.VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	return c
}

// TestStore_AuditChain: every audit row is chained; a changed, deleted or
// re-linked row, or a truncated tail, is the first broken link reported.
func TestStore_AuditChain(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		mustSearch(t, s, r.admin, "张三") // names two members
		c := mustVerify(t, s)
		if c.Broken != nil || int64(c.Events) != count(t, s, "audit_events", "") || c.HeadSeq != uint64(c.Events) {
			t.Fatalf("fresh chain: %+v (%d rows)", c, count(t, s, "audit_events", ""))
		}
		if n := count(t, s, "audit_members", "event_id = (SELECT id FROM audit_events WHERE seq = ?)", c.HeadSeq); n != 2 {
			t.Errorf("audit_members rows of the search = %d, want the two 张三", n)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if err := sqlstore.ExecForTest(ctx, s, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec("UPDATE audit_events SET detail = 'edited' WHERE seq = 3")
		if b := mustVerify(t, s).Broken; b == nil || b.Seq != 3 || b.EventID == 0 {
			t.Errorf("edited row: broken = %+v, want at seq 3", b)
		}
		exec("DELETE FROM audit_events WHERE seq <= 3")
		exec("UPDATE audit_chain SET floor_seq = 3, floor_hash = (SELECT hash FROM audit_events WHERE seq = 4)")
		if b := mustVerify(t, s).Broken; b == nil || b.Seq != 4 {
			t.Errorf("a start moved past deleted rows: broken = %+v, want at seq 4", b)
		}
		exec("UPDATE audit_chain SET floor_seq = 0, floor_hash = ''")
		if b := mustVerify(t, s).Broken; b == nil || b.Seq != 1 || !strings.Contains(b.Reason, "missing") {
			t.Errorf("deleted first rows: broken = %+v, want seq 1 missing", b)
		}
	})
}

// TestStore_AuditChainLinks: removing a member link or the newest row is
// seen too.
func TestStore_AuditChainLinks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		mustSearch(t, s, r.admin, "张三")
		last := mustVerify(t, s).HeadSeq
		if err := sqlstore.ExecForTest(ctx, s, "DELETE FROM audit_members WHERE member_id = ? AND event_id = (SELECT id FROM audit_events WHERE seq = ?)", r.zhangWest.ID, last); err != nil {
			t.Fatal(err)
		}
		if b := mustVerify(t, s).Broken; b == nil || b.Seq != last {
			t.Errorf("removed link: broken = %+v, want at seq %d", b, last)
		}
		if err := sqlstore.ExecForTest(ctx, s, "DELETE FROM audit_events WHERE seq = ?", last); err != nil {
			t.Fatal(err)
		}
		if b := mustVerify(t, s).Broken; b == nil || b.Seq != last {
			t.Errorf("removed newest row: broken = %+v, want at seq %d", b, last)
		}
	})
}

// TestStore_AuditChainConcurrent: audited transactions running at once on
// one store are chained without gaps, forks or errors.
func TestStore_AuditChainConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		r := loadRoster(t, s)
		before := mustVerify(t, s).HeadSeq
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			v := []models.Viewer{r.admin, r.east1, r.up, r.eastSup}[w%4]
			wg.Go(func() {
				for range each {
					if _, err := s.SearchMembers(context.Background(), v, "张三", 0); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("search: %v", err)
		}
		c := mustVerify(t, s)
		if c.Broken != nil || c.HeadSeq != before+workers*each {
			t.Errorf("after %d concurrent searches: %+v, want head at %d", workers*each, c, before+workers*each)
		}
	})
}

// TestStore_AuditChainAfterRollback: an audit row rolled back with its
// transaction leaves the chain where it was, and the next row follows the
// real head (not the one the rolled-back row had moved to).
func TestStore_AuditChainAfterRollback(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		mustSearch(t, s, r.admin, "张三")
		before := mustVerify(t, s)
		ev := models.AuditEvent{At: time.Now(), ActorID: r.admin.TelegramID, Action: models.AuditSearch, Detail: "rolled back"}
		if err := sqlstore.AppendRolledBackForTest(ctx, s, ev); err != nil {
			t.Fatal(err)
		}
		if c := mustVerify(t, s); c.HeadSeq != before.HeadSeq || c.Events != before.Events {
			t.Fatalf("after a rollback: %+v, want as before %+v", c, before)
		}
		mustSearch(t, s, r.admin, "张三")
		mustSearch(t, s, r.admin, "张三")
		if c := mustVerify(t, s); c.Broken != nil || c.HeadSeq != before.HeadSeq+2 {
			t.Errorf("after two more rows: %+v, want head at %d, unbroken", c, before.HeadSeq+2)
		}
	})
}

// TestStore_PruneAudit: pruning keeps at least six months, deletes a
// prefix of the chain, leaves a chain that verifies and audits itself.
func TestStore_PruneAudit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now()
		_, err := s.PruneAudit(ctx, now.AddDate(0, -5, 0), now)
		wantErr(t, "prune rows younger than 6 months", err, models.ErrInvalid)
		n := count(t, s, "audit_events", "")
		later := now.AddDate(1, 0, 0) // as if a year had passed
		p, err := s.PruneAudit(ctx, later.AddDate(0, -6, 0), later)
		if err != nil || p.Events != int(n) || p.ThroughSeq != uint64(n) {
			t.Fatalf("PruneAudit = %+v, %v; want all %d rows", p, err, n)
		}
		mustSearch(t, s, r.admin, "李四")
		c := mustVerify(t, s)
		if c.Broken != nil || c.FloorSeq != uint64(n) || c.Events != 2 {
			t.Errorf("after prune: %+v, want the prune's and the search's rows from seq %d", c, n+1)
		}
		if rows, _ := sqlstore.AuditForTest(ctx, s, models.AuditPruned); len(rows) != 1 || !strings.Contains(rows[0].Detail, fmt.Sprintf("events=%d", n)) {
			t.Errorf("prune audit rows = %+v", rows)
		}
	})
}

// TestStore_MigrateSecurity: codes and audit rows of the version before are
// hashed and chained by the migration.
func TestStore_MigrateSecurity(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := e.openEmpty(t)
			if err := sqlstore.MigrateToForTest(ctx, s, "202611270003_calendar"); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if err := sqlstore.ExecForTest(ctx, s, q, args...); err != nil {
					t.Fatal(err)
				}
			}
			now := time.Now().UTC()
			exec("INSERT INTO units (id, name, path, created_at) VALUES (1, '区', '/1/', ?)", now)
			exec("INSERT INTO invitations (code, role, unit_id, created_by, created_at, expires_at) VALUES ('0123456789abcdef0123456789abcdef', 'inspector', 1, 5, ?, ?)", now, now.Add(time.Hour))
			for i := range 3 {
				exec("INSERT INTO audit_events (at, actor_id, action, detail) VALUES (?, 5, 'old', ?)", now, fmt.Sprint(i))
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if c := mustVerify(t, s); c.Broken != nil || c.Events != 3 {
				t.Errorf("chained old rows: %+v", c)
			}
			if _, _, err := s.RedeemInvitation(ctx, "0123456789abcdef0123456789abcdef", 6, "旧码", now); err != nil {
				t.Errorf("redeem a code stored in clear before: %v", err)
			}
			if n := count(t, s, "invitations", "code = ?", "0123456789abcdef0123456789abcdef"); n != 0 {
				t.Error("the clear code is still stored")
			}
		})
	}
}

// TestStore_GrantApp: the application's MySQL account may read and append
// to the audit trail and do its work, but not change or delete audit rows.
func TestStore_GrantApp(t *testing.T) {
	ctx := context.Background()
	s := modelstest.OpenMySQL(t)
	r := loadRoster(t, s)
	cfg, err := mysql.ParseDSN(envOr("HUIFANG_TEST_MYSQL_DSN", modelstest.DefaultMySQLDSN))
	if err != nil {
		t.Fatal(err)
	}
	user := "hf_app_" + randomID(t) + fmt.Sprint(time.Now().UnixNano()%1_000_000)
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = admin.Close() }()
	if _, err := admin.ExecContext(ctx, "CREATE USER '"+user+"'@'%' IDENTIFIED BY 'pw'"); err != nil {
		t.Fatalf("create user: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP USER '"+user+"'@'%'") })
	if checked, err := s.GrantApp(ctx, user); err != nil || !checked {
		t.Fatalf("GrantApp = %v, %v", checked, err)
	}
	if _, err := s.GrantApp(ctx, user); err != nil {
		t.Fatalf("GrantApp again: %v", err)
	}
	db, err := sqlstore.DatabaseForTest(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Passwd, cfg.DBName = user, "pw", db
	app, err := sqlstore.Open(ctx, cfg.FormatDSN(), "", modelstest.Logger())
	if err != nil {
		t.Fatalf("open as %s: %v", user, err)
	}
	defer func() { _ = app.Close() }()
	if err := app.Migrate(ctx); err != nil {
		t.Errorf("Migrate an up-to-date schema as the application: %v", err)
	}
	if _, err := app.SearchMembers(ctx, r.admin, "张三", 0); err != nil {
		t.Errorf("audited search as the application: %v", err)
	}
	for _, q := range []string{"UPDATE audit_events SET detail = 'x'", "DELETE FROM audit_events", "DELETE FROM audit_members", "TRUNCATE audit_events"} {
		if err := sqlstore.ExecForTest(ctx, app, q); err == nil || !strings.Contains(err.Error(), "denied") {
			t.Errorf("%s as the application: err = %v, want denied", q, err)
		}
	}
	// The database's owner, as docker-compose sets it up, may grant too.
	owner := user + "_o"
	for _, q := range []string{"CREATE USER '" + owner + "'@'%' IDENTIFIED BY 'pw'",
		"GRANT ALL PRIVILEGES ON `" + db + "`.* TO '" + owner + "'@'%' WITH GRANT OPTION"} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP USER '"+owner+"'@'%'") })
	cfg.User = owner
	ownerStore, err := sqlstore.Open(ctx, cfg.FormatDSN(), "", modelstest.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ownerStore.Close() }()
	if _, err := ownerStore.GrantApp(ctx, user); err != nil {
		t.Errorf("GrantApp by the owner: %v", err)
	}
	if _, err := admin.ExecContext(ctx, "GRANT DELETE ON `"+db+"`.* TO '"+user+"'@'%'"); err != nil {
		t.Fatal(err)
	}
	_, err = s.GrantApp(ctx, user)
	wantErr(t, "GrantApp to an account with DELETE on the database", err, sqlstore.ErrInvalidAccount)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// TestStore_AuditChainsByActor: different actors' events go to different
// chains, each verified on its own; together they verify.
func TestStore_AuditChainsByActor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		for actor := int64(1); actor <= 40; actor++ {
			if _, err := s.ListUsers(ctx, models.Viewer{TelegramID: actor, Role: models.RoleInspector}); err != nil && !errors.Is(err, models.ErrForbidden) {
				t.Fatal(err)
			}
		}
		if n := count(t, s, "audit_chain", "seq > 0"); n < 2 {
			t.Fatalf("%d chains used by 40 actors", n)
		}
		check, err := s.VerifyAudit(ctx)
		if err != nil || check.Broken != nil || check.Events < 40 {
			t.Fatalf("verify = %+v, %v", check, err)
		}
	})
}
