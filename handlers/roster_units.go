package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/models"
)

// maxUnitButtons is how many units are offered as buttons at once; with
// more, the user types a unit's name or number.
const maxUnitButtons = 30

// subtreeUnits lists the units the viewer may put members in.
func (s *session) subtreeUnits() ([]models.Unit, error) {
	rs, err := s.roster()
	if err != nil {
		return nil, err
	}
	units, err := rs.UnitTree(s.ctx, s.viewer)
	if err != nil {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	return units, nil
}

// unitButtons offers units, indented by depth under the shallowest one.
func (s *session) unitButtons(units []models.Unit) [][]Button {
	top := -1
	for _, u := range units {
		if d := strings.Count(u.Path, "/"); top < 0 || d < top {
			top = d
		}
	}
	var rows [][]Button
	var row []Button
	for i, u := range units {
		if i == maxUnitButtons {
			break
		}
		label := strings.Repeat("· ", max(0, strings.Count(u.Path, "/")-top)) + u.Name
		row = append(row, s.btn(label, "un", strconv.FormatUint(u.ID, 10)))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return rows
}

// typedUnit finds a typed unit number or name among the viewer's units;
// a unit outside them is "not found", exactly like an absent one.
func (s *session) typedUnit(text string) error {
	q := strings.TrimSpace(text)
	units, err := s.subtreeUnits()
	if err != nil {
		return err
	}
	var exact, partial []models.Unit
	for _, u := range units {
		switch {
		case strconv.FormatUint(u.ID, 10) == q || u.Name == q:
			exact = append(exact, u)
		case q != "" && strings.Contains(u.Name, q):
			partial = append(partial, u)
		}
	}
	if len(exact) == 0 {
		exact = partial
	}
	switch len(exact) {
	case 0:
		return s.rosterRetry("ro_unit_not_found", "Unit", esc(q))
	case 1:
		return s.setUnit(exact[0])
	}
	rows := append(s.unitButtons(exact), s.rosterNav(s.st.Roster))
	s.send(Message{Text: s.t.T("ro_pick_unit"), Buttons: rows})
	return nil
}

// pickedUnit applies a pressed unit button, if the unit is still the viewer's.
func (s *session) pickedUnit(arg string) error {
	id, ok := parseID(arg)
	units, err := s.subtreeUnits()
	if err != nil {
		return err
	}
	for _, u := range units {
		if ok && u.ID == id {
			return s.setUnit(u)
		}
	}
	s.toast("button_expired")
	return nil
}

func (s *session) setUnit(u models.Unit) error {
	r := s.st.Roster
	r.UnitID, r.UnitName = u.ID, u.Name
	return s.rosterAnswered()
}

// unitStepButtons are the unit buttons of the unit step; the question
// says a unit can be typed too (there may be more units than buttons).
func (s *session) unitStepButtons() ([][]Button, error) {
	units, err := s.subtreeUnits()
	if err != nil {
		return nil, err
	}
	return s.unitButtons(units), nil
}

// assignees are the users who may make the member's interactive visits:
// active inspectors and supervisors of the viewer's subtree whose unit is
// the member's unit or one above it (models checks the same rule).
func (s *session) assignees(memberUnit uint64) ([]models.UserRow, error) {
	rs, err := s.roster()
	if err != nil {
		return nil, err
	}
	units, err := rs.UnitTree(s.ctx, s.viewer)
	if err != nil {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	paths := make(map[uint64]string, len(units))
	for _, u := range units {
		paths[u.ID] = u.Path
	}
	users, err := rs.ListUsers(s.ctx, s.viewer)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var out []models.UserRow
	memberPath := paths[memberUnit]
	for _, u := range users {
		p, ok := paths[u.UnitID]
		if ok && memberPath != "" && (u.Role == models.RoleInspector || u.Role == models.RoleSupervisor) && strings.HasPrefix(memberPath, p) {
			out = append(out, u)
		}
	}
	return out, nil
}
