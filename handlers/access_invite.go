package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/huifang/huifang/models"
)

// acMaxCode bounds an invitation code: Telegram's deep-link start
// parameter is at most 64 characters of A-Z, a-z, 0-9, _ and -.
const acMaxCode = 64

// cmdInvite handles /invite <role> [unit] and /invite revoke <code>.
func (x *access) cmdInvite(args string) error {
	var first string
	if f := strings.Fields(args); len(f) > 0 {
		first = f[0]
	}
	rest := strings.TrimSpace(strings.TrimPrefix(args, first))
	if strings.EqualFold(first, "revoke") || first == "撤销" {
		return x.revokeCode(rest)
	}
	role, ok := parseRole(first)
	if !ok {
		x.say("ac_invite_usage")
		return nil
	}
	if x.user.Role == models.RoleInspector {
		// Refused by the store, which audits the attempt; the unit is moot.
		return x.createInvite(role, models.Unit{ID: x.user.UnitID})
	}
	tree, err := x.tree()
	if err != nil {
		return err
	}
	if rest == "" {
		unit, ok := acUnitByID(tree, x.user.UnitID)
		if !ok {
			x.say("ac_invite_need_unit")
			return nil
		}
		return x.createInvite(role, unit)
	}
	unit, err := acFindUnit(tree, rest)
	if note, ok := x.unitLookupNote(err, rest); ok {
		x.send(Message{Text: note})
		return nil
	}
	if err != nil {
		return err
	}
	return x.createInvite(role, unit)
}

// acMayInvite is the rule the store enforces, checked again before a code
// is shown: admins invite anyone, supervisors inspectors (of their
// subtree: the unit was found in it).
func acMayInvite(inviter, role models.Role) bool {
	return inviter == models.RoleAdmin || inviter == models.RoleSupervisor && role == models.RoleInspector
}

// createInvite makes the code and shows it with its deep link.
func (x *access) createInvite(role models.Role, unit models.Unit) error {
	inv, err := x.db.CreateInvitation(x.ctx, x.viewer, role, unit.ID, x.a.inviteTTL, x.a.now())
	if errors.Is(err, models.ErrForbidden) {
		x.sayInviteForbidden()
		return nil
	}
	if err != nil {
		return err
	}
	if !acMayInvite(x.user.Role, role) {
		x.a.log.Error("store allowed a forbidden invitation", "user_id", x.user.TelegramID, "role", string(role))
		if err := x.db.RevokeInvitation(x.ctx, x.viewer, inv.Code); err != nil {
			return err
		}
		x.sayInviteForbidden()
		return nil
	}
	code := esc(inv.Code)
	text := x.t.T("ac_invite_made", "Code", code, "Role", x.roleName(inv.Role), "Unit", esc(unit.Name),
		"Expires", x.dateTime(inv.ExpiresAt))
	if x.a.botName != "" {
		text += "\n" + x.t.T("ac_invite_link", "Link", esc("https://t.me/"+x.a.botName+"?start="+inv.Code))
	} else {
		text += "\n" + x.t.T("ac_invite_start", "Code", code)
	}
	x.send(Message{Text: text + "\n" + x.t.T("ac_invite_revoke_hint", "Code", code)})
	return nil
}

func (x *access) sayInviteForbidden() {
	if x.user.Role == models.RoleSupervisor {
		x.say("ac_invite_supervisor_only")
		return
	}
	x.say("ac_invite_not_allowed")
}

// revokeCode handles /invite revoke <code>.
func (x *access) revokeCode(code string) error {
	if !acValidCode(code) {
		x.say("ac_invite_revoke_usage")
		return nil
	}
	err := x.db.RevokeInvitation(x.ctx, x.viewer, code)
	switch {
	case err == nil:
		x.say("ac_invite_revoked", "Code", esc(code))
	case errors.Is(err, models.ErrNotFound):
		x.say("ac_invite_revoke_unknown", "Code", esc(code))
	case errors.Is(err, models.ErrInviteUsed):
		x.say("ac_invite_revoke_used", "Code", esc(code))
	case errors.Is(err, models.ErrInviteRevoked), errors.Is(err, models.ErrInviteExpired):
		x.say("ac_invite_revoke_already", "Code", esc(code))
	case errors.Is(err, models.ErrForbidden):
		x.sayInviteForbidden()
	default:
		return err
	}
	return nil
}

