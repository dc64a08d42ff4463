package models

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Field limits of the roster API, in characters (runes).
const (
	maxNameRunes       = 64  // member and user names
	maxUnitNameRunes   = 128 // unit names
	maxUnitPathRunes   = 512 // a unit named by a "parent/child" path of names in an import
	maxPostRunes       = 128
	maxKeyReasonRunes  = 256
	maxDecisionNoRunes = 64
	maxReasonRunes     = 512 // reason of a visit edit
	maxIntervalMonths  = 24
	maxAppraisalRunes  = 2000 // the unit's appraisal of a member
)

// Reasons of ImportRejection, and of the FieldIssue that a validation
// failure names. handlers/ renders them.
const (
	RejectRequired                = "required"                  // the cell is empty
	RejectTooLong                 = "too_long"                  // over the column's limit
	RejectInvalidValue            = "invalid_value"             // unknown rank or kind, probation not 12 or 24 months
	RejectDateOutOfRange          = "date_out_of_range"         // a date outside 2000..2100
	RejectEffectiveBeforeDecision = "effective_before_decision" // effective date before the decision date
	RejectUnitNotFound            = "unit_not_found"
	RejectUnitAmbiguous           = "unit_ambiguous"    // several units of the actor's subtree match
	RejectUnitOutOfScope          = "unit_out_of_scope" // the unit is not in the actor's subtree
	RejectMemberNotFound          = "member_not_found"  // a sanction's member is in neither the sheet nor the roster
	RejectMemberAmbiguous         = "member_ambiguous"  // the roster holds several members of that name in that unit
	RejectDuplicateInFile         = "duplicate_in_file" // the same member or decision number again (second occurrence)
	RejectDecisionNoOtherMember   = "decision_no_other_member"
	RejectFormula                 = "formula" // starts with = + - @ (StartsFormula)
)

// The years of the dates the roster accepts.
const (
	MinYear = 2000
	MaxYear = 2100
)

var (
	minDate = time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(MaxYear, 12, 31, 0, 0, 0, 0, time.UTC)
)

// DateInRange reports whether t's calendar date lies in MinYear..MaxYear.
func DateInRange(t time.Time) bool {
	d := DateOf(t)
	return !d.Before(minDate) && !d.After(maxDate)
}

// FieldIssue is one validation failure: the field (its Go name, or the
// name of the argument) and a Reject code.
type FieldIssue struct {
	Field, Reason string
}

// invalidErr turns the first issue into an error wrapping ErrInvalid. It
// names the field, never the value.
func invalidErr(issues []FieldIssue) error {
	if len(issues) == 0 {
		return nil
	}
	return fmt.Errorf("%s %s: %w", issues[0].Field, issues[0].Reason, ErrInvalid)
}

// lengthIssue checks that s has minRunes..maxRunes characters; minRunes is
// 0 or 1.
func lengthIssue(field, s string, minRunes, maxRunes int) []FieldIssue {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minRunes:
		return []FieldIssue{{field, RejectRequired}}
	case n > maxRunes:
		return []FieldIssue{{field, RejectTooLong}}
	}
	return nil
}

func dateIssue(field string, t time.Time) []FieldIssue {
	switch d := DateOf(t); {
	case t.IsZero():
		return []FieldIssue{{field, RejectRequired}}
	case d.Before(minDate) || d.After(maxDate):
		return []FieldIssue{{field, RejectDateOutOfRange}}
	}
	return nil
}

// ValidRole reports whether r is one of the roles.
func ValidRole(r Role) bool {
	return r == RoleAdmin || r == RoleSupervisor || r == RoleInspector
}

// ValidRank reports whether r is one of the ranks.
func ValidRank(r Rank) bool {
	return r == RankSectionCadre || r == RankCivilServant || r == RankOther
}

// memberIssues checks a member's own fields (already trimmed).
func memberIssues(name, post string, rank Rank, keyReason string) []FieldIssue {
	var out []FieldIssue
	out = append(out, lengthIssue("Name", name, 1, maxNameRunes)...)
	out = append(out, lengthIssue("Post", post, 0, maxPostRunes)...)
	if !ValidRank(rank) {
		out = append(out, FieldIssue{"Rank", RejectInvalidValue})
	}
	return append(out, lengthIssue("KeyReason", keyReason, 0, maxKeyReasonRunes)...)
}

// sanctionIssues checks a sanction's own fields (normalised by
// normaliseSanction). The decision date may lie in the future (imports
// carry decisions not yet in force); the effective date may not precede it.
func sanctionIssues(kind SanctionKind, decisionNo string, decided, effective time.Time, probation int) []FieldIssue {
	var out []FieldIssue
	if !ValidKind(kind) {
		out = append(out, FieldIssue{"Kind", RejectInvalidValue})
	} else if _, ok := PeriodMonths(kind, probation); kind == PartyProbation && !ok {
		out = append(out, FieldIssue{"ProbationMonths", RejectInvalidValue})
	}
	out = append(out, lengthIssue("DecisionNo", decisionNo, 1, maxDecisionNoRunes)...)
	out = append(out, dateIssue("DecisionDate", decided)...)
	if di := dateIssue("EffectiveDate", effective); di != nil {
		out = append(out, di...)
	} else if !decided.IsZero() && DateOf(effective).Before(DateOf(decided)) {
		out = append(out, FieldIssue{"EffectiveDate", RejectEffectiveBeforeDecision})
	}
	return out
}

