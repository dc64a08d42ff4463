package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/huifang/huifang/models"
)

// cmdUsers lists the users of the viewer's subtree (supervisors and admins).
func (x *access) cmdUsers(args string) error {
	if args != "" {
		x.say("ac_users_usage")
		return nil
	}
	rows, err := x.db.ListUsers(x.ctx, x.viewer)
	if errors.Is(err, models.ErrForbidden) {
		x.say("ac_users_not_allowed")
		return nil
	}
	if err != nil {
		return err
	}
	if x.user.Role != models.RoleAdmin && x.user.Role != models.RoleSupervisor {
		x.say("ac_users_not_allowed")
		return nil
	}
	if len(rows) == 0 {
		x.say("ac_users_none")
		return nil
	}
	var b strings.Builder
	b.WriteString(x.t.T("ac_users_title", "N", len(rows)))
	for _, r := range rows {
		b.WriteString("\n" + x.t.T("ac_user_line", "Name", esc(r.Name), "Role", x.roleName(r.Role),
			"Unit", esc(r.UnitName), "ID", r.TelegramID))
	}
	x.send(Message{Text: b.String()})
	return nil
}

// cmdRevoke handles /revoke <telegram id>: the user loses access at once
// and their conversation state (with any draft) is dropped.
func (x *access) cmdRevoke(args string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(args), 10, 64)
	switch {
	case err != nil || id <= 0:
		x.say("ac_revoke_usage")
		return nil
	case id == x.user.TelegramID:
		x.say("ac_revoke_self")
		return nil
	case x.user.Role == models.RoleAdmin && x.a.admins[id]:
		x.say("ac_revoke_configured", "ID", id)
		return nil
	}
	u, err := x.db.RevokeUser(x.ctx, x.viewer, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		x.say("ac_revoke_not_found", "ID", id)
		return nil
	case errors.Is(err, models.ErrForbidden):
		x.say("ac_revoke_not_allowed")
		return nil
	case err != nil:
		return err
	}
	if err := x.dropState(id); err != nil {
		// Access is gone already (the user is refused); the state expires
		// with its TTL and cannot be reached meanwhile.
		x.a.log.Error("drop state of revoked user", "user_id", id, "err", err)
	}
	x.say("ac_revoked", "Name", esc(u.Name), "ID", id)
	return nil
}

// dropState deletes the conversation state of a user's private chat (its
// id is the user's id), trying again once if it changed meanwhile.
func (x *access) dropState(id int64) error {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var version int64
		_, version, err = x.a.state.Load(x.ctx, id, id)
		if errors.Is(err, models.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		err = x.a.state.Delete(x.ctx, id, id, version)
		if !errors.Is(err, models.ErrStale) {
			return err
		}
	}
	return err
}
