package handlers

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/huifang/huifang/models"
)

// applyEdit saves the answer of a member card's edit step, or moves on to
// the second question of a two-step edit.
func (s *session) applyEdit() error {
	r := s.st.Roster
	switch r.Step {
	case "name":
		return s.patchMember(models.MemberPatch{Name: &r.Name}, "ro_done_name")
	case "post":
		return s.patchMember(models.MemberPatch{Post: &r.Post}, "ro_done_post")
	case "rank":
		rank := models.Rank(r.Rank)
		return s.patchMember(models.MemberPatch{Rank: &rank}, "ro_done_rank")
	case "unit":
		return s.patchMember(models.MemberPatch{UnitID: &r.UnitID}, "ro_done_unit")
	case "reason":
		yes := true
		return s.patchMember(models.MemberPatch{Key: &yes, KeyReason: &r.KeyReason}, "ro_done_key")
	case "lift_date":
		r.Step = "lift_no"
		return s.showRosterPrompt()
	case "lift_no":
		return s.liftSanction()
	}
	s.toast("button_expired")
	return nil
}

// patchMember applies a change and shows the card again with a note.
func (s *session) patchMember(p models.MemberPatch, done string) error {
	rs, err := s.roster()
	if err != nil {
		return err
	}
	id := s.st.Roster.MemberID
	_, err = rs.UpdateMember(s.ctx, s.viewer, id, p)
	switch {
	case errors.Is(err, models.ErrDuplicate):
		return s.rosterRetry("ro_member_exists")
	case isInvalid(err):
		return s.rosterRetry("ro_invalid")
	case s.rosterFail(err):
		return nil
	case err != nil:
		return fmt.Errorf("update member %d: %w", id, err)
	}
	s.ack("saved_short")
	return s.showCard(id, s.t.T(done))
}

// pickedAssignee applies a pressed inspector button (then asks for the
// interval) or clears the assignment.
func (s *session) pickedAssignee(cb Callback) error {
	r := s.st.Roster
	if cb.Action == "ac" {
		var none int64
		zero := 0
		return s.patchMember(models.MemberPatch{AssigneeID: &none, IntervalMonths: &zero}, "ro_done_unassign")
	}
	id, err := strconv.ParseInt(cb.Arg, 10, 64)
	users, lerr := s.assignees(r.UnitID)
	if lerr != nil {
		return lerr
	}
	for _, u := range users {
		if err == nil && u.TelegramID == id {
			r.Assignee, r.Name, r.Step = id, u.Name, "interval"
			return s.showRosterPrompt()
		}
	}
	s.toast("button_expired")
	return nil
}

// setInterval checks the interval of interactive visits and saves the
// assignment.
func (s *session) setInterval(n int) error {
	r := s.st.Roster
	if n < minInterval || n > maxInterval {
		return s.rosterRetry("ro_interval_range", "Min", minInterval, "Max", maxInterval)
	}
	if r.Step != "interval" || r.Assignee == 0 {
		s.toast("button_expired")
		return nil
	}
	return s.patchMember(models.MemberPatch{AssigneeID: &r.Assignee, IntervalMonths: &n}, "ro_done_assign")
}

// liftSanction records a sanction lifted (or party rights restored).
func (s *session) liftSanction() error {
	rs, err := s.roster()
	if err != nil {
		return err
	}
	r := s.st.Roster
	on, ok := parseDay(r.Effective)
	if !ok {
		r.Step = "lift_date"
		return s.showRosterPrompt()
	}
	err = rs.LiftSanction(s.ctx, s.viewer, r.SanctionID, on, r.DecisionNo)
	switch {
	case errors.Is(err, models.ErrDuplicate): // lifted meanwhile
		return s.showCard(r.MemberID, s.t.T("ro_lifted_already"))
	case isInvalid(err):
		return s.rosterRetry("ro_invalid")
	case s.rosterFail(err):
		return nil
	case err != nil:
		return fmt.Errorf("lift sanction %d: %w", r.SanctionID, err)
	}
	done := "ro_done_lift"
	if r.SKind == string(kindProbation) {
		done = "ro_done_restore"
	}
	s.ack("saved_short")
	return s.showCard(r.MemberID, s.t.T(done))
}
