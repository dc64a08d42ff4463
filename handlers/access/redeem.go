package access

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Joining: a person the bot does not know sends an invitation code, as
// "/start <code>" (what the deep link sends) or the bare code. The code is
// checked, then a small form asks the newcomer's real name (the name
// official records will show for them) and has them confirm the role and
// unit; only then is the code redeemed and the user registered.
//
// Until then the person has no users row. Their form lives in their chat's
// conversation state, in a part of its own (joinPart), and the dispatcher
// hands such a person's updates to Join alone: nothing but this form is
// reachable. The code waits in that state while they type (it expires
// with the state, and the redemption checks it again); a person who sends
// anything else without a form in progress is refused and leaves no state.

// joinPart is the join form's part of the conversation state.
const joinPart = "join"

// actWrongUnit is the review card's "the unit is wrong" button.
const actWrongUnit = "wu"

// joinDraft is a newcomer's form: the code and what it was checked to
// give, and the answers.
type joinDraft struct {
	wizard.State
	Code    string `json:"c"`
	Role    string `json:"r"`
	UnitID  uint64 `json:"u"`
	Unit    string `json:"un"` // the unit's name, as shown when checked
	Inviter int64  `json:"i"`
}

type joinForm = wizard.Form[*joinDraft]

// newJoinForm is the join form: the name, then the review card, whose
// Confirm redeems the code.
func (a *Access) newJoinForm() *joinForm {
	return &joinForm{
		NS: NS, Keys: "ac_join_",
		Fields: []*wizard.Field[*joinDraft]{{Name: "name", Kind: wizard.Text, Parse: parseJoinName,
			PromptData: func(t *kit.Turn, d *joinDraft) []any {
				return []any{"Role", t.T.T("role_" + d.Role), "Unit", kit.Esc(d.Unit)}
			}}},
		State:  func(d *joinDraft) *wizard.State { return &d.State },
		Review: a.joinReview,
		Done:   a.redeem,
		Cancel: func(t *kit.Turn, _ *joinDraft) error {
			t.St.Drop(joinPart)
			t.Show(kit.Message{Text: t.T.T("ac_join_cancelled")})
			return nil
		},
		CancelLabel: "ac_btn_cancel", NoBack: true,
	}
}

// Join answers an update of a person without a users row. handled is
// false when it is neither an invitation code nor part of a join form in
// progress: the caller refuses it and keeps no state.
func (a *Access) Join(t *kit.Turn) (handled bool, err error) {
	d := kit.Part[joinDraft](t.St, joinPart)
	if t.In.Callback != "" {
		if d == nil {
			return false, nil
		}
		return true, a.joinButton(t, d)
	}
	t.St.Seq++
	// A bare word is a code only before the form asks for a name: then it
	// is the name, and only "/start <code>" starts again.
	if code := inviteCode(t.In.Text); code != "" && (d == nil || strings.HasPrefix(strings.TrimSpace(t.In.Text), "/")) {
		return a.joinStart(t, code)
	}
	if d == nil {
		return false, nil
	}
	text := strings.TrimSpace(t.In.Text)
	switch {
	case text == "/cancel" || strings.HasPrefix(text, "/cancel@"):
		return true, a.join.Cancel(t, d)
	case text == "" || strings.HasPrefix(text, "/") || t.In.Document != nil:
		// Nothing else is open to a newcomer: say so, and ask again.
		return true, a.join.Retry(t, d, kit.Refuse("ac_join_finish"))
	}
	return true, a.join.Text(t, d, text)
}

// JoinAgain renders the join form's current step again (for an update
// Telegram delivered twice, or after an answer that never reached the
// newcomer); ok is false when no form is in progress.
func (a *Access) JoinAgain(t *kit.Turn) (ok bool, err error) {
	if d := kit.Part[joinDraft](t.St, joinPart); d != nil {
		return true, a.join.Ask(t, d)
	}
	return false, nil
}

// joinButton handles a button of the join form.
func (a *Access) joinButton(t *kit.Turn, d *joinDraft) error {
	cb, err := kit.ParseCallback(t.In.Callback)
	if err != nil || cb.NS != NS || cb.Seq != t.St.Seq {
		t.Toast("button_expired")
		return nil
	}
	t.St.Seq++
	if cb.Action == actWrongUnit && d.Step == wizard.StepReview {
		return a.wrongUnit(t, d)
	}
	handled, err := a.join.Button(t, d, cb)
	if !handled && err == nil {
		t.Toast("button_expired")
	}
	return err
}

// joinStart checks a code and opens the join form in place of any other.
func (a *Access) joinStart(t *kit.Turn, code string) (bool, error) {
	inv, err := a.db.CheckInvitation(t.Ctx, code, t.In.UserID, t.Env.Now())
	if errors.Is(err, models.ErrNotFound) {
		return false, nil // no code of ours: refused like any stranger
	}
	t.St.Drop(joinPart)
	if refusal, ok := codeRefusal(err); ok {
		t.Say(refusal, "ID", t.In.UserID)
		return true, nil
	}
	if err != nil {
		return true, fmt.Errorf("check invitation: %w", err)
	}
	unit, err := a.db.UnitName(t.Ctx, inv.UnitID)
	if err != nil {
		return true, fmt.Errorf("unit of invitation %d: %w", inv.ID, err)
	}
	d := &joinDraft{Code: code, Role: string(inv.Role), UnitID: inv.UnitID, Unit: unit, Inviter: inv.CreatedBy}
	kit.SetPart(t.St, joinPart, d)
	return true, a.join.Begin(t, d)
}

