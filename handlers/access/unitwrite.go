package access

import (
	"errors"
	"fmt"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// The Done hooks of the unit forms: the change is made once the last
// question is answered. The tree was loaded in the same turn (load).

// writeFailed answers the errors every unit change may meet and reports
// whether err was one of them; the wizard ends.
func writeFailed(t *kit.Turn, err error) bool {
	switch {
	case errors.Is(err, models.ErrForbidden):
		t.Say("ac_units_admin_only")
	case errors.Is(err, models.ErrNotFound):
		t.Say("ac_unit_gone")
	default:
		return false
	}
	end(t)
	return true
}

// nameRefused is why the store refused a unit's name, or nil when it did not.
func nameRefused(err error) *kit.Problem {
	switch {
	case errors.Is(err, models.ErrDuplicate):
		return kit.Refuse("ac_unit_name_taken")
	case errors.Is(err, models.ErrInvalid):
		return kit.Refuse("ac_unit_name_invalid", "Max", maxUnitName)
	}
	return nil
}

// askNameAgain asks for the name again after p, as the answer to a
// question is refused: why, then the question, in one message.
func (a *Access) askNameAgain(t *kit.Turn, d *draft, p *kit.Problem) error {
	d.Set(fName, "")
	d.Set(fParent, "")
	d.Step = fName
	return a.forms[d.Kind].Retry(t, d, p)
}

// createUnit adds the unit named in the wizard under the chosen parent.
func (a *Access) createUnit(t *kit.Turn, d *draft) error {
	var parentID *uint64
	parentName := t.T.T("ac_top_level")
	if d.Get(fParent) != topLevel {
		p, ok := chosen(d, fParent)
		if !ok {
			writeFailed(t, models.ErrNotFound)
			return nil
		}
		parentID, parentName = &p.ID, kit.Esc(p.Name)
	}
	u, err := a.db.CreateUnit(t.Ctx, t.Viewer, d.Get(fName), parentID)
	if p := nameRefused(err); p != nil {
		return a.askNameAgain(t, d, p)
	}
	if writeFailed(t, err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create unit: %w", err)
	}
	end(t)
	t.Say("ac_unit_added", "Name", kit.Esc(u.Name), "ID", u.ID, "Parent", parentName)
	return nil
}

// renameUnit renames the chosen unit.
func (a *Access) renameUnit(t *kit.Turn, d *draft) error {
	u, _ := chosen(d, fUnit)
	name := d.Get(fName)
	err := a.db.RenameUnit(t.Ctx, t.Viewer, u.ID, name)
	if p := nameRefused(err); p != nil {
		return a.askNameAgain(t, d, p)
	}
	if writeFailed(t, err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rename unit %d: %w", u.ID, err)
	}
	end(t)
	t.Say("ac_unit_renamed", "ID", u.ID, "Name", kit.Esc(name))
	return nil
}

// moveUnit moves the chosen unit under the chosen parent, or to the top.
func (a *Access) moveUnit(t *kit.Turn, d *draft) error {
	mv, _ := chosen(d, fUnit)
	var parentID uint64
	done := t.T.T("ac_unit_moved_top", "Name", kit.Esc(mv.Name))
	if d.Get(fParent) != topLevel {
		p, ok := chosen(d, fParent)
		if !ok {
			writeFailed(t, models.ErrNotFound)
			return nil
		}
		parentID = p.ID
		done = t.T.T("ac_unit_moved", "Name", kit.Esc(mv.Name), "Parent", kit.Esc(p.Name))
	}
	err := a.db.MoveUnit(t.Ctx, t.Viewer, mv.ID, parentID)
	switch {
	case errors.Is(err, models.ErrDuplicate), errors.Is(err, models.ErrInvalid):
		end(t)
		t.Say("ac_move_conflict")
		return nil
	case writeFailed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("move unit %d: %w", mv.ID, err)
	}
	end(t)
	t.Show(kit.Message{Text: done})
	return nil
}

// deleteUnit deletes the chosen unit once confirmed.
func (a *Access) deleteUnit(t *kit.Turn, d *draft) error {
	u, _ := chosen(d, fUnit)
	err := a.db.DeleteUnit(t.Ctx, t.Viewer, u.ID)
	switch {
	case errors.Is(err, models.ErrInUse):
		end(t)
		t.Show(kit.Message{Text: t.T.T("ac_unit_in_use", "Name", kit.Esc(u.Name))})
		return nil
	case writeFailed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("delete unit %d: %w", u.ID, err)
	}
	end(t)
	t.Show(kit.Message{Text: t.T.T("ac_unit_deleted", "Name", kit.Esc(u.Name))})
	return nil
}
