package factor

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// resetWindow is how recent a code must be for an administrator to reset
// their own factor: a code typed for it, not one of hours ago.
const resetWindow = 2 * time.Minute

// cmd2FA answers /2fa: enrol, or the state of one's factor; /2fa reset
// enrols again, after a code typed now; /2fa reset <id> removes another
// administrator's factor (a lost authenticator), after a fresh code.
func (g *Factor) cmd2FA(t *kit.Turn, args string) error {
	switch {
	case t.User.Role != models.RoleAdmin:
		t.Say("fa_only_admins")
		return nil
	case !g.on:
		t.Say("fa_off")
		return nil
	}
	verb, arg, _ := strings.Cut(strings.TrimSpace(args), " ")
	switch {
	case verb == "":
		return g.status(t)
	case strings.EqualFold(verb, "reset") && strings.TrimSpace(arg) == "":
		return g.resetOwn(t)
	case strings.EqualFold(verb, "reset"):
		return g.resetOther(t, strings.TrimSpace(arg))
	}
	t.Say("fa_usage")
	return nil
}

// status enrols a user without a confirmed factor, and tells one with a
// factor when they last gave a code.
func (g *Factor) status(t *kit.Turn) error {
	f, err := g.db.SecondFactor(t.Ctx, t.User.TelegramID)
	if errors.Is(err, models.ErrNotFound) || err == nil && !f.Confirmed {
		d := &draft{}
		kit.SetPart(t.St, part, d)
		t.St.Flow, t.St.Step, t.St.Choices = Flow, "", nil
		return g.enrol(t, d, false)
	}
	if err != nil {
		return fmt.Errorf("second factor of %d: %w", t.User.TelegramID, err)
	}
	state := t.T.T("fa_state_stale")
	if now := t.Env.Now(); f.Fresh(now, g.period) {
		state = t.T.T("fa_state_fresh", "Until", t.Env.Stamp(t.T, f.VerifiedAt.Add(g.period)))
	}
	t.Say("fa_status", "At", t.Env.Stamp(t.T, f.VerifiedAt), "State", state)
	return nil
}

// enrol issues a new secret and shows it once, in a protected message
// whose button hides it again; the next code confirms it. why says that
// an action is waiting for it.
func (g *Factor) enrol(t *kit.Turn, d *draft, why bool) error {
	key, stored, sealed, err := g.newSecret(t.User.TelegramID)
	if err != nil {
		return err
	}
	if err := g.db.EnrolSecondFactor(t.Ctx, t.Viewer, stored, sealed); err != nil {
		return kit.Saving(fmt.Errorf("enrol second factor of %d: %w", t.User.TelegramID, err))
	}
	d.Enrol, d.Hidden = true, false
	reason := ""
	if why {
		reason = t.T.T("fa_enrol_why") + "\n\n"
	}
	text := reason + t.T.T("fa_enrol", "Issuer", Issuer, "Account", key.AccountName(), "Secret", groupSecret(key.Secret()))
	t.Send(kit.Message{Text: text, Buttons: [][]kit.Button{
		{{Text: t.T.T("fa_btn_hide"), Data: hideData}}, {t.Btn(t.T.T("btn_cancel"), NS, "cancel", "")},
	}})
	return nil
}

// resetOwn removes the user's factor and enrols them again, after a code
// typed for it.
func (g *Factor) resetOwn(t *kit.Turn) error {
	f, err := g.db.SecondFactor(t.Ctx, t.User.TelegramID)
	if errors.Is(err, models.ErrNotFound) || err == nil && !f.Confirmed {
		return g.status(t)
	}
	if err != nil {
		return fmt.Errorf("second factor of %d: %w", t.User.TelegramID, err)
	}
	if !f.Fresh(t.Env.Now(), resetWindow) {
		return g.Ask(t, Pending{Cmd: "2fa", Args: "reset"})
	}
	if err := g.db.ResetSecondFactor(t.Ctx, t.Viewer, t.User.TelegramID); err != nil {
		return kit.Saving(fmt.Errorf("reset own second factor: %w", err))
	}
	t.Say("fa_reset_own")
	return g.status(t)
}

// resetOther removes another administrator's factor, after a fresh code
// of the user's own.
func (g *Factor) resetOther(t *kit.Turn, arg string) error {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		t.Say("fa_usage")
		return nil
	}
	if blocks, err := g.Blocks(t); err != nil || blocks {
		if err != nil {
			return err
		}
		return g.Ask(t, Pending{Cmd: "2fa", Args: "reset " + arg})
	}
	err = g.db.ResetSecondFactor(t.Ctx, t.Viewer, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		t.Say("fa_reset_none", "ID", id)
		return nil
	case err != nil:
		return kit.Saving(fmt.Errorf("reset second factor of %d: %w", id, err))
	}
	t.Say("fa_reset_other", "ID", id)
	return nil
}
