package handlers

import (
	"strings"
	"time"
	"unicode"

	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// Codes offered as buttons in the roster wizards.
var (
	rankCodes  = []string{string(models.RankSectionCadre), string(models.RankCivilServant), string(models.RankOther)}
	partyKinds = []string{string(models.PartyWarning), string(models.PartySeriousWarning), string(models.PartyPostRemoval),
		string(models.PartyProbation), string(models.PartyExpulsion)}
	govKinds = []string{string(models.GovWarning), string(models.GovDemerit), string(models.GovMajorDemerit),
		string(models.GovDemotion), string(models.GovDismissal), string(models.GovExpulsion)}
	kindCodes = append(append([]string{}, partyKinds...), govKinds...)
)

const kindProbation = models.PartyProbation

// Limits of typed roster answers, in characters (the column sizes).
const (
	maxMemberName = 64
	maxPost       = 128
	maxKeyReason  = 256
	maxDecisionNo = 64
	minInterval   = 1
	maxInterval   = 24
)

// cleanLine checks a one-line answer: it collapses runs of white space,
// refuses control characters and a leading = + - @ (which would turn into a
// formula when the roster is exported to Excel). It returns the cleaned
// text, or the id and data of the message explaining the refusal.
func cleanLine(text string, limit int) (string, string, []any) {
	v := importer.CleanText(text)
	switch {
	case v == "":
		return "", "ro_empty", nil
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		return "", "ro_bad_chars", nil
	case strings.ContainsRune("=+-@＝＋－＠", []rune(v)[0]):
		return "", "ro_formula", nil
	}
	if n := runeLen(v); n > limit {
		return "", "too_long", []any{"Max", limit, "N", n}
	}
	return v, "", nil
}

// typedName takes a member's name.
func (s *session) typedName(text string) error {
	v, id, kv := cleanLine(importer.CleanName(text), maxMemberName)
	if id != "" {
		return s.rosterRetry(id, kv...)
	}
	s.st.Roster.Name = v
	return s.rosterAnswered()
}

// typedShort takes a post, a key-target reason or a decision number.
func (s *session) typedShort(text string) error {
	r := s.st.Roster
	limits := map[string]int{"post": maxPost, "reason": maxKeyReason, "no": maxDecisionNo, "lift_no": maxDecisionNo}
	v, id, kv := cleanLine(text, limits[r.Step])
	if id != "" {
		return s.rosterRetry(id, kv...)
	}
	switch r.Step {
	case "post":
		r.Post = v
	case "reason":
		r.KeyReason = v
	default:
		r.DecisionNo = v
	}
	return s.rosterAnswered()
}

// typedRosterDate takes a decision, effective or lifting date.
func (s *session) typedRosterDate(text string) error {
	d, err := ParseDate(text, s.today())
	if err != nil {
		return s.rosterRetry(dateError(err))
	}
	return s.setRosterDate(d.Format(dateLayout))
}

// setRosterDate checks a date for the current step: a decision or a
// lifting is not in the future, takes effect on or after the decision and
// is lifted on or after it.
func (s *session) setRosterDate(day string) error {
	r := s.st.Roster
	d, ok := parseDay(day)
	if !ok {
		s.toast("button_expired")
		return nil
	}
	decided, _ := parseDay(r.Decided)
	switch {
	case r.Step != "effective" && d.After(s.today()):
		return s.rosterRetry("ro_date_future")
	case r.Step != "date" && d.Before(decided):
		return s.rosterRetry("ro_date_before_decision", "Date", s.t.Date(decided))
	}
	switch r.Step {
	case "date":
		r.Decided = day
		if r.Effective != "" && r.Effective < day {
			r.Effective = "" // must be asked again
		}
	case "effective":
		r.Effective = day
	default:
		r.Effective = day // the lifting date
	}
	return s.rosterAnswered()
}

// parseDay parses a "2006-01-02" date kept in the state.
func parseDay(s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, s)
	return t, err == nil
}
