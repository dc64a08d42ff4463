package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// codeAt is a FactorCheck that finds the code in step (ok false: wrong).
func codeAt(step int64, ok bool) models.FactorCheck {
	return func(models.SecondFactor) (int64, bool, []byte) { return step, ok, nil }
}

// TestStore_SecondFactor: an administrator enrols, confirms with a code,
// a code is accepted once, wrong codes lock the factor for a while, a reset
// lets them enrol again; every step is audited, never with a code.
func TestStore_SecondFactor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		admin := models.Viewer{TelegramID: 4242, Role: models.RoleAdmin}
		now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
		_, err := s.SecondFactor(ctx, admin.TelegramID)
		wantErr(t, "none yet", err, models.ErrNotFound)
		_, err = s.CheckSecondFactor(ctx, admin, now, codeAt(1, true))
		wantErr(t, "check without factor", err, models.ErrNotFound)
		inspector := models.Viewer{TelegramID: 4343, Role: models.RoleInspector}
		wantErr(t, "inspector enrols", s.EnrolSecondFactor(ctx, inspector, []byte("S"), false), models.ErrForbidden)

		if err := s.EnrolSecondFactor(ctx, admin, []byte("FIRST"), false); err != nil {
			t.Fatal(err)
		}
		if err := s.EnrolSecondFactor(ctx, admin, []byte("SECOND"), true); err != nil { // not confirmed: replaced
			t.Fatal(err)
		}
		f, err := s.SecondFactor(ctx, admin.TelegramID)
		if err != nil || string(f.Secret) != "SECOND" || !f.Sealed || f.Confirmed || f.Fresh(now, time.Hour) {
			t.Fatalf("enrolled = %+v, %v", f, err)
		}
		res, err := s.CheckSecondFactor(ctx, admin, now, codeAt(100, true))
		if err != nil || !res.OK {
			t.Fatalf("first code: %+v, %v", res, err)
		}
		f, _ = s.SecondFactor(ctx, admin.TelegramID)
		if !f.Confirmed || f.LastStep != 100 || !f.VerifiedAt.Equal(now) || !f.Fresh(now.Add(time.Hour), 2*time.Hour) {
			t.Fatalf("after the first code: %+v", f)
		}
		wantErr(t, "enrol over a confirmed factor", s.EnrolSecondFactor(ctx, admin, []byte("X"), false), models.ErrDuplicate)

		// The same code again, then wrong ones up to the lock.
		res, err = s.CheckSecondFactor(ctx, admin, now.Add(time.Second), codeAt(100, true))
		if err != nil || res.OK || res.Left != models.MaxFactorFailures-1 {
			t.Fatalf("replayed code: %+v, %v", res, err)
		}
		for i := 2; i < models.MaxFactorFailures; i++ {
			if res, _ = s.CheckSecondFactor(ctx, admin, now.Add(time.Second), codeAt(0, false)); res.OK || res.Locked {
				t.Fatalf("wrong code %d: %+v", i, res)
			}
		}
		res, _ = s.CheckSecondFactor(ctx, admin, now.Add(time.Second), codeAt(0, false))
		if !res.Locked || !res.LockedUntil.Equal(now.Add(time.Second+models.FactorLockout)) {
			t.Fatalf("last wrong code: %+v", res)
		}
		if res, _ = s.CheckSecondFactor(ctx, admin, now.Add(time.Minute), codeAt(101, true)); res.OK || !res.Locked {
			t.Fatalf("right code while locked: %+v", res)
		}
		res, _ = s.CheckSecondFactor(ctx, admin, now.Add(time.Second+models.FactorLockout), codeAt(102, true))
		if !res.OK {
			t.Fatalf("right code after the lock: %+v", res)
		}

		wantErr(t, "inspector resets", s.ResetSecondFactor(ctx, inspector, admin.TelegramID), models.ErrForbidden)
		if err := s.ResetSecondFactor(ctx, admin, admin.TelegramID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "reset twice", s.ResetSecondFactor(ctx, admin, admin.TelegramID), models.ErrNotFound)
		if err := s.EnrolSecondFactor(ctx, admin, []byte("THIRD"), false); err != nil {
			t.Fatalf("enrol after reset: %v", err)
		}

		for action, want := range map[string]int64{models.AuditFactorEnrol: 3, models.AuditFactorVerify: 8, models.AuditFactorReset: 1} {
			if n := count(t, s, "audit_events", "actor_id = ? AND action = ?", admin.TelegramID, action); n != want {
				t.Errorf("%s audit rows = %d, want %d", action, n, want)
			}
		}
		for detail, want := range map[string]int64{"result=ok": 2, "result=replayed": 1, "result=wrong": 3, "result=wrong locked=1": 1, "result=locked": 1} {
			if n := count(t, s, "audit_events", "action = ? AND detail = ?", models.AuditFactorVerify, detail); n != want {
				t.Errorf("2fa_verify %q rows = %d, want %d", detail, n, want)
			}
		}
		if n := count(t, s, "audit_events", "action = ? AND detail = ?", models.AuditDenied, "op="+models.AuditFactorEnrol); n != 1 {
			t.Errorf("refused enrolment audit rows = %d, want 1", n)
		}
	})
}

// TestStore_SecondFactorConcurrent: the same code tried at once on two
// connections (two replicas) is accepted once.
func TestStore_SecondFactorConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		admin := models.Viewer{TelegramID: 4242, Role: models.RoleAdmin}
		now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
		if err := s.EnrolSecondFactor(ctx, admin, []byte("S"), false); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		oks := make(chan bool, 8)
		for range 8 {
			wg.Go(func() {
				res, err := s.CheckSecondFactor(ctx, admin, now, codeAt(7, true))
				if err != nil {
					t.Error(err)
				}
				oks <- res.OK
			})
		}
		wg.Wait()
		close(oks)
		n := 0
		for ok := range oks {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("one code accepted %d times", n)
		}
	})
}
