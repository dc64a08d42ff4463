package kit

import (
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// Renderings of domain records that several features show.

// MemberTitle is a member's heading: name, unit, post and number.
func MemberTitle(tr Tr, m models.Member, unit string) string {
	return tr.T("st_title", "Name", Esc(m.Name), "Unit", Esc(unit), "Post", Esc(m.Post), "No", m.ID)
}

// TargetClass names the visit duty of m: mandatory, key, or ordinary.
func TargetClass(tr Tr, m models.Member) string {
	var parts []string
	if m.Mandatory() {
		parts = append(parts, tr.T("class_mandatory"))
	}
	if m.Key {
		parts = append(parts, tr.T("class_key"))
	}
	if len(parts) == 0 {
		return tr.T("class_ordinary")
	}
	return strings.Join(parts, tr.T("list_sep"))
}

// SanctionLine renders a sanction with its period end and days left.
func SanctionLine(tr Tr, sc models.Sanction, today time.Time) string {
	line := tr.T("kind_"+string(sc.Kind)) + " · " + Esc(sc.DecisionNo) + " · " + tr.T("st_decided", "Date", tr.Date(sc.DecisionDate))
	switch {
	case sc.LiftedOn != nil:
		return line + " · " + tr.T("st_lifted", "Date", tr.Date(*sc.LiftedOn))
	case sc.PeriodEnd == nil:
		return line + " · " + tr.T("st_no_period")
	}
	days := int(sc.PeriodEnd.Sub(today).Hours() / 24)
	if days >= 0 {
		return line + " · " + tr.T("st_ends", "Date", tr.Date(*sc.PeriodEnd), "Days", days)
	}
	return line + " · " + tr.T("st_ended", "Date", tr.Date(*sc.PeriodEnd), "Days", -days)
}
