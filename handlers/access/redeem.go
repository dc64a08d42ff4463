package access

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// Redeem answers a person the bot does not know yet who sends an
// invitation code, as "/start <code>" (what the deep link sends) or the
// bare code. It runs before any user or state exists. ok is false when
// the input is no invitation, or names no code the store knows: the
// caller then refuses as for any stranger. A successful redemption
// registers the person, greets them in their Telegram language and
// notifies the inviter through Response.Notify.
func (a *Access) Redeem(ctx context.Context, env *kit.Env, in kit.Input) (kit.Response, bool) {
	code := inviteCode(in.Text)
	if code == "" || in.Callback != "" {
		return kit.Response{}, false
	}
	user, inv, err := a.db.RedeemInvitation(ctx, code, in.UserID, inviteeName(in), env.Now())
	t := env.Cat.Lang(kit.LangFor(in.LangCode))
	refuse := func(id string) (kit.Response, bool) {
		return kit.Response{ChatID: in.ChatID, Messages: []kit.Message{{Text: t.T(id, "ID", in.UserID)}}}, true
	}
	switch {
	case err == nil:
		return a.welcome(ctx, env, in, t, user, inv), true
	case errors.Is(err, models.ErrNotFound):
		return kit.Response{}, false
	case errors.Is(err, models.ErrInviteUsed):
		return refuse("ac_code_used")
	case errors.Is(err, models.ErrInviteExpired):
		return refuse("ac_code_expired")
	case errors.Is(err, models.ErrInviteRevoked):
		return refuse("ac_code_revoked")
	}
	env.Log.Error("redeem invitation", "update_id", in.UpdateID, "user_id", in.UserID, "err", err)
	// The dispatcher's apology, in the stranger's language.
	return kit.Response{ChatID: in.ChatID, Messages: []kit.Message{{Text: t.T("apology")}}}, true
}

// inviteCode returns the code of "/start <code>" (or "/start@bot <code>")
// or of a bare code, or "".
func inviteCode(text string) string {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		if validCode(text) {
			return text
		}
		return ""
	}
	name, code, _ := strings.Cut(text[1:], " ")
	name, _, _ = strings.Cut(name, "@")
	code = strings.TrimSpace(code)
	if !strings.EqualFold(name, "start") || !validCode(code) {
		return ""
	}
	return code
}

// inviteeName is the name a new user is registered with: their Telegram
// first name, or 用户<id> without one. What would make the name start a
// spreadsheet formula is left out (a profile name cannot be refused).
func inviteeName(in kit.Input) string {
	name := strings.TrimSpace(models.TrimFormula(in.FirstName))
	if name == "" {
		return "用户" + strconv.FormatInt(in.UserID, 10)
	}
	if r := []rune(name); len(r) > kit.MaxArgRunes {
		name = string(r[:kit.MaxArgRunes])
	}
	return name
}

// welcome greets a new user in their language and tells the inviter, in
// the inviter's.
func (a *Access) welcome(ctx context.Context, env *kit.Env, in kit.Input, t kit.Tr, user models.User, inv models.Invitation) kit.Response {
	env.Log.Info("invitation redeemed", "user_id", in.UserID, "inviter", inv.CreatedBy)
	if t.Lang() != kit.LangZH {
		if err := a.db.SetUserLang(ctx, user.TelegramID, t.Lang()); err != nil {
			env.Log.Warn("set language of new user", "user_id", in.UserID, "err", err)
		}
	}
	unit, err := a.db.UnitName(ctx, user.UnitID)
	if err != nil {
		env.Log.Warn("unit of new user", "user_id", in.UserID, "err", err)
	}
	r := kit.Response{ChatID: in.ChatID, Messages: []kit.Message{{Protect: true, Text: t.T("ac_welcome",
		"Name", kit.Esc(user.Name), "Role", t.T("role_"+string(user.Role)), "Unit", kit.Esc(unit))}}}
	lang := kit.LangZH
	if inviter, err := a.db.FindUser(ctx, inv.CreatedBy); err == nil {
		lang = inviter.Lang
	}
	ti := env.Cat.Lang(lang)
	r.Notify = []kit.Outgoing{{ChatID: inv.CreatedBy, Message: kit.Message{Protect: true, Text: ti.T("ac_joined",
		"Name", kit.Esc(user.Name), "ID", user.TelegramID, "Role", ti.T("role_"+string(user.Role)), "Unit", kit.Esc(unit))}}}
	return r
}
