package kit

import (
	"math"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// Renderings of domain records that several features show.

// MemberTitle is a member's heading: name, unit, post and number.
func MemberTitle(tr Tr, m models.Member, unit string) string {
	return tr.T("st_title", "Name", Esc(m.Name), "Unit", Esc(unit), "Post", Esc(m.Post), "No", m.ID)
}

// TargetClass names the visit duty of m with these sanctions: mandatory
// (by the category recorded with a sanction), key, or ordinary.
func TargetClass(tr Tr, m models.Member, sanctions []models.Sanction) string {
	var parts []string
	if models.MandatoryTarget(sanctions) {
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

// KindName is a sanction's kind, with the length of a probation
// ("留党察看一年") and its extension.
func KindName(tr Tr, sc models.Sanction) string {
	name := tr.T("kind_" + string(sc.Kind))
	if sc.Kind == models.PartyProbation && (sc.ProbationMonths == 12 || sc.ProbationMonths == 24) {
		name += tr.T("probation_" + map[int]string{12: "12", 24: "24"}[sc.ProbationMonths])
	}
	if sc.Extended() {
		name += tr.T("st_extended", "No", Esc(sc.ExtensionNo))
	}
	return name
}

// SanctionLine renders a sanction: kind, decision number and date, and
// where its period stands on today, in the words of its kind: 影响期至,
// 察看期至 (then party rights restored), 处分期至 (then lifted by itself),
// or none for an expulsion.
func SanctionLine(tr Tr, sc models.Sanction, today time.Time) string {
	line := KindName(tr, sc) + " · " + Esc(sc.DecisionNo) + " · " + tr.T("st_decided", "Date", tr.Date(sc.DecisionDate))
	return line + " · " + PeriodState(tr, sc, today)
}

// PeriodState is where a sanction's period stands on today, in the words
// of its kind.
func PeriodState(tr Tr, sc models.Sanction, today time.Time) string {
	end := sc.End()
	if end == nil {
		if bar := sc.ReadmissionBarEnd(); bar != nil {
			return tr.T("st_bar", "Date", tr.Date(*bar))
		}
		return tr.T("st_no_period")
	}
	date, days := tr.Date(*end), int(math.Round(end.Sub(models.DateOf(today)).Hours()/24))
	ended := sc.Ended(today)
	switch models.EndingOf(sc.Kind) {
	case models.EndsRestore:
		switch {
		case sc.LiftedOn != nil:
			return tr.T("st_probation_over", "Date", date) + tr.T("st_restored", "Date", tr.Date(*sc.LiftedOn)) + liftNo(tr, sc)
		case ended:
			return tr.T("st_probation_over", "Date", date) + tr.T("st_restore_pending")
		}
		return tr.T("st_probation", "Date", date, "Days", days)
	case models.EndsLifted:
		if ended || sc.LiftedOn != nil {
			return tr.T("st_gov_lifted", "Date", date) + liftNo(tr, sc)
		}
		return tr.T("st_gov", "Date", date, "Days", days)
	}
	if ended {
		return tr.T("st_influence_over", "Date", date)
	}
	return tr.T("st_influence", "Date", date, "Days", days)
}

// liftNo is the decision number recorded with the end of a sanction.
func liftNo(tr Tr, sc models.Sanction) string {
	if sc.LiftDecisionNo == "" {
		return ""
	}
	return tr.T("st_lift_no", "No", Esc(sc.LiftDecisionNo))
}

// ReasonLabel names why a visit (or a task after one) is due; /status,
// /due, reminders and digests all say it so.
func ReasonLabel(tr Tr, r models.DueReason) string {
	if !knownReason(r) {
		return tr.T("reason_other")
	}
	return tr.T("reason_" + string(r))
}

// ItemLabel is ReasonLabel for one item: a follow-up says which of the
// two (feedback to the unit, the branch notice) is still open, when the
// item knows.
func ItemLabel(tr Tr, it models.DueItem) string {
	if it.Reason != models.DueFollowUp || it.Owed == nil {
		return ReasonLabel(tr, it.Reason)
	}
	switch o := *it.Owed; {
	case o.Unit && o.Branch:
		return tr.T("reason_follow_up_both")
	case o.Unit:
		return tr.T("reason_follow_up_unit")
	case o.Branch:
		return tr.T("reason_follow_up_branch")
	}
	return ReasonLabel(tr, it.Reason)
}

func knownReason(r models.DueReason) bool {
	switch r {
	case models.DueAnnual, models.DueInteractive, models.DueBeforeExpiry, models.DueAfterExpiry, models.DueKey,
		models.DueEnforcement, models.DueAgreed, models.DueFollowUp, models.DueRectify, models.DueRequest:
		return true
	}
	return false
}

// DueWhen says by when an item is due and how many days are left or over
// on today: "应于 2027年3月20日前（还有 5 天）".
func DueWhen(tr Tr, due, today time.Time) string {
	days := int(math.Round(due.Sub(today).Hours() / 24))
	date := tr.Date(due)
	switch {
	case days > 0:
		return tr.T("due_left", "Date", date, "Days", days)
	case days == 0:
		return tr.T("due_today", "Date", date)
	}
	return tr.T("due_over", "Date", date, "Days", -days)
}
