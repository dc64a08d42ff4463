package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// TestStore_RevokeUserRevokesInvitations: a revoked user's pending codes
// are revoked with them; redeeming one, or one made before that rule by a
// user revoked since, fails and re-activates nobody, and the failure is
// audited.
func TestStore_RevokeUserRevokesInvitations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now()
		pending := mustInvite(t, s, r.eastSup, models.RoleInspector, r.east, time.Hour, now)
		used := mustInvite(t, s, r.eastSup, models.RoleInspector, r.east, time.Hour, now)
		if _, _, err := s.RedeemInvitation(ctx, used.Code, newUserTG, "已入职", now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RevokeUser(ctx, r.admin, eastSupTG); err != nil {
			t.Fatalf("RevokeUser: %v", err)
		}
		if n := count(t, s, "invitations", "created_by = ? AND revoked_at IS NOT NULL", eastSupTG); n != 1 {
			t.Errorf("revoked invitations of the revoked supervisor = %d, want 1 (the pending one)", n)
		}
		_, _, err := s.RedeemInvitation(ctx, pending.Code, newUserTG+1, "陌生人", now)
		wantErr(t, "redeem a revoked supervisor's code", err, models.ErrInviteRevoked)
		if _, err := s.FindUser(ctx, newUserTG+1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("stranger registered: %v", err)
		}

		// A code left pending by an earlier version: the inviter check
		// refuses it, and its own inviter is never re-activated by it.
		admin2 := models.User{TelegramID: newUserTG + 2, Name: "管理员乙", Role: models.RoleAdmin, UnitID: r.root}
		if err := s.CreateUser(ctx, r.admin, &admin2); err != nil {
			t.Fatal(err)
		}
		a2 := models.Viewer{TelegramID: admin2.TelegramID, Role: models.RoleAdmin, UnitID: r.root}
		own := mustInvite(t, s, a2, models.RoleAdmin, r.root, time.Hour, now)
		if _, err := s.RevokeUser(ctx, r.admin, admin2.TelegramID); err != nil {
			t.Fatal(err)
		}
		if err := sqlstore.ExecForTest(ctx, s, "UPDATE invitations SET revoked_at = NULL WHERE created_by = ?", admin2.TelegramID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.RedeemInvitation(ctx, own.Code, admin2.TelegramID, "回来", now)
		wantErr(t, "a revoked admin redeems their own code", err, models.ErrInviteRevoked)
		_, _, err = s.RedeemInvitation(ctx, own.Code, newUserTG+3, "陌生人", now)
		wantErr(t, "a stranger redeems a revoked admin's code", err, models.ErrInviteRevoked)
		if _, err := s.FindUser(ctx, admin2.TelegramID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("revoked admin re-activated: %v", err)
		}
		want := map[string]bool{"reason=inviter": false, "reason=own": false}
		evs, _ := sqlstore.AuditForTest(ctx, s, models.AuditInviteFailed)
		for _, ev := range evs {
			for k := range want {
				if len(ev.Detail) >= len(k) && ev.Detail[len(ev.Detail)-len(k):] == k {
					want[k] = true
				}
			}
		}
		if !want["reason=inviter"] || !want["reason=own"] {
			t.Errorf("failed redemptions audited: %+v", evs)
		}
	})
}

// TestStore_RevokeUserConcurrentAdmins: two admins revoking each other at
// the same time never both succeed, in 50 of 50 rounds; at least one stays.
func TestStore_RevokeUserConcurrentAdmins(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		for round := range int64(50) {
			a := models.User{TelegramID: 8_000_000_000 + 2*round, Name: "管理员甲", Role: models.RoleAdmin, UnitID: r.root}
			b := models.User{TelegramID: a.TelegramID + 1, Name: "管理员乙", Role: models.RoleAdmin, UnitID: r.root}
			for _, u := range []*models.User{&a, &b} {
				if err := s.CreateUser(ctx, r.admin, u); err != nil {
					t.Fatal(err)
				}
			}
			va := models.Viewer{TelegramID: a.TelegramID, Role: models.RoleAdmin, UnitID: r.root}
			vb := models.Viewer{TelegramID: b.TelegramID, Role: models.RoleAdmin, UnitID: r.root}
			var errA, errB error
			var wg sync.WaitGroup
			wg.Go(func() { _, errA = s.RevokeUser(ctx, va, b.TelegramID) })
			wg.Go(func() { _, errB = s.RevokeUser(ctx, vb, a.TelegramID) })
			wg.Wait()
			if (errA == nil) == (errB == nil) {
				t.Fatalf("round %d: A revokes B: %v; B revokes A: %v; want exactly one to succeed", round, errA, errB)
			}
			lost := errA
			if lost == nil {
				lost = errB
			}
			wantErr(t, "the loser's revocation", lost, models.ErrForbidden)
		}
	})
}

// TestStore_RevokeUserLastAdmin: an admin of HUIFANG_ADMINS (no users row)
// cannot revoke the last admin who has one; with a second admin it can.
func TestStore_RevokeUserLastAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		configured := models.Viewer{TelegramID: 777, Role: models.RoleAdmin}
		_, err := s.RevokeUser(ctx, configured, adminTG)
		wantErr(t, "revoke the last admin", err, models.ErrLastAdmin)
		if _, err := s.FindUser(ctx, adminTG); err != nil {
			t.Fatalf("last admin lost access: %v", err)
		}
		other := models.User{TelegramID: newUserTG, Name: "管理员乙", Role: models.RoleAdmin, UnitID: r.root}
		if err := s.CreateUser(ctx, r.admin, &other); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RevokeUser(ctx, configured, adminTG); err != nil {
			t.Errorf("revoke one of two admins: %v", err)
		}
		// A revoked actor is refused even if its viewer says admin.
		_, err = s.RevokeUser(ctx, r.admin, eastSupTG)
		wantDenied(t, s, "a revoked admin revokes", err, r.admin, models.AuditRevokeUser)
	})
}
