package handlers

import (
	"strconv"
)

// intervalChoices are the interval buttons, in months; others are typed.
var intervalChoices = []int{1, 2, 3, 6, 12}

// rosterStepButtons are the answer buttons of the current step.
func (s *session) rosterStepButtons(r *RosterState) ([][]Button, error) {
	switch r.Step {
	case "unit":
		return s.unitStepButtons()
	case "rank":
		var rows [][]Button
		for _, c := range rankCodes {
			rows = append(rows, []Button{s.btn(s.t.T("rank_"+c), "rk", c)})
		}
		return rows, nil
	case "key":
		return [][]Button{{s.btn(s.t.T("btn_yes"), "yn", "y"), s.btn(s.t.T("btn_no"), "yn", "n")}}, nil
	case "kind":
		return append(s.kindRows(partyKinds), s.kindRows(govKinds)...), nil
	case "probation":
		return [][]Button{{s.btn(s.t.T("ro_months", "N", 12), "pm", "12"), s.btn(s.t.T("ro_months", "N", 24), "pm", "24")}}, nil
	case "effective":
		return [][]Button{{s.btn(s.t.T("ro_btn_same_date"), "sd", "")}}, nil
	case "lift_date":
		return [][]Button{{s.btn(s.t.T("btn_today"), "td", "")}}, nil
	case "assign":
		return s.assignButtons(r)
	case "interval":
		var row []Button
		for _, n := range intervalChoices {
			row = append(row, s.btn(s.t.T("ro_months", "N", n), "iv", strconv.Itoa(n)))
		}
		return [][]Button{row}, nil
	}
	return nil, nil
}

// kindRows lays sanction kinds out three to a row.
func (s *session) kindRows(codes []string) [][]Button {
	var rows [][]Button
	for i := 0; i < len(codes); i += 3 {
		var row []Button
		for _, c := range codes[i:min(i+3, len(codes))] {
			row = append(row, s.btn(s.t.T("kind_"+c), "kd", c))
		}
		rows = append(rows, row)
	}
	return rows
}

// assignButtons offer the inspectors who may visit the member, and a way
// to clear the assignment.
func (s *session) assignButtons(r *RosterState) ([][]Button, error) {
	users, err := s.assignees(r.UnitID)
	if err != nil {
		return nil, err
	}
	var rows [][]Button
	for i, u := range users {
		if i == maxUnitButtons {
			break
		}
		rows = append(rows, []Button{s.btn(u.Name+" · "+u.UnitName, "as", strconv.FormatInt(u.TelegramID, 10))})
	}
	if r.Assignee != 0 {
		rows = append(rows, []Button{s.btn(s.t.T("ro_btn_clear_assignee"), "ac", "")})
	}
	return rows, nil
}