// acValidCode reports whether s may be an invitation code.
func acValidCode(s string) bool {
	if s == "" || len(s) > acMaxCode {
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

// acInviteCode returns the code of "/start <code>", or "".
func acInviteCode(text string) string {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return ""
	}
	name, code := splitCommand(text)
	if name != "start" || !acValidCode(code) {
		return ""
	}
	return code
}

// redeemInvite handles "/start <code>" from a person who is not a user
// yet; ok is false when the input is not an invitation (or names no code
// the store knows), and the caller then refuses as for any stranger.
func (a *App) redeemInvite(ctx context.Context, in Input) (Response, bool) {
	code := acInviteCode(in.Text)
	if code == "" || in.Callback != "" {
		return Response{}, false
	}
	db, err := a.accessDB()
	if err != nil {
		a.log.Error("redeem invitation", "update_id", in.UpdateID, "err", err)
		return Response{}, false
	}
	user, inv, err := db.RedeemInvitation(ctx, code, in.UserID, acInviteeName(in), a.now())
	t := a.cat.lang(langFor(in.LangCode))
	refuse := func(id string) (Response, bool) {
		return Response{ChatID: in.ChatID, Messages: []Message{{Text: t.T(id, "ID", in.UserID)}}}, true
	}
	switch {
	case err == nil:
		return a.welcomeInvitee(ctx, db, in, t, user, inv), true
	case errors.Is(err, models.ErrNotFound):
		return Response{}, false
	case errors.Is(err, models.ErrInviteUsed):
		return refuse("ac_code_used")
	case errors.Is(err, models.ErrInviteExpired):
		return refuse("ac_code_expired")
	case errors.Is(err, models.ErrInviteRevoked):
		return refuse("ac_code_revoked")
	}
	a.log.Error("redeem invitation", "update_id", in.UpdateID, "user_id", in.UserID, "err", err)
	return a.Apology(in), true
}

// acInviteeName is the name a new user is registered with.
func acInviteeName(in Input) string {
	name := strings.TrimSpace(in.FirstName)
	if name == "" {
		return "用户" + strconv.FormatInt(in.UserID, 10)
	}
	if r := []rune(name); len(r) > maxArgRunes {
		name = string(r[:maxArgRunes])
	}
	return name
}

// welcomeInvitee greets a new user in their language and tells the inviter.
func (a *App) welcomeInvitee(ctx context.Context, db accessStore, in Input, t tr, user models.User, inv models.Invitation) Response {
	a.log.Info("invitation redeemed", "user_id", in.UserID, "inviter", inv.CreatedBy)
	if t.lang != LangZH {
		if err := a.store.SetUserLang(ctx, user.TelegramID, t.lang); err != nil {
			a.log.Warn("set language of new user", "user_id", in.UserID, "err", err)
		}
	}
	unit, err := db.UnitName(ctx, user.UnitID)
	if err != nil {
		a.log.Warn("unit of new user", "user_id", in.UserID, "err", err)
	}
	r := Response{ChatID: in.ChatID, Messages: []Message{{Protect: true, Text: t.T("ac_welcome",
		"Name", esc(user.Name), "Role", t.T("role_"+string(user.Role)), "Unit", esc(unit))}}}
	lang := LangZH
	if inviter, err := a.store.FindUser(ctx, inv.CreatedBy); err == nil {
		lang = inviter.Lang
	}
	ti := a.cat.lang(lang)
	r.Notify = []Outgoing{{ChatID: inv.CreatedBy, Message: Message{Protect: true, Text: ti.T("ac_joined",
		"Name", esc(user.Name), "ID", user.TelegramID, "Role", ti.T("role_"+string(user.Role)), "Unit", esc(unit))}}}
	return r
}
