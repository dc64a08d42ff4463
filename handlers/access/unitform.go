package access

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// draft is a units wizard in progress: which change, and the answers. It
// keeps ids and one typed name, never lists.
type draft struct {
	wizard.State
	Kind string `json:"k"`
	// What /invite, /adduser and a user's new name carry into their
	// forms: the role and binding of an invitation; the user added or
	// renamed, with their name (the new one, or the old one when renaming).
	Role     string `json:"r,omitempty"`
	Bound    int64  `json:"b,omitempty"`
	UserID   int64  `json:"id,omitempty"`
	UserName string `json:"un,omitempty"`
	// tree is the viewer's unit tree, loaded once per turn before the form
	// runs (load); never saved.
	tree []models.Unit
	// inUse asks the store whether a unit could be deleted (UnitInUse),
	// for the turn's viewer; set by load, never saved.
	inUse func(id uint64) error
}

type form = wizard.Form[*draft]

type field = wizard.Field[*draft]

// Kinds of change, one form each.
const (
	kindAdd    = "add"
	kindRename = "rename"
	kindMove   = "move"
	kindDelete = "delete"
	// Not changes of units, but questions of one unit (or one name) the
	// same way: the unit of an invitation or of a user added, a user's
	// new name.
	kindInvite     = "invite"
	kindAddUser    = "adduser"
	kindRenameUser = "username"
)

// Fields of the unit forms.
const (
	fUnit    = "unit"    // the unit renamed, moved or deleted: its id
	fName    = "name"    // the name of a unit added or renamed
	fParent  = "parent"  // the parent of a unit added or moved: its id, or topLevel
	fConfirm = "confirm" // the confirmation of a deletion
)

// topLevel is the parent value of a unit without a parent.
const topLevel = "0"

// Limits of the unit forms.
const (
	maxUnitButtons = 20 // units offered as buttons; beyond, the admin types an id or a name
	maxUnitName    = 64 // characters of a unit's name
)

// unitFields are the forms' tables, by kind.
var unitFields = map[string][]*field{
	kindAdd: {
		nameField("ac_ask_unit_name", nil),
		parentField("ac_ask_parent", func(d *draft) string { return d.Get(fName) }),
	},
	kindRename: {
		unitField("ac_pick_rename", nil),
		nameField("ac_ask_new_name", chosenName),
	},
	kindMove: {
		unitField("ac_pick_move", nil),
		parentField("ac_ask_move_parent", chosenName),
	},
	kindDelete: {
		deletableField(),
		{Name: fConfirm, Kind: wizard.Choice, Hidden: true, Codes: []string{"delete"}, Labels: "ac_btn_confirm_",
			Prompt: "ac_confirm_delete", Parse: useButtons,
			PromptData: func(_ *kit.Turn, d *draft) []any {
				u, _ := chosen(d, fUnit)
				return []any{"Name", kit.Esc(u.Name), "ID", u.ID}
			}},
	},
	kindInvite: {
		unitField("ac_pick_invite", func(t *kit.Turn, d *draft) []any {
			return []any{"Role", t.T.T("role_" + d.Role)}
		}),
	},
	kindAddUser: {
		unitField("ac_pick_adduser", func(t *kit.Turn, d *draft) []any {
			return []any{"Name", kit.Esc(d.UserName), "ID", d.UserID, "Role", t.T.T("role_" + d.Role)}
		}),
	},
	kindRenameUser: {
		{Name: fName, Kind: wizard.Text, Hidden: true, Prompt: "ac_ask_user_name", Parse: parseUserName,
			PromptData: func(_ *kit.Turn, d *draft) []any { return []any{"Name", kit.Esc(d.UserName), "ID", d.UserID} }},
	},
}

// unitForms builds the four forms over the tables. There is no review
// card: the change is made once the last question is answered; and no
// Back, only Cancel.
func (a *Access) unitForms() map[string]*form {
	done := map[string]func(*kit.Turn, *draft) error{
		kindAdd: a.createUnit, kindRename: a.renameUnit, kindMove: a.moveUnit, kindDelete: a.deleteUnit,
		kindInvite: a.inviteTo, kindAddUser: a.addUserTo, kindRenameUser: a.renameUser,
	}
	forms := make(map[string]*form, len(unitFields))
	for kind, fields := range unitFields {
		forms[kind] = &form{
			NS: NS, Fields: fields,
			State:  func(d *draft) *wizard.State { return &d.State },
			Done:   done[kind],
			Cancel: cancel, CancelLabel: "ac_btn_cancel", NoBack: true,
		}
	}
	return forms
}

// unitField asks for a unit; data, when given, fills the question.
func unitField(prompt string, data func(*kit.Turn, *draft) []any) *field {
	return &field{Name: fUnit, Kind: wizard.Pick, Hidden: true, Prompt: prompt, PromptData: data,
		Options: unitOptions, Resolve: resolveUnit, MaxButtons: maxUnitButtons, TooMany: "ac_type_unit",
		PickMany: "ac_pick_unit"}
}

