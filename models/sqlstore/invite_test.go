package sqlstore_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

var inviteCode = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

func mustInvite(t *testing.T, s *sqlstore.Store, actor models.Viewer, role models.Role, unit uint64, ttl time.Duration, now time.Time) models.Invitation {
	t.Helper()
	inv, err := s.CreateInvitation(context.Background(), actor, role, unit, 0, ttl, now)
	if err != nil {
		t.Fatalf("CreateInvitation: %v", err)
	}
	return inv
}

func TestStore_CreateInvitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now().UTC()
		inv := mustInvite(t, s, r.admin, models.RoleSupervisor, r.west, 72*time.Hour, now)
		if !inviteCode.MatchString(inv.Code) || inv.ID == 0 || inv.CreatedBy != adminTG {
			t.Errorf("invitation = %+v", inv)
		}
		if d := inv.ExpiresAt.Sub(now); d < 72*time.Hour-time.Millisecond || d > 72*time.Hour {
			t.Errorf("ExpiresAt - now = %v, want 72h", d)
		}
		if other := mustInvite(t, s, r.admin, models.RoleInspector, r.west, time.Hour, now); other.Code == inv.Code {
			t.Error("two invitations share a code")
		}
		if n := count(t, s, "audit_events", "action = ? AND detail LIKE ?", models.AuditInviteCreate, "invitation=%"); n != 2 {
			t.Errorf("invite_create audit rows = %d, want 2", n)
		}
		// A supervisor invites inspectors of their own subtree only.
		mustInvite(t, s, r.eastSup, models.RoleInspector, r.eastOffice, time.Hour, now)
		_, err := s.CreateInvitation(ctx, r.eastSup, models.RoleInspector, r.westPatrol, 0, time.Hour, now)
		wantErr(t, "supervisor invites to a sibling unit", err, models.ErrNotFound)
		_, err = s.CreateInvitation(ctx, r.eastSup, models.RoleSupervisor, r.east, 0, time.Hour, now)
		wantDenied(t, s, "supervisor invites a supervisor", err, r.eastSup, models.AuditInviteCreate)
		_, err = s.CreateInvitation(ctx, r.east1, models.RoleInspector, r.east, 0, time.Hour, now)
		wantDenied(t, s, "inspector invites", err, r.east1, models.AuditInviteCreate)
		_, err = s.CreateInvitation(ctx, r.admin, "root", r.east, 0, time.Hour, now)
		wantErr(t, "unknown role", err, models.ErrInvalid)
		_, err = s.CreateInvitation(ctx, r.admin, models.RoleInspector, r.east, 0, 0, now)
		wantErr(t, "zero ttl", err, models.ErrInvalid)
		if n := count(t, s, "invitations", ""); n != 3 {
			t.Errorf("invitations = %d, want 3", n)
		}
	})
}

