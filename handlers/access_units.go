package handlers

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/huifang/huifang/models"
)

// acMaxUnitButtons is how many units a picker offers as buttons; beyond it
// the admin types a unit's id or name.
const acMaxUnitButtons = 20

// acMaxUnitName bounds a unit's name, in characters.
const acMaxUnitName = 64

// cmdUnits shows the viewer's unit tree; admins get the editing buttons.
func (x *access) cmdUnits(args string) error {
	if args != "" {
		x.say("ac_units_usage")
		return nil
	}
	tree, err := x.tree()
	if err != nil {
		return err
	}
	m := Message{Text: x.treeText(tree)}
	if x.user.Role == models.RoleAdmin {
		x.st.Flow, x.st.Access = flowAccess, &AccessState{Kind: acTree}
		m.Text += "\n\n" + x.t.T("ac_units_admin_hint")
		row := []Button{x.btn(x.t.T("ac_btn_add"), "ua", "")}
		if len(tree) > 0 {
			row = append(row, x.btn(x.t.T("ac_btn_rename"), "ur", ""))
			m.Buttons = [][]Button{row, {x.btn(x.t.T("ac_btn_move"), "um", ""), x.btn(x.t.T("ac_btn_delete"), "ud", "")}}
		} else {
			m.Buttons = [][]Button{row}
		}
	}
	x.send(m)
	return nil
}

// treeText renders units (ordered by path) indented by depth, with ids.
func (x *access) treeText(tree []models.Unit) string {
	if len(tree) == 0 {
		return x.t.T("ac_units_none")
	}
	var b strings.Builder
	b.WriteString(x.t.T("ac_units_title"))
	base := acTreeBase(tree)
	for _, u := range tree {
		indent := strings.Repeat("　", strings.Count(u.Path, "/")-base)
		b.WriteString("\n" + x.t.T("ac_unit_line", "Indent", indent, "ID", u.ID, "Name", esc(u.Name)))
	}
	return b.String()
}

// acTreeBase is the depth of the shallowest unit ("/1/" has depth 2).
func acTreeBase(tree []models.Unit) int {
	base := -1
	for _, u := range tree {
		if d := strings.Count(u.Path, "/"); base < 0 || d < base {
			base = d
		}
	}
	return base
}

// startUnitEdit starts adding, renaming, moving or deleting a unit.
func (x *access) startUnitEdit(action string) error {
	kind, step := acAdd, acStepName
	switch action {
	case "ur":
		kind, step = acRename, acStepUnit
	case "um":
		kind, step = acMove, acStepUnit
	case "ud":
		kind, step = acDelete, acStepUnit
	}
	x.st.Access = &AccessState{Kind: kind, Step: step}
	return x.ask("")
}

func (x *access) cancelBtn() Button { return x.btn(x.t.T("ac_btn_cancel"), "ux", "") }

// ask shows the question of the wizard's current step with fresh buttons,
// after note (an error about the previous answer) when there is one.
func (x *access) ask(note string) error {
	acc := x.st.Access
	tree, err := x.tree()
	if err != nil {
		return err
	}
	u, found := acUnitByID(tree, acc.Unit)
	if acc.Step != acStepUnit && acc.Kind != acAdd && !found {
		x.unitWriteFailed(models.ErrNotFound)
		return nil
	}
	cancel := [][]Button{{x.cancelBtn()}}
	var m Message
	switch {
	case acc.Step == acStepName && acc.Kind == acAdd:
		m = Message{Text: x.t.T("ac_ask_unit_name"), Buttons: cancel}
	case acc.Step == acStepName:
		m = Message{Text: x.t.T("ac_ask_new_name", "Name", esc(u.Name)), Buttons: cancel}
	case acc.Step == acStepParent && acc.Kind == acAdd:
		m = x.picker(x.t.T("ac_ask_parent", "Name", esc(acc.Name)), tree, nil, true)
	case acc.Step == acStepParent:
		m = x.picker(x.t.T("ac_ask_move_parent", "Name", esc(u.Name)), tree, &u, u.ParentID != nil)
	case acc.Step == acStepUnit:
		m = x.picker(x.pickPrompt(), tree, nil, false)
	default:
		m = Message{Text: x.t.T("ac_confirm_delete", "Name", esc(u.Name), "ID", u.ID),
			Buttons: [][]Button{{x.btn(x.t.T("ac_btn_confirm_delete"), "uy", ""), x.cancelBtn()}}}
	}
	if note != "" {
		m.Text = note + "\n\n" + m.Text
	}
	x.show(m)
	return nil
}

