package sqlstore_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func userTGs(rows []models.UserRow) map[int64]string {
	out := map[int64]string{}
	for _, r := range rows {
		out[r.TelegramID] = r.UnitName
	}
	return out
}

func TestStore_ListUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		all, err := s.ListUsers(ctx, r.admin)
		if err != nil || len(all) != 6 {
			t.Fatalf("admin ListUsers = %v, %v; want 6 users", userTGs(all), err)
		}
		east, err := s.ListUsers(ctx, r.eastSup)
		got := userTGs(east)
		if err != nil || len(got) != 2 || got[inspectorTG] != "东湖镇（演示）" || got[eastSupTG] == "" {
			t.Errorf("east supervisor's ListUsers = %v, %v; want the two users of 东湖镇", got, err)
		}
		west, _ := s.ListUsers(ctx, r.westSup)
		if _, ok := userTGs(west)[inspectorTG]; ok {
			t.Error("west supervisor sees the east inspector")
		}
		if n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND detail = ?", models.AuditListUsers, eastSupTG, "results=2"); n != 1 {
			t.Errorf("list_users audit rows = %d, want 1", n)
		}
		_, err = s.ListUsers(ctx, r.east1)
		wantDenied(t, s, "ListUsers by an inspector", err, r.east1, models.AuditListUsers)
	})
}

func TestStore_RevokeUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		_, err := s.RevokeUser(ctx, r.westSup, inspectorTG)
		wantErr(t, "revoke from a sibling subtree", err, models.ErrNotFound)
		_, err = s.RevokeUser(ctx, r.up, eastSupTG)
		wantDenied(t, s, "supervisor revokes a supervisor", err, r.up, models.AuditRevokeUser)
		_, err = s.RevokeUser(ctx, r.east1, westTG)
		wantDenied(t, s, "inspector revokes", err, r.east1, models.AuditRevokeUser)
		_, err = s.RevokeUser(ctx, r.admin, adminTG)
		wantErr(t, "revoke oneself", err, models.ErrInvalid)

		u, err := s.RevokeUser(ctx, r.eastSup, inspectorTG)
		if err != nil || u.RevokedAt == nil || u.TelegramID != inspectorTG {
			t.Fatalf("RevokeUser = %+v, %v", u, err)
		}
		_, err = s.FindUser(ctx, inspectorTG)
		wantErr(t, "FindUser after revoke", err, models.ErrNotFound)
		if n := count(t, s, "users", "telegram_id = ? AND revoked_at IS NOT NULL", inspectorTG); n != 1 {
			t.Errorf("revoked user rows = %d, want 1 (kept)", n)
		}
		// The revoked author still resolves in a member's status.
		st, err := s.MemberStatus(ctx, r.admin, models.CalendarRules{}, r.wangWu.ID, models.DateOf(u.CreatedAt))
		if err != nil || st.LastAuthor != "演示回访人员" {
			t.Errorf("LastAuthor after revoke = %q, %v", st.LastAuthor, err)
		}
		_, err = s.RevokeUser(ctx, r.eastSup, inspectorTG)
		wantErr(t, "revoke twice", err, models.ErrNotFound)
		if rows, _ := s.ListUsers(ctx, r.eastSup); len(rows) != 1 {
			t.Errorf("ListUsers after revoke = %d users, want 1", len(rows))
		}
		if n := audited(t, s, models.AuditRevokeUser, r.eastSup); n != 1 {
			t.Errorf("revoke_user audit rows = %d, want 1", n)
		}
	})
}
