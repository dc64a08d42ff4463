// Package factor is administrators' second factor (等保 2.0 level 3): a
// TOTP authenticator (RFC 6238) enrolled with /2fa, and the gate the
// dispatcher puts before every administrator's action (kit.Cmd.Admin,
// kit.Feature.AdminButton, AdminText, AdminDocument): an administrator
// without a code given within the period is asked for one in the chat,
// and the action they asked for runs once it is right.
//
// The store counts wrong codes (a lock after models.MaxFactorFailures),
// accepts each code once and audits every attempt; the code is never
// logged nor kept in the conversation state. The TOTP secret is shown once,
// in a protected message the user can hide, and stored sealed with the
// state key when one is set.
package factor

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what the second factor needs of the database (models/sqlstore
// implements it); see models.SecondFactor.
type Store interface {
	SecondFactor(ctx context.Context, telegramID int64) (models.SecondFactor, error)
	EnrolSecondFactor(ctx context.Context, actor models.Viewer, secret []byte, sealed bool) error
	CheckSecondFactor(ctx context.Context, actor models.Viewer, now time.Time, check models.FactorCheck) (models.FactorResult, error)
	ResetSecondFactor(ctx context.Context, actor models.Viewer, telegramID int64) error
}

// NS is the callback namespace of the factor's buttons; Flow the flow in
// which typed text is a code.
const (
	NS   = "fa"
	Flow = "2fa"
	part = "2fa" // the factor's part of the conversation state
)

// hideData is the button under an enrolment message that hides its
// secret. It has no sequence number, so that it keeps working whatever
// the user typed meanwhile (Feature.Prefix).
const hideData = "f2:hide"

// DefaultPeriod is how long a code given lets an administrator act.
const DefaultPeriod = 12 * time.Hour

// Pending is the action a code was asked for, run again once the code is
// right: a command, a pressed button, a file sent or text typed in a flow,
// with the flow and step the chat was in.
type Pending struct {
	Cmd  string        `json:"c,omitempty"`
	Args string        `json:"a,omitempty"`
	Data string        `json:"d,omitempty"` // callback data of the button
	Msg  int           `json:"m,omitempty"` // the button's message
	Doc  *kit.Document `json:"doc,omitempty"`
	Text string        `json:"t,omitempty"`
	Flow string        `json:"f,omitempty"`
	Step string        `json:"s,omitempty"`
}

// draft is the factor's part of the state: the action waiting for a code,
// and whether the code confirms an enrolment. It never holds a code.
type draft struct {
	Pending *Pending `json:"p,omitempty"`
	Enrol   bool     `json:"e,omitempty"`
	Hidden  bool     `json:"h,omitempty"` // the enrolment message no longer shows the secret
}

// Options configure the second factor.
type Options struct {
	On     bool            // whether administrators' actions need it
	Period time.Duration   // how long a code lets them act; DefaultPeriod when 0
	Keys   *models.Keyring // seals stored secrets; nil: stored as they are
}

// Factor is the second factor feature and gate.
type Factor struct {
	db     Store
	on     bool
	period time.Duration
	keys   *models.Keyring
	replay func(t *kit.Turn, p Pending) error
}

// New builds the second factor over db. replay runs a pending action once
// its code is right (the dispatcher's).
func New(db Store, o Options, replay func(t *kit.Turn, p Pending) error) *Factor {
	g := &Factor{db: db, on: o.On, period: o.Period, keys: o.Keys, replay: replay}
	if g.period <= 0 {
		g.period = DefaultPeriod
	}
	return g
}

// Feature is how the dispatcher sees the second factor.
func (g *Factor) Feature() kit.Feature {
	return kit.Feature{
		Name:  "factor",
		Cmds:  []kit.Cmd{{Name: "2fa", Run: g.cmd2FA}},
		NS:    NS,
		Flows: []string{Flow}, Text: g.text, Button: g.button, Resume: g.resume,
		Prefix: hideData, Persistent: g.hide,
		Locales: locales,
	}
}

// Blocks reports whether the turn's user must give a code before an
// administrator's action: the gate is on, they are an administrator, and
// no code of theirs was accepted within the period.
func (g *Factor) Blocks(t *kit.Turn) (bool, error) {
	if !g.on || t.User.Role != models.RoleAdmin {
		return false, nil
	}
	f, err := g.db.SecondFactor(t.Ctx, t.User.TelegramID)
	if errors.Is(err, models.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("second factor gate: %w", err)
	}
	return !f.Fresh(t.Env.Now(), g.period), nil
}

// Ask asks for a code before p runs: an enrolment first when the user has
// no confirmed factor.
func (g *Factor) Ask(t *kit.Turn, p Pending) error {
	p.Flow, p.Step = t.St.Flow, t.St.Step
	d := &draft{Pending: &p}
	kit.SetPart(t.St, part, d)
	t.St.Flow, t.St.Step, t.St.Choices = Flow, "", nil
	f, err := g.db.SecondFactor(t.Ctx, t.User.TelegramID)
	switch {
	case errors.Is(err, models.ErrNotFound) || err == nil && !f.Confirmed:
		return g.enrol(t, d, true)
	case err != nil:
		return fmt.Errorf("second factor of %d: %w", t.User.TelegramID, err)
	case t.Env.Now().Before(f.LockedUntil):
		end(t)
		t.Say("fa_locked", "Until", t.Env.Stamp(t.T, f.LockedUntil))
		return nil
	}
	t.Send(kit.Message{Text: t.T.T("fa_needed", "Period", period(t, g.period)), Buttons: cancelRow(t)})
	return nil
}

func draftOf(t *kit.Turn) *draft { return kit.Part[draft](t.St, part) }

// end leaves the factor's flow and forgets what was pending.
func end(t *kit.Turn) {
	t.St.Drop(part)
	if t.St.Flow == Flow {
		t.St.Flow, t.St.Step = "", ""
	}
}

func cancelRow(t *kit.Turn) [][]kit.Button {
	return [][]kit.Button{{t.Btn(t.T.T("btn_cancel"), NS, "cancel", "")}}
}

// period renders a period in whole hours, minutes or seconds.
func period(t *kit.Turn, d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return t.T.T("fa_hours", "N", int(d/time.Hour))
	case d >= time.Minute && d%time.Minute == 0:
		return t.T.T("fa_minutes", "N", int(d/time.Minute))
	}
	return t.T.T("fa_seconds", "N", int(d/time.Second))
}

// resume asks for the code again (an answer that never arrived).
func (g *Factor) resume(t *kit.Turn) error {
	if draftOf(t) == nil {
		end(t)
		return nil
	}
	t.Send(kit.Message{Text: t.T.T("fa_code_format"), Buttons: cancelRow(t)})
	return nil
}

// button handles the cancel button of a question for a code.
func (g *Factor) button(t *kit.Turn, cb kit.Callback) error {
	if cb.Action == "cancel" {
		end(t)
		t.Show(kit.Message{Text: t.T.T("fa_cancelled")})
		return nil
	}
	t.Toast("button_expired")
	return nil
}

// hide edits an enrolment message so that it no longer shows the secret,
// and asks for the code if the enrolment waits for one.
func (g *Factor) hide(t *kit.Turn, _ string) error {
	text := t.T.T("fa_hidden_done")
	if d := draftOf(t); d != nil && d.Enrol && t.St.Flow == Flow {
		d.Hidden = true
		text = t.T.T("fa_hidden")
	}
	t.Show(kit.Message{Text: text})
	return nil
}