func (x *access) pickPrompt() string {
	switch x.st.Access.Kind {
	case acMove:
		return x.t.T("ac_pick_move")
	case acDelete:
		return x.t.T("ac_pick_delete")
	}
	return x.t.T("ac_pick_rename")
}

// picker asks for a unit: a button per unit of tree outside exclude's
// subtree (up to acMaxUnitButtons), and always the choice of typing an id
// or a name.
func (x *access) picker(prompt string, tree []models.Unit, exclude *models.Unit, top bool) Message {
	var rows [][]Button
	base := acTreeBase(tree)
	for _, u := range tree {
		if exclude != nil && strings.HasPrefix(u.Path, exclude.Path) {
			continue
		}
		indent := strings.Repeat("·", strings.Count(u.Path, "/")-base)
		rows = append(rows, []Button{x.btn(indent+u.Name, "uu", strconv.FormatUint(u.ID, 10))})
	}
	if len(rows) > acMaxUnitButtons {
		rows = nil
		prompt += "\n" + x.t.T("ac_type_unit")
	}
	last := []Button{x.cancelBtn()}
	if top {
		last = []Button{x.btn(x.t.T("ac_btn_top"), "ut", ""), x.cancelBtn()}
	}
	return Message{Text: prompt, Buttons: append(rows, last)}
}

// pickedUnit handles a unit button.
func (x *access) pickedUnit(id uint64) error {
	tree, err := x.tree()
	if err != nil {
		return err
	}
	u, ok := acUnitByID(tree, id)
	if !ok {
		x.unitWriteFailed(models.ErrNotFound)
		return nil
	}
	return x.unitChosen(u, tree)
}

// typedUnit handles a unit typed by id or name.
func (x *access) typedUnit(text string) error {
	tree, err := x.tree()
	if err != nil {
		return err
	}
	u, err := acFindUnit(tree, text)
	if note, ok := x.unitLookupNote(err, text); ok {
		return x.ask(note)
	}
	if err != nil {
		return err
	}
	return x.unitChosen(u, tree)
}

// unitChosen moves the wizard on once a unit is chosen.
func (x *access) unitChosen(u models.Unit, tree []models.Unit) error {
	acc := x.st.Access
	switch {
	case acc.Step == acStepParent && acc.Kind == acAdd:
		return x.createUnit(&u)
	case acc.Step == acStepParent:
		return x.moveUnit(&u, tree)
	case acc.Step != acStepUnit:
		x.toast("button_expired")
		return nil
	}
	acc.Unit, acc.Step = u.ID, acStepName
	switch acc.Kind {
	case acMove:
		acc.Step = acStepParent
	case acDelete:
		acc.Step = acStepConfirm
	}
	return x.ask("")
}

// typedName handles the name of a unit being added or renamed.
func (x *access) typedName(text string) error {
	name, ok := acUnitName(text)
	if !ok {
		return x.ask(x.t.T("ac_unit_name_invalid", "Max", acMaxUnitName))
	}
	acc := x.st.Access
	if acc.Kind == acRename {
		return x.renameUnit(name)
	}
	acc.Name, acc.Step = name, acStepParent
	return x.ask("")
}

// acUnitName validates a unit's name: one line, not only digits (a number
// names a unit by id), at most acMaxUnitName characters.
func acUnitName(text string) (string, bool) {
	name := strings.TrimSpace(text)
	if name == "" || runeLen(name) > acMaxUnitName || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", false
	}
	return name, strings.Trim(name, "0123456789") != ""
}