func TestStore_RedeemInvitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now().UTC()
		inv := mustInvite(t, s, r.eastSup, models.RoleInspector, r.eastOffice, time.Hour, now)
		long := " " + strings.Repeat("回", 70) + " "
		u, used, err := s.RedeemInvitation(ctx, inv.Code, newUserTG, long, now.Add(time.Minute))
		if err != nil {
			t.Fatalf("RedeemInvitation: %v", err)
		}
		if u.Role != models.RoleInspector || u.UnitID != r.eastOffice || u.Name != strings.Repeat("回", 64) || u.TelegramID != newUserTG {
			t.Errorf("user = %+v", u)
		}
		if used.UsedBy == nil || *used.UsedBy != newUserTG || used.UsedAt == nil {
			t.Errorf("invitation = %+v, want used by the new user", used)
		}
		if got, err := s.FindUser(ctx, newUserTG); err != nil || got.ID != u.ID {
			t.Errorf("FindUser = %+v, %v", got, err)
		}
		n := count(t, s, "audit_events", "action = ? AND actor_id = ?", models.AuditInviteRedeem, newUserTG)
		if n != 1 {
			t.Errorf("invite_redeem audit rows = %d, want 1", n)
		}
		_, _, err = s.RedeemInvitation(ctx, inv.Code, newUserTG+1, "又一人", now.Add(time.Minute))
		wantErr(t, "redeem a used code", err, models.ErrInviteUsed)

		expiring := mustInvite(t, s, r.admin, models.RoleInspector, r.east, time.Hour, now)
		_, _, err = s.RedeemInvitation(ctx, expiring.Code, newUserTG+2, "迟到", now.Add(time.Hour))
		wantErr(t, "redeem an expired code", err, models.ErrInviteExpired)

		revoked := mustInvite(t, s, r.admin, models.RoleInspector, r.east, time.Hour, now)
		if err := s.RevokeInvitation(ctx, r.admin, revoked.Code); err != nil {
			t.Fatalf("RevokeInvitation: %v", err)
		}
		_, _, err = s.RedeemInvitation(ctx, revoked.Code, newUserTG+3, "撤销", now)
		wantErr(t, "redeem a revoked code", err, models.ErrInviteRevoked)
		_, _, err = s.RedeemInvitation(ctx, "no-such-code", newUserTG+4, "无", now)
		wantErr(t, "redeem an unknown code", err, models.ErrNotFound)
		_, _, err = s.RedeemInvitation(ctx, strings.ToUpper(expiring.Code), newUserTG+5, "大写", now)
		wantErr(t, "redeem an upper-cased code", err, models.ErrNotFound)

		// An active user cannot redeem; the code stays usable.
		pending := mustInvite(t, s, r.admin, models.RoleSupervisor, r.west, time.Hour, now)
		_, _, err = s.RedeemInvitation(ctx, pending.Code, inspectorTG, "已注册", now)
		wantErr(t, "redeem by an active user", err, models.ErrDuplicate)
		if _, _, err := s.RedeemInvitation(ctx, pending.Code, newUserTG+6, "新人", now); err != nil {
			t.Errorf("redeem after a refused attempt: %v", err)
		}
	})
}

func TestStore_RedeemInvitationReactivates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		before, _ := s.FindUser(ctx, inspectorTG)
		if _, err := s.RevokeUser(ctx, r.admin, inspectorTG); err != nil {
			t.Fatalf("RevokeUser: %v", err)
		}
		_, err := s.FindUser(ctx, inspectorTG)
		wantErr(t, "FindUser of a revoked user", err, models.ErrNotFound)
		now := time.Now()
		inv := mustInvite(t, s, r.admin, models.RoleSupervisor, r.west, time.Hour, now)
		u, _, err := s.RedeemInvitation(ctx, inv.Code, inspectorTG, "回来了", now)
		if err != nil {
			t.Fatalf("RedeemInvitation by a revoked user: %v", err)
		}
		got, err := s.FindUser(ctx, inspectorTG)
		if err != nil || got.ID != before.ID || got.ID != u.ID || got.Role != models.RoleSupervisor ||
			got.UnitID != r.west || got.Name != "回来了" || got.RevokedAt != nil {
			t.Errorf("re-activated user = %+v, %v; want row %d as supervisor of 西山", got, err, before.ID)
		}
	})
}

func TestStore_RedeemInvitationConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now()
		inv := mustInvite(t, s, r.admin, models.RoleInspector, r.east, time.Hour, now)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = s.RedeemInvitation(ctx, inv.Code, newUserTG+int64(i), "并发", now)
			})
		}
		wg.Wait()
		ok := 0
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, models.ErrInviteUsed):
				t.Errorf("redeem #%d: %v, want nil or ErrInviteUsed", i, err)
			}
		}
		if ok != 1 || count(t, s, "users", "telegram_id >= ?", newUserTG) != 1 {
			t.Errorf("%d redemptions succeeded, want exactly 1", ok)
		}
	})
}

