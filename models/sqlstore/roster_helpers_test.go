package sqlstore_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// Telegram ids of the roster tests' extra viewers.
const (
	eastSupTG = 9_000_000_011
	westSupTG = 9_000_000_012
	newUserTG = 9_000_000_013
)

// roster is the demo with supervisors of both townships registered as
// users, and an inspector of the west one.
type roster struct {
	demo
	eastSup, westSup models.Viewer
}

func loadRoster(t *testing.T, s *sqlstore.Store) roster {
	t.Helper()
	r := roster{demo: loadDemo(t, s)}
	r.eastSup = models.Viewer{TelegramID: eastSupTG, Role: models.RoleSupervisor, UnitID: r.east}
	r.westSup = models.Viewer{TelegramID: westSupTG, Role: models.RoleSupervisor, UnitID: r.west}
	for _, u := range []models.User{
		{TelegramID: eastSupTG, Name: "东湖负责人", Role: models.RoleSupervisor, UnitID: r.east},
		{TelegramID: westSupTG, Name: "西山负责人", Role: models.RoleSupervisor, UnitID: r.west},
		{TelegramID: westTG, Name: "西山回访员", Role: models.RoleInspector, UnitID: r.west},
		{TelegramID: rootTG, Name: "区纪委负责人", Role: models.RoleSupervisor, UnitID: r.root},
	} {
		if err := s.CreateUser(context.Background(), r.admin, &u); err != nil {
			t.Fatalf("CreateUser %d: %v", u.TelegramID, err)
		}
	}
	return r
}

// wantDenied checks that err is ErrForbidden (or want, when given) and
// that a "denied" audit row names op for the actor.
func wantDenied(t *testing.T, s *sqlstore.Store, what string, err error, actor models.Viewer, op string, want ...error) {
	t.Helper()
	target := models.ErrForbidden
	if len(want) > 0 {
		target = want[0]
	}
	wantErr(t, what, err, target)
	n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND detail = ?", models.AuditDenied, actor.TelegramID, "op="+op)
	if n == 0 {
		t.Errorf("%s: no %q audit row for op=%s", what, models.AuditDenied, op)
	}
}

// audited returns the number of audit rows of action by actor.
func audited(t *testing.T, s *sqlstore.Store, action string, actor models.Viewer) int64 {
	t.Helper()
	return count(t, s, "audit_events", "action = ? AND actor_id = ?", action, actor.TelegramID)
}