// normaliseSanction trims the decision number, takes the decision date
// for a zero effective date, drops the probation length of a kind that
// has none and turns the dates into UTC midnights.
func normaliseSanction(decisionNo *string, decided, effective *time.Time, kind SanctionKind, probation *int) {
	*decisionNo = strings.TrimSpace(*decisionNo)
	if effective.IsZero() {
		*effective = *decided
	}
	if !decided.IsZero() {
		*decided = DateOf(*decided)
	}
	if !effective.IsZero() {
		*effective = DateOf(*effective)
	}
	if kind != PartyProbation {
		*probation = 0
	}
}

// Validate checks a new member's fields; an empty Rank counts as
// RankOther. Errors wrap ErrInvalid.
func (in MemberInput) Validate() error {
	in = in.Normalised()
	return invalidErr(memberIssues(in.Name, in.Post, in.Rank, in.KeyReason))
}

// Normalised returns in with its texts trimmed and an empty rank as
// RankOther, as the store writes it.
func (in MemberInput) Normalised() MemberInput {
	in.Name = strings.TrimSpace(in.Name)
	in.Post = strings.TrimSpace(in.Post)
	in.KeyReason = strings.TrimSpace(in.KeyReason)
	if in.Rank == "" {
		in.Rank = RankOther
	}
	return in
}

// Validate checks a new sanction's fields. Errors wrap ErrInvalid.
func (in SanctionInput) Validate() error {
	in = in.Normalised()
	issues := sanctionIssues(in.Kind, in.DecisionNo, in.DecisionDate, in.EffectiveDate, in.ProbationMonths)
	if in.Category != "" && !ValidRank(in.Category) {
		issues = append(issues, FieldIssue{"Category", RejectInvalidValue})
	}
	return invalidErr(issues)
}

// Normalised returns in as the store writes it: the decision number
// trimmed, the decision date for a zero effective date, no probation
// length for a kind that has none, the dates as UTC midnights.
func (in SanctionInput) Normalised() SanctionInput {
	normaliseSanction(&in.DecisionNo, &in.DecisionDate, &in.EffectiveDate, in.Kind, &in.ProbationMonths)
	return in
}

// Check returns the row normalised (texts trimmed, an empty rank as
// RankOther) and what is wrong with it; the unit is checked only for its
// length, since resolving it needs the roster.
func (r ImportMember) Check() (ImportMember, []FieldIssue) {
	r.Name, r.UnitName = strings.TrimSpace(r.Name), strings.TrimSpace(r.UnitName)
	r.Post, r.KeyReason = strings.TrimSpace(r.Post), strings.TrimSpace(r.KeyReason)
	if r.Rank == "" {
		r.Rank = RankOther
	}
	issues := memberIssues(r.Name, r.Post, r.Rank, r.KeyReason)
	return r, append(issues, lengthIssue("UnitName", r.UnitName, 1, maxUnitPathRunes)...)
}

// Check returns the row normalised (as SanctionInput.Normalised, names
// trimmed) and what is wrong with it; member and unit are checked only
// for their length, since resolving them needs the roster.
func (r ImportSanction) Check() (ImportSanction, []FieldIssue) {
	r.MemberName, r.UnitName = strings.TrimSpace(r.MemberName), strings.TrimSpace(r.UnitName)
	normaliseSanction(&r.DecisionNo, &r.DecisionDate, &r.EffectiveDate, r.Kind, &r.ProbationMonths)
	issues := lengthIssue("MemberName", r.MemberName, 1, maxNameRunes)
	issues = append(issues, lengthIssue("UnitName", r.UnitName, 1, maxUnitPathRunes)...)
	return r, append(issues, sanctionIssues(r.Kind, r.DecisionNo, r.DecisionDate, r.EffectiveDate, r.ProbationMonths)...)
}

// ValidateUnitName checks a unit's name, already trimmed: 1-128
// characters, not starting a formula (StartsFormula). Errors wrap
// ErrInvalid.
func ValidateUnitName(name string) error {
	issues := lengthIssue("name", name, 1, maxUnitNameRunes)
	if StartsFormula(name) {
		issues = append(issues, FieldIssue{"name", RejectFormula})
	}
	return invalidErr(issues)
}

// ValidateLift checks the recording of a sanction's end on a day: party
// rights restored after a probation (decision number required) or a
// governmental sanction lifted (decision number optional), on or after
// the period's last day (LiftableOn), a date in MinYear..MaxYear and a
// decision number (already trimmed) of at most 64 characters. Nothing is
// lifted for the other kinds. Errors wrap ErrInvalid.
func ValidateLift(s Sanction, decisionNo string, on time.Time) error {
	required := 0
	if s.Kind == PartyProbation {
		required = 1
	}
	issues := append(lengthIssue("DecisionNo", decisionNo, required, maxDecisionNoRunes), dateIssue("on", on)...)
	if len(issues) == 0 && !s.LiftableOn(on) {
		issues = append(issues, FieldIssue{"on", RejectInvalidValue})
	}
	return invalidErr(issues)
}

// ValidateExtension checks the extension of a probation by a year: a
// one-year probation not extended or restored yet, and the decision
// number (already trimmed) of 1-64 characters. Errors wrap ErrInvalid.
func ValidateExtension(s Sanction, decisionNo string) error {
	issues := lengthIssue("DecisionNo", decisionNo, 1, maxDecisionNoRunes)
	if !s.Extensible() {
		issues = append(issues, FieldIssue{"Kind", RejectInvalidValue})
	}
	return invalidErr(issues)
}

// ValidateEditReason checks the reason of a visit edit, already trimmed:
// 1-512 characters. Errors wrap ErrInvalid.
func ValidateEditReason(reason string) error {
	return invalidErr(lengthIssue("reason", reason, 1, maxReasonRunes))
}
