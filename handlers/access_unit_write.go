package handlers

import (
	"errors"
	"strings"

	"github.com/huifang/huifang/models"
)

// doneUnits ends the wizard.
func (x *access) doneUnits() { x.st.Flow, x.st.Access = "", nil }

// unitWriteFailed answers the errors every unit change may meet and
// reports whether err was one of them.
func (x *access) unitWriteFailed(err error) bool {
	switch {
	case errors.Is(err, models.ErrForbidden):
		x.say("ac_units_admin_only")
	case errors.Is(err, models.ErrNotFound):
		x.say("ac_unit_gone")
	default:
		return false
	}
	x.doneUnits()
	return true
}

// createUnit adds the unit named in the wizard under parent (nil: top level).
func (x *access) createUnit(parent *models.Unit) error {
	acc := x.st.Access
	var parentID *uint64
	parentName := x.t.T("ac_top_level")
	if parent != nil {
		parentID, parentName = &parent.ID, esc(parent.Name)
	}
	u, err := x.db.CreateUnit(x.ctx, x.viewer, acc.Name, parentID)
	switch {
	case errors.Is(err, models.ErrDuplicate), errors.Is(err, models.ErrInvalid):
		acc.Step, acc.Name = acStepName, ""
		return x.ask(x.nameRefusedNote(err))
	case x.unitWriteFailed(err):
		return nil
	case err != nil:
		return err
	}
	x.doneUnits()
	x.say("ac_unit_added", "Name", esc(u.Name), "ID", u.ID, "Parent", parentName)
	return nil
}

// renameUnit renames the unit chosen in the wizard.
func (x *access) renameUnit(name string) error {
	id := x.st.Access.Unit
	err := x.db.RenameUnit(x.ctx, x.viewer, id, name)
	switch {
	case errors.Is(err, models.ErrDuplicate), errors.Is(err, models.ErrInvalid):
		return x.ask(x.nameRefusedNote(err))
	case x.unitWriteFailed(err):
		return nil
	case err != nil:
		return err
	}
	x.doneUnits()
	x.say("ac_unit_renamed", "ID", id, "Name", esc(name))
	return nil
}

// moveUnit moves the unit chosen in the wizard under parent (nil: to the
// top level).
func (x *access) moveUnit(parent *models.Unit, tree []models.Unit) error {
	moving, ok := acUnitByID(tree, x.st.Access.Unit)
	if !ok {
		x.unitWriteFailed(models.ErrNotFound)
		return nil
	}
	var parentID uint64
	done := x.t.T("ac_unit_moved_top", "Name", esc(moving.Name))
	if parent != nil {
		if strings.HasPrefix(parent.Path, moving.Path) {
			return x.ask(x.t.T("ac_move_into_self"))
		}
		parentID = parent.ID
		done = x.t.T("ac_unit_moved", "Name", esc(moving.Name), "Parent", esc(parent.Name))
	}
	err := x.db.MoveUnit(x.ctx, x.viewer, moving.ID, parentID)
	switch {
	case errors.Is(err, models.ErrDuplicate), errors.Is(err, models.ErrInvalid):
		x.doneUnits()
		x.say("ac_move_conflict")
		return nil
	case x.unitWriteFailed(err):
		return nil
	case err != nil:
		return err
	}
	x.doneUnits()
	x.show(Message{Text: done})
	return nil
}

// deleteUnit deletes the unit chosen in the wizard once confirmed.
func (x *access) deleteUnit() error {
	tree, err := x.tree()
	if err != nil {
		return err
	}
	u, ok := acUnitByID(tree, x.st.Access.Unit)
	if !ok {
		x.unitWriteFailed(models.ErrNotFound)
		return nil
	}
	err = x.db.DeleteUnit(x.ctx, x.viewer, u.ID)
	switch {
	case errors.Is(err, models.ErrInUse):
		x.doneUnits()
		x.show(Message{Text: x.t.T("ac_unit_in_use", "Name", esc(u.Name))})
		return nil
	case x.unitWriteFailed(err):
		return nil
	case err != nil:
		return err
	}
	x.doneUnits()
	x.show(Message{Text: x.t.T("ac_unit_deleted", "Name", esc(u.Name))})
	return nil
}

// nameRefusedNote explains why the store refused a unit's name.
func (x *access) nameRefusedNote(err error) string {
	if errors.Is(err, models.ErrDuplicate) {
		return x.t.T("ac_unit_name_taken")
	}
	return x.t.T("ac_unit_name_invalid", "Max", acMaxUnitName)
}

// topChosen handles "top level" as the parent of a unit added or moved.
func (x *access) topChosen() error {
	if x.st.Access.Kind == acAdd {
		return x.createUnit(nil)
	}
	tree, err := x.tree()
	if err != nil {
		return err
	}
	return x.moveUnit(nil, tree)
}
