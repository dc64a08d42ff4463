package access

import (
	"strconv"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Actions of the tree's buttons: each starts a form (the forms' own
// buttons are wizard.Act*).
var startActions = map[string]string{"ua": kindAdd, "ur": kindRename, "um": kindMove, "ud": kindDelete}

// cmdUnits shows the viewer's unit tree; admins get the editing buttons.
func (a *Access) cmdUnits(t *kit.Turn, args string) error {
	if args != "" {
		t.Say("ac_units_usage")
		return nil
	}
	tree, err := a.tree(t)
	if err != nil {
		return err
	}
	m := kit.Message{Text: treeText(t, tree)}
	if t.IsAdmin() {
		// Typed text after the tree gets the menu, as after any list.
		t.St.Flow, t.St.Step = "", ""
		m.Text += "\n\n" + t.T.T("ac_units_admin_hint")
		row := []kit.Button{t.Btn(t.T.T("ac_btn_add"), NS, "ua", "")}
		if len(tree) == 0 {
			m.Buttons = [][]kit.Button{row}
		} else {
			row = append(row, t.Btn(t.T.T("ac_btn_rename"), NS, "ur", ""))
			m.Buttons = [][]kit.Button{row, {t.Btn(t.T.T("ac_btn_move"), NS, "um", ""), t.Btn(t.T.T("ac_btn_delete"), NS, "ud", "")}}
		}
	}
	t.Send(m)
	return nil
}

func draftOf(t *kit.Turn) *draft { return kit.Part[draft](t.St, part) }

// start opens the form of kind, in place of any wizard in progress. The
// role is not checked here: the store refuses a non-admin's change and
// audits the refusal.
func (a *Access) start(t *kit.Turn, kind string) error { return a.open(t, &draft{Kind: kind}, "") }

// open starts the form of d, in place of any wizard in progress, at its
// first question; typed, when given, is taken as the answer to it.
func (a *Access) open(t *kit.Turn, d *draft, typed string) error {
	kit.SetPart(t.St, part, d)
	t.St.Flow, t.St.Step = Flow, ""
	if ok, err := a.load(t, d); !ok || err != nil {
		return err
	}
	f := a.forms[d.Kind]
	if typed == "" {
		return f.Begin(t, d)
	}
	d.Step = f.Next(d, "")
	return f.Text(t, d, typed)
}

// load reads the tree the form works on; ok is false when the unit chosen
// earlier has gone meanwhile (the user has been told, the wizard ended).
func (a *Access) load(t *kit.Turn, d *draft) (ok bool, err error) {
	if d.tree, err = a.tree(t); err != nil {
		return false, err
	}
	d.inUse = func(id uint64) error { return a.db.UnitInUse(t.Ctx, t.Viewer, id) }
	if d.Get(fUnit) != "" {
		if _, ok := chosen(d, fUnit); !ok {
			writeFailed(t, models.ErrNotFound)
			return false, nil
		}
	}
	return true, nil
}

// current is the wizard in progress and its form, if any.
func (a *Access) current(t *kit.Turn) (*draft, *form) {
	d := draftOf(t)
	if d == nil || t.St.Flow != Flow {
		return nil, nil
	}
	f := a.forms[d.Kind]
	if f == nil {
		return nil, nil
	}
	return d, f
}

// button handles the tree's buttons and those of a form in progress.
func (a *Access) button(t *kit.Turn, cb kit.Callback) error {
	if kind, ok := startActions[cb.Action]; ok {
		return a.start(t, kind)
	}
	if id, err := strconv.ParseInt(cb.Arg, 10, 64); cb.Action == actRenameUser && err == nil {
		return a.askUserName(t, id)
	}
	d, f := a.current(t)
	if d == nil {
		t.Toast("button_expired")
		return nil
	}
	if ok, err := a.load(t, d); !ok || err != nil {
		return err
	}
	if id, ok := kit.ParseID(cb.Arg); ok && cb.Action == wizard.ActChoose {
		if _, found := unitByID(d.tree, id); !found {
			writeFailed(t, models.ErrNotFound) // deleted since it was offered
			return nil
		}
	}
	handled, err := f.Button(t, d, cb)
	if handled || err != nil {
		return err
	}
	t.Toast("button_expired")
	return nil
}

// text handles a typed answer.
func (a *Access) text(t *kit.Turn, text string) error {
	d, f := a.current(t)
	if d == nil {
		// The wizard's state could not be read: start again from the tree.
		end(t)
		return t.RunCommand("units", "")
	}
	if ok, err := a.load(t, d); !ok || err != nil {
		return err
	}
	return f.Text(t, d, text)
}

// end closes the units wizard.
func end(t *kit.Turn) {
	t.St.Drop(part)
	t.St.Flow, t.St.Step = "", ""
}

func cancel(t *kit.Turn, _ *draft) error {
	end(t)
	t.Show(kit.Message{Text: t.T.T("ac_cancelled")})
	return nil
}
