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
	maxPostRunes       = 128
	maxKeyReasonRunes  = 256
	maxDecisionNoRunes = 64
	maxReasonRunes     = 512 // reason of a visit edit
	maxIntervalMonths  = 24
)

// Reasons of ImportRejection, and of the fieldIssue that a validation
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
)

// The dates the roster accepts.
var (
	minDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)
)

// fieldIssue is one validation failure: the field and a Reject code.
type fieldIssue struct {
	field, reason string
}

// invalidErr turns the first issue into an error wrapping ErrInvalid. It
// names the field, never the value.
func invalidErr(issues []fieldIssue) error {
	if len(issues) == 0 {
		return nil
	}
	return fmt.Errorf("%s %s: %w", issues[0].field, issues[0].reason, ErrInvalid)
}

// lengthIssue checks that s has minRunes..maxRunes characters; minRunes is
// 0 or 1.
func lengthIssue(field, s string, minRunes, maxRunes int) []fieldIssue {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minRunes:
		return []fieldIssue{{field, RejectRequired}}
	case n > maxRunes:
		return []fieldIssue{{field, RejectTooLong}}
	}
	return nil
}

func dateIssue(field string, t time.Time) []fieldIssue {
	switch d := DateOf(t); {
	case t.IsZero():
		return []fieldIssue{{field, RejectRequired}}
	case d.Before(minDate) || d.After(maxDate):
		return []fieldIssue{{field, RejectDateOutOfRange}}
	}
	return nil
}

// ValidRank reports whether r is one of the ranks.
func ValidRank(r Rank) bool {
	return r == RankSectionCadre || r == RankCivilServant || r == RankOther
}

// memberIssues checks a member's own fields (already trimmed).
func memberIssues(name, post string, rank Rank, keyReason string) []fieldIssue {
	var out []fieldIssue
	out = append(out, lengthIssue("Name", name, 1, maxNameRunes)...)
	out = append(out, lengthIssue("Post", post, 0, maxPostRunes)...)
	if !ValidRank(rank) {
		out = append(out, fieldIssue{"Rank", RejectInvalidValue})
	}
	return append(out, lengthIssue("KeyReason", keyReason, 0, maxKeyReasonRunes)...)
}

// sanctionIssues checks a sanction's own fields (normalised by
// normaliseSanction). The decision date may lie in the future (imports
// carry decisions not yet in force); the effective date may not precede it.
func sanctionIssues(kind SanctionKind, decisionNo string, decided, effective time.Time, probation int) []fieldIssue {
	var out []fieldIssue
	if !ValidKind(kind) {
		out = append(out, fieldIssue{"Kind", RejectInvalidValue})
	} else if _, ok := PeriodMonths(kind, probation); kind == PartyProbation && !ok {
		out = append(out, fieldIssue{"ProbationMonths", RejectInvalidValue})
	}
	out = append(out, lengthIssue("DecisionNo", decisionNo, 1, maxDecisionNoRunes)...)
	out = append(out, dateIssue("DecisionDate", decided)...)
	if di := dateIssue("EffectiveDate", effective); di != nil {
		out = append(out, di...)
	} else if !decided.IsZero() && DateOf(effective).Before(DateOf(decided)) {
		out = append(out, fieldIssue{"EffectiveDate", RejectEffectiveBeforeDecision})
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
	in = in.normalised()
	return invalidErr(memberIssues(in.Name, in.Post, in.Rank, in.KeyReason))
}

// normalised trims the texts and defaults the rank.
func (in MemberInput) normalised() MemberInput {
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
	normaliseSanction(&in.DecisionNo, &in.DecisionDate, &in.EffectiveDate, in.Kind, &in.ProbationMonths)
	return invalidErr(sanctionIssues(in.Kind, in.DecisionNo, in.DecisionDate, in.EffectiveDate, in.ProbationMonths))
}