// codeRefusal is the message of a code that cannot be redeemed.
func codeRefusal(err error) (string, bool) {
	switch {
	case errors.Is(err, models.ErrInviteUsed):
		return "ac_code_used", true
	case errors.Is(err, models.ErrInviteExpired):
		return "ac_code_expired", true
	case errors.Is(err, models.ErrInviteRevoked):
		return "ac_code_revoked", true
	case errors.Is(err, models.ErrDuplicate):
		return "already_registered", true
	}
	return "", false
}

// parseJoinName is realName as the join form's parser.
func parseJoinName(_ *joinDraft, text string, _ time.Time) (string, error) { return realName(text) }

// joinReview is the card the newcomer checks: their name, the role and the
// unit the code gives.
func (a *Access) joinReview(t *kit.Turn, d *joinDraft) (kit.Message, error) {
	text := t.T.T("ac_join_review", "Name", kit.Esc(d.Get("name")), "Role", t.T.T("role_"+d.Role), "Unit", kit.Esc(d.Unit))
	return kit.Message{Text: text, Buttons: [][]kit.Button{
		{t.Btn(t.T.T("ac_join_btn_confirm"), NS, wizard.ActConfirm, "")},
		{t.Btn(t.T.T("ac_join_btn_name"), NS, wizard.ActEdit, "0"), t.Btn(t.T.T("ac_join_btn_wrong_unit"), NS, actWrongUnit, "")},
		{a.join.CancelButton(t)},
	}}, nil
}

// wrongUnit ends the form unredeemed and tells the inviter.
func (a *Access) wrongUnit(t *kit.Turn, d *joinDraft) error {
	t.St.Drop(joinPart)
	t.Show(kit.Message{Text: t.T.T("ac_join_wrong_unit")})
	ti := a.inviterLang(t, d.Inviter)
	t.Resp.Notify = append(t.Resp.Notify, kit.Outgoing{ChatID: d.Inviter, Message: kit.Message{Protect: true,
		Text: ti.T("ac_join_wrong_unit_note", "ID", t.In.UserID, "Role", ti.T("role_"+d.Role), "Unit", kit.Esc(d.Unit))}})
	return nil
}

// redeem redeems the code under the confirmed name and greets the new user.
func (a *Access) redeem(t *kit.Turn, d *joinDraft) error {
	t.St.Drop(joinPart)
	user, inv, err := a.db.RedeemInvitation(t.Ctx, d.Code, t.In.UserID, d.Get("name"), t.Env.Now())
	if refusal, ok := codeRefusal(err); ok || errors.Is(err, models.ErrNotFound) {
		if !ok {
			refusal = "ac_code_revoked" // gone since it was checked
		}
		t.Show(kit.Message{Text: t.T.T(refusal, "ID", t.In.UserID)})
		return nil
	}
	if err != nil {
		return kit.Saving(fmt.Errorf("redeem invitation: %w", err))
	}
	t.St.DropAll()
	t.St.Flow, t.St.Step = "", ""
	a.welcome(t, user, inv, d.Unit)
	return nil
}

// welcome greets a new user in their language and tells the inviter, in
// the inviter's.
func (a *Access) welcome(t *kit.Turn, user models.User, inv models.Invitation, unit string) {
	t.Env.Log.Info("invitation redeemed", "user_id", user.TelegramID, "inviter", inv.CreatedBy)
	if t.T.Lang() != kit.LangZH {
		if err := a.db.SetUserLang(t.Ctx, user.TelegramID, t.T.Lang()); err != nil {
			t.Env.Log.Warn("set language of new user", "user_id", user.TelegramID, "err", err)
		}
	}
	t.Show(kit.Message{Text: t.T.T("ac_welcome", "Name", kit.Esc(user.Name), "Role", t.T.T("role_"+string(user.Role)),
		"Unit", kit.Esc(unit))})
	ti := a.inviterLang(t, inv.CreatedBy)
	t.Resp.Notify = append(t.Resp.Notify, kit.Outgoing{ChatID: inv.CreatedBy, Message: kit.Message{Protect: true,
		Text: ti.T("ac_joined", "Name", kit.Esc(user.Name), "ID", user.TelegramID, "Role", ti.T("role_"+string(user.Role)),
			"Unit", kit.Esc(unit))}})
}

// inviterLang is the translator of an inviter (Chinese when they have no
// users row, as admins of HUIFANG_ADMINS may not).
func (a *Access) inviterLang(t *kit.Turn, inviter int64) kit.Tr {
	lang := kit.LangZH
	if u, err := a.db.FindUser(t.Ctx, inviter); err == nil {
		lang = u.Lang
	}
	return t.Env.Cat.Lang(lang)
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
