package models

import (
	"fmt"
	"strings"
)

// MemberMatch is one search result: a member and the name of their unit.
type MemberMatch struct {
	Member   Member
	UnitName string
}

// Validate checks the fields a patch sets, as CreateMember would, and the
// interval (0..24 months). Errors wrap ErrInvalid.
func (p MemberPatch) Validate() error {
	m := Member{Name: "x", Rank: RankOther}
	p.Apply(&m)
	if p.IntervalMonths != nil && (*p.IntervalMonths < 0 || *p.IntervalMonths > maxIntervalMonths) {
		return fmt.Errorf("IntervalMonths: %w", ErrInvalid)
	}
	issues := memberIssues(m.Name, m.Post, m.Rank, m.KeyReason)
	issues = append(issues, lengthIssue("UnitAppraisal", m.UnitAppraisal, 0, maxAppraisalRunes)...)
	if p.UnitAppraisalDate != nil {
		issues = append(issues, dateIssue("UnitAppraisalDate", *p.UnitAppraisalDate)...)
	}
	return invalidErr(issues)
}

// applyAppraisal sets the unit's appraisal and its date; clearing the
// text clears the date.
func (p MemberPatch) applyAppraisal(m *Member, set func(string, bool, func())) {
	if p.UnitAppraisal != nil {
		text := strings.TrimSpace(*p.UnitAppraisal)
		set("unit_appraisal", text != m.UnitAppraisal, func() { m.UnitAppraisal = text })
		if text == "" {
			set("unit_appraisal_date", m.UnitAppraisalDate != nil, func() { m.UnitAppraisalDate = nil })
		}
	}
	if p.UnitAppraisalDate != nil && m.UnitAppraisal != "" {
		d := DateOf(*p.UnitAppraisalDate)
		differs := m.UnitAppraisalDate == nil || !DateOf(*m.UnitAppraisalDate).Equal(d)
		set("unit_appraisal_date", differs, func() { m.UnitAppraisalDate = &d })
	}
}

// Apply sets m's fields from p (texts trimmed, AssigneeID 0 as nil) and
// returns the names of the columns whose values changed, e.g. "name",
// "unit_id".
func (p MemberPatch) Apply(m *Member) []string {
	var changed []string
	set := func(column string, differs bool, assign func()) {
		if differs {
			assign()
			changed = append(changed, column)
		}
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		set("name", name != m.Name, func() { m.Name = name })
	}
	if p.UnitID != nil {
		set("unit_id", *p.UnitID != m.UnitID, func() { m.UnitID = *p.UnitID })
	}
	if p.Post != nil {
		post := strings.TrimSpace(*p.Post)
		set("post", post != m.Post, func() { m.Post = post })
	}
	if p.Rank != nil {
		set("rank", *p.Rank != m.Rank, func() { m.Rank = *p.Rank })
	}
	if p.Key != nil {
		set("key", *p.Key != m.Key, func() { m.Key = *p.Key })
	}
	if p.KeyReason != nil {
		reason := strings.TrimSpace(*p.KeyReason)
		set("key_reason", reason != m.KeyReason, func() { m.KeyReason = reason })
	}
	if p.AssigneeID != nil {
		var next *int64
		if *p.AssigneeID != 0 {
			next = p.AssigneeID
		}
		differs := (next == nil) != (m.AssigneeID == nil) || (next != nil && *next != *m.AssigneeID)
		set("assignee_id", differs, func() { m.AssigneeID = next })
	}
	if p.IntervalMonths != nil {
		set("interval_months", *p.IntervalMonths != m.IntervalMonths, func() { m.IntervalMonths = *p.IntervalMonths })
	}
	p.applyAppraisal(m, set)
	return changed
}