// deletableField asks which unit to delete, and refuses one in use at
// once, before asking to confirm.
func deletableField() *field {
	f := unitField("ac_pick_delete", nil)
	f.Check = func(d *draft, v string, _ time.Time) error {
		id, _ := kit.ParseID(v)
		err := d.inUse(id)
		switch {
		case errors.Is(err, models.ErrInUse):
			u, _ := unitByID(d.tree, id)
			return kit.Refuse("ac_unit_in_use", "Name", kit.Esc(u.Name))
		case errors.Is(err, models.ErrNotFound):
			return kit.Refuse("ac_unit_gone")
		case errors.Is(err, models.ErrForbidden):
			return kit.Refuse("ac_units_admin_only")
		case err != nil:
			return fmt.Errorf("check unit %d in use: %w", id, err)
		}
		return nil
	}
	return f
}

// nameField asks for a unit's name; name, when given, names the unit
// being renamed in the question.
func nameField(prompt string, name func(*draft) string) *field {
	f := &field{Name: fName, Kind: wizard.Text, Hidden: true, Max: maxUnitName, Prompt: prompt, Parse: parseUnitName}
	if name != nil {
		f.PromptData = func(_ *kit.Turn, d *draft) []any { return []any{"Name", kit.Esc(name(d))} }
	}
	return f
}

// parentField asks under which unit to add or move one; name names that
// unit in the question.
func parentField(prompt string, name func(*draft) string) *field {
	return &field{Name: fParent, Kind: wizard.Pick, Hidden: true, Prompt: prompt,
		Options: parentOptions, Resolve: resolveParent, MaxButtons: maxUnitButtons, TooMany: "ac_type_unit",
		PickMany: "ac_pick_unit", Shortcuts: topShortcut,
		PromptData: func(_ *kit.Turn, d *draft) []any { return []any{"Name", kit.Esc(name(d))} }}
}

// moving is the unit being moved, when the draft moves one.
func moving(d *draft) (models.Unit, bool) {
	if d.Kind != kindMove {
		return models.Unit{}, false
	}
	return chosen(d, fUnit)
}

// chosen is the unit answered to field name.
func chosen(d *draft, name string) (models.Unit, bool) {
	id, ok := kit.ParseID(d.Get(name))
	if !ok {
		return models.Unit{}, false
	}
	return unitByID(d.tree, id)
}

func chosenName(d *draft) string {
	u, _ := chosen(d, fUnit)
	return u.Name
}

// unitOptions are the units to offer, indented by depth.
func unitOptions(_ *kit.Turn, d *draft) ([]wizard.Option, error) { return options(d, nil), nil }

// parentOptions are the units to offer as a parent: for a unit being
// moved, those outside its subtree.
func parentOptions(_ *kit.Turn, d *draft) ([]wizard.Option, error) {
	if mv, ok := moving(d); ok {
		return options(d, &mv), nil
	}
	return options(d, nil), nil
}

// options are the units of the tree outside the subtree of exclude, each
// indented by its depth.
func options(d *draft, exclude *models.Unit) []wizard.Option {
	base := treeBase(d.tree)
	var opts []wizard.Option
	for _, u := range d.tree {
		if exclude != nil && within(u, *exclude) {
			continue
		}
		opts = append(opts, wizard.Option{Code: idCode(u.ID), Label: strings.Repeat("·", depth(u)-base) + u.Name})
	}
	return opts
}

// resolveUnit finds the units a typed text names among those the viewer
// may see: one is taken, several are offered.
func resolveUnit(_ *kit.Turn, d *draft, text string) ([]wizard.Option, error) {
	found, p := matchUnits(d.tree, text)
	if p != nil {
		return nil, p
	}
	return matchOptions(d.tree, found), nil
}

// resolveParent is resolveUnit for a parent: a unit's own subtree cannot
// take it.
func resolveParent(_ *kit.Turn, d *draft, text string) ([]wizard.Option, error) {
	found, p := matchUnits(d.tree, text)
	if p != nil {
		return nil, p
	}
	if mv, ok := moving(d); ok {
		found = slices.DeleteFunc(found, func(u models.Unit) bool { return within(u, mv) })
		if len(found) == 0 {
			return nil, kit.Refuse("ac_move_into_self")
		}
	}
	return matchOptions(d.tree, found), nil
}

// topShortcut offers "top level" as a parent, except to a unit that is at
// the top already.
func topShortcut(t *kit.Turn, d *draft) []wizard.Option {
	if mv, ok := moving(d); ok && mv.ParentID == nil {
		return nil
	}
	return []wizard.Option{{Code: topLevel, Label: t.T.T("ac_btn_top")}}
}

// parseUnitName validates a unit's name: one line, not only digits (a
// number names a unit by id), at most maxUnitName characters.
func parseUnitName(_ *draft, text string, _ time.Time) (string, error) {
	name := strings.TrimSpace(text)
	if name == "" || kit.RuneLen(name) > maxUnitName || strings.IndexFunc(name, unicode.IsControl) >= 0 ||
		strings.Trim(name, "0123456789") == "" || models.StartsFormula(name) {
		return "", kit.Refuse("ac_unit_name_invalid", "Max", maxUnitName)
	}
	return name, nil
}

// useButtons refuses typed text where only a button answers.
func useButtons(*draft, string, time.Time) (string, error) { return "", kit.Refuse("ac_use_buttons") }

func idCode(id uint64) string { return strconv.FormatUint(id, 10) }
