package access

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// maxCode bounds an invitation code: Telegram's deep-link start parameter
// is at most 64 characters of A-Z, a-z, 0-9, _ and -.
const maxCode = 64

// cmdInvite handles /invite <role> [unit] and /invite revoke <code>. The
// unit is typed as anywhere (a part of its name, its pinyin, its number)
// or, when not given, chosen by button among the units the inviter may
// invite to.
func (a *Access) cmdInvite(t *kit.Turn, args string) error {
	var first string
	if f := strings.Fields(args); len(f) > 0 {
		first = f[0]
	}
	rest := strings.TrimSpace(strings.TrimPrefix(args, first))
	if strings.EqualFold(first, "revoke") || first == "撤销" {
		return a.revokeCode(t, rest)
	}
	role, ok := parseRole(first)
	rest, bound, okBound := cutBound(rest)
	if !ok || !okBound {
		t.Say("ac_invite_usage")
		return nil
	}
	if !mayInvite(t.User.Role, role) {
		// Refused by the store, which audits the attempt; the unit is moot.
		return a.createInvite(t, role, models.Unit{ID: t.User.UnitID}, bound)
	}
	d := &draft{Kind: kindInvite, Role: string(role), Bound: bound}
	if rest == "" {
		tree, err := a.tree(t)
		if err != nil {
			return err
		}
		if len(tree) == 1 {
			return a.createInvite(t, role, tree[0], bound) // nothing to choose
		}
	}
	return a.open(t, d, rest)
}

// inviteTo makes the invitation of the form once its unit is chosen.
func (a *Access) inviteTo(t *kit.Turn, d *draft) error {
	unit, ok := chosen(d, fUnit)
	end(t)
	if !ok {
		writeFailed(t, models.ErrNotFound)
		return nil
	}
	return a.createInvite(t, models.Role(d.Role), unit, d.Bound)
}

// cutBound takes a trailing "id:<telegram id>" (also "id=" or a
// full-width colon) off the arguments of /invite: the code is then for
// that person only. ok is false for a malformed id.
func cutBound(args string) (rest string, id int64, ok bool) {
	f := strings.Fields(args)
	if len(f) == 0 {
		return args, 0, true
	}
	last := f[len(f)-1]
	for _, prefix := range []string{"id:", "id=", "id："} {
		if len(last) > len(prefix) && strings.EqualFold(last[:len(prefix)], prefix) {
			n, err := strconv.ParseInt(last[len(prefix):], 10, 64)
			if err != nil || n <= 0 {
				return args, 0, false
			}
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(args), last)), n, true
		}
	}
	return args, 0, true
}

// mayInvite is the rule the store enforces, checked again before a code
// is shown: admins invite anyone, supervisors inspectors (of their
// subtree: the unit was found in it).
func mayInvite(inviter, role models.Role) bool {
	return inviter == models.RoleAdmin || inviter == models.RoleSupervisor && role == models.RoleInspector
}

// createInvite makes the code and shows it with its deep link.
func (a *Access) createInvite(t *kit.Turn, role models.Role, unit models.Unit, bound int64) error {
	inv, err := a.db.CreateInvitation(t.Ctx, t.Viewer, role, unit.ID, bound, t.Env.InviteTTL, t.Env.Now())
	if errors.Is(err, models.ErrForbidden) {
		sayInviteForbidden(t)
		return nil
	}
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	if !mayInvite(t.User.Role, role) {
		t.Env.Log.Error("store allowed a forbidden invitation", "user_id", t.User.TelegramID, "role", string(role))
		if err := a.db.RevokeInvitation(t.Ctx, t.Viewer, inv.Code); err != nil {
			return fmt.Errorf("revoke forbidden invitation %d: %w", inv.ID, err)
		}
		sayInviteForbidden(t)
		return nil
	}
	code := kit.Esc(inv.Code)
	text := t.T.T("ac_invite_made", "Code", code, "Role", a.roleName(t, inv.Role), "Unit", kit.Esc(unit.Name),
		"Expires", t.Env.Stamp(t.T, inv.ExpiresAt))
	if inv.BoundTo != nil {
		text += "\n" + t.T.T("ac_invite_bound", "ID", *inv.BoundTo)
	}
	if t.Env.BotName != "" {
		text += "\n" + t.T.T("ac_invite_link", "Link", kit.Esc("https://t.me/"+t.Env.BotName+"?start="+inv.Code))
	} else {
		text += "\n" + t.T.T("ac_invite_start", "Code", code)
	}
	t.Show(kit.Message{Text: text + "\n" + t.T.T("ac_invite_revoke_hint", "Code", code)})
	return nil
}

func sayInviteForbidden(t *kit.Turn) {
	if t.User.Role == models.RoleSupervisor {
		t.Say("ac_invite_supervisor_only")
		return
	}
	t.Say("ac_invite_not_allowed")
}

// revokeCode handles /invite revoke <code>.
func (a *Access) revokeCode(t *kit.Turn, code string) error {
	if !validCode(code) {
		t.Say("ac_invite_revoke_usage")
		return nil
	}
	err := a.db.RevokeInvitation(t.Ctx, t.Viewer, code)
	switch {
	case err == nil:
		t.Say("ac_invite_revoked", "Code", kit.Esc(code))
	case errors.Is(err, models.ErrNotFound):
		t.Say("ac_invite_revoke_unknown", "Code", kit.Esc(code))
	case errors.Is(err, models.ErrInviteUsed):
		t.Say("ac_invite_revoke_used", "Code", kit.Esc(code))
	case errors.Is(err, models.ErrInviteRevoked), errors.Is(err, models.ErrInviteExpired):
		t.Say("ac_invite_revoke_already", "Code", kit.Esc(code))
	case errors.Is(err, models.ErrForbidden):
		sayInviteForbidden(t)
	default:
		return fmt.Errorf("revoke invitation: %w", err)
	}
	return nil
}

// validCode reports whether s may be an invitation code.
func validCode(s string) bool {
	if s == "" || len(s) > maxCode {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
