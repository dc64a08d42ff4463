package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestStore_ListAudit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		for range 3 {
			if _, _, _, err := s.MemberSanctions(ctx, r.east1, r.liSi.ID); err != nil {
				t.Fatal(err)
			}
		}
		for range 10 {
			if _, err := s.MemberStatus(ctx, r.up, models.CalendarRules{}, r.wangWu.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.ListAudit(ctx, r.admin, models.AuditFilter{Limit: 1000})
		if err != nil || len(all) < 8 || len(all) > 100 {
			t.Fatalf("ListAudit = %d events, %v", len(all), err)
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].ID <= all[i].ID {
				t.Fatalf("ListAudit not newest first at %d", i)
			}
		}
		if all[0].Action != models.AuditViewStatus {
			t.Errorf("newest event = %+v, want the status view", all[0])
		}
		byActor, _ := s.ListAudit(ctx, r.admin, models.AuditFilter{ActorID: inspectorTG, MemberID: r.liSi.ID})
		if len(byActor) != 3 {
			t.Errorf("events of the inspector about 李四 = %d, want 3", len(byActor))
		}
		page1, _ := s.ListAudit(ctx, r.admin, models.AuditFilter{ActorID: inspectorTG, Limit: 2})
		page2, _ := s.ListAudit(ctx, r.admin, models.AuditFilter{ActorID: inspectorTG, Limit: 2, BeforeID: page1[1].ID})
		if len(page1) != 2 || len(page2) != 1 || page2[0].ID >= page1[1].ID {
			t.Errorf("pages = %d then %d events", len(page1), len(page2))
		}
		if def, _ := s.ListAudit(ctx, r.admin, models.AuditFilter{}); len(def) != 20 {
			t.Errorf("default page = %d events, want 20", len(def))
		}
		if n := audited(t, s, models.AuditViewAudit, r.admin); n != 5 {
			t.Errorf("view_audit rows = %d, want 5", n)
		}
		for _, v := range []models.Viewer{r.up, r.east1} {
			_, err := s.ListAudit(ctx, v, models.AuditFilter{})
			wantDenied(t, s, "ListAudit by "+string(v.Role), err, v, models.AuditViewAudit)
		}
	})
}

func TestStore_RosterAuditFailClosed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now()
		inv := mustInvite(t, s, r.admin, models.RoleInspector, r.east, time.Hour, now)
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_events"); err != nil {
			t.Fatal(err)
		}
		storageErr := func(what string, err error) {
			t.Helper()
			if err == nil || errors.Is(err, models.ErrNotFound) || errors.Is(err, models.ErrInvalid) {
				t.Errorf("%s without audit table: err = %v, want a storage error", what, err)
			}
		}
		_, err := s.CreateMember(ctx, r.admin, models.MemberInput{Name: "未审计", UnitID: r.east})
		storageErr("CreateMember", err)
		_, err = s.CreateUnit(ctx, r.admin, "未审计单位", &r.east)
		storageErr("CreateUnit", err)
		_, _, err = s.RedeemInvitation(ctx, inv.Code, newUserTG, "未审计", now)
		storageErr("RedeemInvitation", err)
		users, err := s.ListUsers(ctx, r.admin)
		storageErr("ListUsers", err)
		_, err = s.ImportRoster(ctx, r.admin, []models.ImportMember{{Row: 2, Name: "未审计", UnitName: "东湖镇（演示）"}}, nil, nil, true)
		storageErr("ImportRoster", err)
		_, err = s.CreateMember(ctx, r.east1, models.MemberInput{Name: "拒绝", UnitID: r.east})
		wantErr(t, "refused CreateMember without audit table", err, models.ErrForbidden)
		if users != nil || count(t, s, "members", "name IN ?", []string{"未审计", "拒绝"}) != 0 ||
			count(t, s, "units", "name = ?", "未审计单位") != 0 || count(t, s, "users", "telegram_id = ?", newUserTG) != 0 ||
			count(t, s, "invitations", "used_at IS NOT NULL") != 0 {
			t.Error("a write without its audit row was kept, or data returned")
		}
	})
}
