package factor

import (
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// text takes a typed code: it is checked by the store (which counts and
// audits the attempt), and once right the pending action runs. The code
// itself goes nowhere else: not into the state, not into a log.
func (g *Factor) text(t *kit.Turn, text string) error {
	d := draftOf(t)
	if d == nil {
		end(t)
		t.Say("fa_gone")
		return nil
	}
	code, ok := parseCode(text)
	if !ok {
		t.Send(kit.Message{Text: t.T.T("fa_code_format"), Buttons: cancelRow(t)})
		return nil
	}
	f, ok, err := g.readable(t)
	if !ok || err != nil {
		return err
	}
	if f.Fresh(t.Env.Now(), min(justVerified, g.period)) {
		// This update's code was accepted already and its answer lost
		// (a save that met another replica's, retried): not a new attempt.
		return g.accepted(t, d)
	}
	res, err := g.db.CheckSecondFactor(t.Ctx, t.Viewer, t.Env.Now(), g.checker(code, t.Env.Now()))
	switch {
	case errors.Is(err, models.ErrNotFound):
		end(t)
		t.Say("fa_gone")
		return nil
	case err != nil:
		return kit.Saving(fmt.Errorf("check second factor: %w", err))
	case res.Locked:
		end(t)
		t.Say("fa_locked", "Until", t.Env.Stamp(t.T, res.LockedUntil))
		return nil
	case !res.OK:
		t.Send(kit.Message{Text: t.T.T("fa_wrong", "Left", res.Left), Buttons: cancelRow(t)})
		return nil
	}
	return g.accepted(t, d)
}

// justVerified is how recent an accepted code must be (and within the
// period) for a typed code to be taken as the same attempt again.
const justVerified = time.Minute

// readable loads the user's factor and checks that its secret can be
// opened, so that a changed state key is reported as such rather than
// counted as wrong codes.
func (g *Factor) readable(t *kit.Turn) (models.SecondFactor, bool, error) {
	f, err := g.db.SecondFactor(t.Ctx, t.User.TelegramID)
	if errors.Is(err, models.ErrNotFound) {
		end(t)
		t.Say("fa_gone")
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("second factor of %d: %w", t.User.TelegramID, err)
	}
	if _, _, err := g.openSecret(f); err != nil {
		t.Env.Log.Error("second factor secret cannot be opened: HUIFANG_STATE_KEY changed or missing", "user_id", t.User.TelegramID, "err", err)
		end(t)
		t.Say("fa_unreadable", "ID", t.User.TelegramID)
		return f, false, nil
	}
	return f, true, nil
}

// accepted ends the question and runs what was pending.
func (g *Factor) accepted(t *kit.Turn, d *draft) error {
	t.St.Drop(part)
	t.St.Flow, t.St.Step = "", ""
	msg := t.T.T("fa_ok", "Period", period(t, g.period))
	if d.Enrol {
		msg = t.T.T("fa_enabled", "Period", period(t, g.period))
		if !d.Hidden {
			msg += "\n" + t.T.T("fa_delete_secret")
		}
	}
	t.Send(kit.Message{Text: msg})
	if d.Pending == nil {
		return nil
	}
	return g.replay(t, *d.Pending)
}