func TestStore_RevokeInvitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now()
		east := mustInvite(t, s, r.eastSup, models.RoleInspector, r.eastOffice, time.Hour, now)
		wantErr(t, "revoke from a sibling subtree", s.RevokeInvitation(ctx, r.westSup, east.Code), models.ErrNotFound)
		wantDenied(t, s, "revoke by an inspector", s.RevokeInvitation(ctx, r.east1, east.Code), r.east1, models.AuditInviteRevoke)
		sup := mustInvite(t, s, r.admin, models.RoleSupervisor, r.eastOffice, time.Hour, now)
		wantDenied(t, s, "supervisor revokes a supervisor's code", s.RevokeInvitation(ctx, r.eastSup, sup.Code), r.eastSup, models.AuditInviteRevoke)
		if err := s.RevokeInvitation(ctx, r.eastSup, east.Code); err != nil {
			t.Fatalf("RevokeInvitation: %v", err)
		}
		wantErr(t, "revoke twice", s.RevokeInvitation(ctx, r.eastSup, east.Code), models.ErrInviteRevoked)
		if _, _, err := s.RedeemInvitation(ctx, sup.Code, newUserTG, "用户", now); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "revoke a used code", s.RevokeInvitation(ctx, r.admin, sup.Code), models.ErrInviteUsed)
		wantErr(t, "revoke an unknown code", s.RevokeInvitation(ctx, r.admin, "nope"), models.ErrNotFound)
		if n := count(t, s, "audit_events", "action = ?", models.AuditInviteRevoke); n != 1 {
			t.Errorf("invite_revoke audit rows = %d, want 1", n)
		}
	})
}

// TestStore_InvitationCodes: only a code's SHA-256 is stored; an admin
// invitation lasts 24 h at most; a bound code serves only its Telegram id;
// refused redemptions are audited, a stray word is not.
func TestStore_InvitationCodes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		now := time.Now().UTC()
		adm := mustInvite(t, s, r.admin, models.RoleAdmin, r.root, 72*time.Hour, now)
		if d := adm.ExpiresAt.Sub(now); d > models.MaxAdminInviteTTL {
			t.Errorf("admin invitation valid for %v, want at most 24h", d)
		}
		if n := count(t, s, "invitations", "code = ?", adm.Code); n != 0 {
			t.Error("the clear code is stored")
		}
		if n := count(t, s, "invitations", "code = ? AND id = ?", adm.CodeHash, adm.ID); n != 1 || len(adm.CodeHash) != 64 {
			t.Errorf("stored hash %q found %d times", adm.CodeHash, n)
		}
		bound, err := s.CreateInvitation(ctx, r.admin, models.RoleInspector, r.east, newUserTG, time.Hour, now)
		if err != nil || bound.BoundTo == nil || *bound.BoundTo != newUserTG {
			t.Fatalf("bound invitation = %+v, %v", bound, err)
		}
		_, _, err = s.RedeemInvitation(ctx, bound.Code, newUserTG+1, "别人", now)
		wantErr(t, "redeem a code bound to someone else", err, models.ErrNotFound)
		if _, _, err := s.RedeemInvitation(ctx, bound.Code, newUserTG, "本人", now); err != nil {
			t.Errorf("redeem a bound code by its person: %v", err)
		}
		_, _, err = s.RedeemInvitation(ctx, bound.Code, newUserTG+2, "再来", now)
		wantErr(t, "redeem a used code", err, models.ErrInviteUsed)
		_, _, err = s.RedeemInvitation(ctx, "0123456789abcdef0123456789abcdef", newUserTG+3, "猜码", now)
		wantErr(t, "redeem a guessed code", err, models.ErrNotFound)
		_, _, err = s.RedeemInvitation(ctx, "hello", newUserTG+4, "随便说", now)
		wantErr(t, "a stray word", err, models.ErrNotFound)
		got := map[string]int64{}
		evs, _ := sqlstore.AuditForTest(ctx, s, models.AuditInviteFailed)
		for _, ev := range evs {
			got[ev.Detail[strings.Index(ev.Detail, "reason="):]] = ev.ActorID
		}
		want := map[string]int64{"reason=bound": newUserTG + 1, "reason=used": newUserTG + 2, "reason=unknown": newUserTG + 3}
		if len(got) != len(want) {
			t.Errorf("failed redemptions audited = %v, want %v", got, want)
		}
		for k, id := range want {
			if got[k] != id {
				t.Errorf("audit of %s by %d, want by %d", k, got[k], id)
			}
		}
	})
}
