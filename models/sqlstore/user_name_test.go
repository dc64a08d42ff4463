package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestStore_RenameUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		u, err := s.RenameUser(ctx, r.admin, westTG, "  王小明 ")
		if err != nil || u.Name != "王小明" || u.TelegramID != westTG {
			t.Fatalf("RenameUser = %+v, %v", u, err)
		}
		if got, _ := s.FindUser(ctx, westTG); got.Name != "王小明" {
			t.Errorf("name = %q", got.Name)
		}
		if n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND detail = ?", models.AuditRenameUser, adminTG, "user=9000000003"); n != 1 {
			t.Errorf("rename_user rows = %d", n)
		}
		_, err = s.RenameUser(ctx, r.eastSup, inspectorTG, "某人")
		wantDenied(t, s, "supervisor renames", err, r.eastSup, models.AuditRenameUser)
		for _, bad := range []string{" ", strings.Repeat("名", 65), "王\n五"} {
			_, err = s.RenameUser(ctx, r.admin, westTG, bad)
			wantErr(t, "bad name", err, models.ErrInvalid)
		}
		_, err = s.RenameUser(ctx, r.admin, 42, "某人")
		wantErr(t, "no such user", err, models.ErrNotFound)
		if _, err := s.RevokeUser(ctx, r.admin, westTG); err != nil {
			t.Fatal(err)
		}
		_, err = s.RenameUser(ctx, r.admin, westTG, "某人")
		wantErr(t, "revoked user", err, models.ErrNotFound)
	})
}

func TestStore_CheckInvitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now().UTC()
		inv := mustInvite(t, s, r.eastSup, models.RoleInspector, r.eastOffice, time.Hour, now)
		got, err := s.CheckInvitation(ctx, inv.Code, newUserTG, now)
		if err != nil || got.ID != inv.ID || got.Role != models.RoleInspector || got.UnitID != r.eastOffice || got.CreatedBy != eastSupTG {
			t.Fatalf("CheckInvitation = %+v, %v", got, err)
		}
		if n := count(t, s, "users", "telegram_id = ?", newUserTG); n != 0 {
			t.Fatalf("checking registered the user")
		}
		if n := count(t, s, "invitations", "id = ? AND used_at IS NULL", inv.ID); n != 1 {
			t.Fatalf("checking used the code")
		}
		_, err = s.CheckInvitation(ctx, inv.Code, inspectorTG, now)
		wantErr(t, "an active user", err, models.ErrDuplicate)
		_, err = s.CheckInvitation(ctx, inv.Code, newUserTG, now.Add(2*time.Hour))
		wantErr(t, "expired", err, models.ErrInviteExpired)
		_, err = s.CheckInvitation(ctx, inv.Code, eastSupTG, now)
		wantErr(t, "its own inviter", err, models.ErrInviteRevoked)
		_, err = s.CheckInvitation(ctx, strings.Repeat("ab", 16), newUserTG, now)
		wantErr(t, "unknown", err, models.ErrNotFound)
		if n := count(t, s, "audit_events", "action = ?", models.AuditInviteFailed); n != 4 {
			t.Errorf("failed checks audited = %d, want 4", n)
		}
		if _, _, err := s.RedeemInvitation(ctx, inv.Code, newUserTG, "新人", now); err != nil {
			t.Fatal(err)
		}
		_, err = s.CheckInvitation(ctx, inv.Code, newUserTG+1, now)
		wantErr(t, "used", err, models.ErrInviteUsed)
	})
}

func TestStore_UnitInUse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		for name, id := range map[string]uint64{"child units": r.east, "members": r.eastOffice, "users": r.west} {
			wantErr(t, name, s.UnitInUse(ctx, r.admin, id), models.ErrInUse)
		}
		empty, err := s.CreateUnit(ctx, r.admin, "空支部", &r.east)
		if err != nil {
			t.Fatal(err)
		}
		before := count(t, s, "audit_events", "")
		if err := s.UnitInUse(ctx, r.admin, empty.ID); err != nil {
			t.Errorf("empty unit: %v", err)
		}
		if after := count(t, s, "audit_events", ""); after != before {
			t.Errorf("a check wrote %d audit rows", after-before)
		}
		wantErr(t, "absent", s.UnitInUse(ctx, r.admin, 999_999), models.ErrNotFound)
		wantDenied(t, s, "supervisor", s.UnitInUse(ctx, r.eastSup, empty.ID), r.eastSup, models.AuditUnitDelete)
		if err := s.DeleteUnit(ctx, r.admin, empty.ID); err != nil {
			t.Errorf("delete the unit checked: %v", err)
		}
	})
}
