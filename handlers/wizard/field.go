// Package wizard is Huifang's one engine for step-by-step forms: the visit
// record, the member and sanction wizards, the unit wizards. A form is a
// table of fields; order, Back / Skip / Cancel, the progress counter, the
// review card, "first missing", retries and edits from the review card all
// derive from it.
package wizard

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
)

// Kind is how a field is answered and how its value is kept.
type Kind int

// Kinds of field.
const (
	Text   Kind = iota // free text up to Max characters, kept as typed (trimmed)
	Date               // a calendar date, typed or by a shortcut button; kept as 2006-01-02
	Choice             // one code, by button; kept as the code
	Multi              // several codes, toggled, then Done; kept as the codes joined by "," in option order
	YesNo              // yes or no; kept as "y" or "n"
	Amount             // yuan, typed or by shortcut; kept as fen in decimal
	Pick               // one option found in storage, by button or by typing a part of it; kept as its code
)

// Values are a form's answers by field name, each in its kind's canonical
// text. An absent or empty value is unanswered.
type Values map[string]string

// State is where a form stands. It lives inside the feature's draft, which
// is saved in the conversation state.
type State struct {
	Step     string            `json:"s,omitempty"`
	Review   bool              `json:"rv,omitempty"` // answering from the review card: return to it
	More     bool              `json:"mo,omitempty"` // walking the extra fields from the review card
	Reviewed bool              `json:"rd,omitempty"` // the review card was shown: answers return to it
	Single   bool              `json:"sg,omitempty"` // one field edited on its own: Form.Saved runs after it
	Values   Values            `json:"f,omitempty"`
	Labels   map[string]string `json:"lb,omitempty"` // the label of each Pick answer, for the card
}

// StepReview is the step of the review card.
const StepReview = "review"

// Get returns the value of field name ("" when unanswered).
func (s *State) Get(name string) string { return s.Values[name] }

// Set stores the value of field name; "" removes it.
func (s *State) Set(name, value string) {
	if value == "" {
		delete(s.Values, name)
		delete(s.Labels, name)
		return
	}
	if s.Values == nil {
		s.Values = Values{}
	}
	s.Values[name] = value
}

// Option is one answer a button offers: the value it sets and its label,
// already rendered.
type Option struct {
	Code  string
	Label string
}

// Field is one question of a form over drafts of type D.
type Field[D any] struct {
	Name     string // the step, the value's key, and the catalogue keys <Keys>q_<Name> and <Keys>f_<Name>
	Kind     Kind
	Optional bool // Skip is offered and the form can be confirmed without it
	Hidden   bool // no line and no edit button of its own on the review card
	// Conditional marks a field an earlier answer may open (Applies
	// depends on answers): it is counted in the progress total always.
	Conditional bool
	// Extra fields are optional and not asked in the sequence: the review
	// card's More button walks them (each skippable), and shows a line and
	// an edit button only for those answered. They keep the shortest path
	// through a form short.
	Extra bool
	Max   int // Text: at most this many characters
	// Col names where the owning feature saves the answer (a column of
	// its record); the engine does not read it.
	Col string

	Codes  []string                    // Choice, Multi: the fixed codes, in order
	Labels string                      // catalogue prefix of the codes' labels; YesNo: of "y" and "n" (default btn_yes, btn_no)
	Label  func(kit.Tr, string) string // renders a code's label instead of Labels
	PerRow int                         // answer buttons per row (default: one, YesNo two)
	// Layout arranges the answer buttons (in option order) in rows
	// instead of PerRow.
	Layout func([]kit.Button) [][]kit.Button

	// Applies tells whether the field is asked at all; nil: always.
	Applies func(D) bool
	// Keeps tells whether a kept answer still fits the other answers; one
	// that does not is cleared after every change. nil: always.
	Keeps func(D, string) bool
	// Options are the choices of a Multi or Pick whose codes come from the
	// draft or from storage, with their labels.
	Options func(*kit.Turn, D) ([]Option, error)
	// Resolve finds the options a typed text names (Pick); it may refuse
	// with a *kit.Problem.
	Resolve func(*kit.Turn, D, string) ([]Option, error)
	// MaxButtons caps the Pick buttons; beyond it TooMany is added to the
	// question and the user types.
	MaxButtons int
	TooMany    string
	PickMany   string // the heading when a typed text matches several options
	// Shortcuts are extra buttons that answer with their Code.
	Shortcuts func(*kit.Turn, D) []Option
	// Parse turns a typed answer into a value; nil: by kind.
	Parse func(D, string, time.Time) (string, error)
	// Check is what a value must meet together with the rest of the draft,
	// however it was given; it refuses with a *kit.Problem.
	Check func(D, string, time.Time) error
	// Show renders the value on the review card; nil: by kind.
	Show func(kit.Tr, D) string
	// Prompt overrides the question's catalogue key; PromptData is its
	// template data.
	Prompt     string
	PromptData func(*kit.Turn, D) []any
}

// yes and no are the values of a YesNo field.
const (
	yes = "y"
	no  = "n"
)

// codeLabel renders the label of code of a fixed-code field.
func (f *Field[D]) codeLabel(t kit.Tr, code string) string {
	switch {
	case f.Label != nil:
		return f.Label(t, code)
	case f.Kind == YesNo && f.Labels == "":
		return t.YesNo(code == yes)
	}
	return t.T(f.Labels + code)
}

// codes are the fixed codes of the field (y, n for YesNo).
func (f *Field[D]) codes() []string {
	if f.Kind == YesNo {
		return []string{yes, no}
	}
	return f.Codes
}

// parse turns typed text into a value by the field's kind.
func (f *Field[D]) parse(d D, text string, today time.Time) (string, error) {
	if f.Parse != nil {
		return f.Parse(d, text, today)
	}
	switch f.Kind {
	case Text:
		if n := kit.RuneLen(text); f.Max > 0 && n > f.Max {
			return "", kit.Refuse("too_long", "Max", f.Max, "N", n)
		}
		return text, nil
	case Date:
		day, err := kit.ParseDate(text, today)
		if err != nil {
			return "", DateProblem(err)
		}
		return day.Format(kit.DateLayout), nil
	case Amount:
		fen, err := kit.ParseAmount(text)
		if errors.Is(err, kit.ErrAmountRange) {
			return "", kit.Refuse("amount_range")
		}
		if err != nil {
			return "", kit.Refuse("amount_format")
		}
		return strconv.FormatInt(fen, 10), nil
	}
	return "", kit.Refuse("use_buttons")
}

// DateProblem is the refusal of a date ParseDate could not read.
func DateProblem(err error) *kit.Problem {
	if errors.Is(err, kit.ErrDateInvalid) {
		return kit.Refuse("date_invalid")
	}
	return kit.Refuse("date_format")
}

// show renders a value by the field's kind.
func (f *Field[D]) show(t kit.Tr, st *State, d D) string {
	if f.Show != nil {
		return f.Show(t, d)
	}
	v := st.Get(f.Name)
	if v == "" {
		return t.T("none")
	}
	switch f.Kind {
	case Date:
		if day, ok := kit.ParseDay(v); ok {
			return t.Date(day)
		}
	case Choice, YesNo:
		return f.codeLabel(t, v)
	case Multi:
		if f.Options != nil {
			return kit.Esc(v) // dynamic options render themselves through Show
		}
		labels := make([]string, 0, 4)
		for _, c := range strings.Split(v, ",") {
			labels = append(labels, f.codeLabel(t, c))
		}
		return t.List(labels)
	case Amount:
		fen, _ := strconv.ParseInt(v, 10, 64)
		return kit.FormatFen(fen)
	case Pick:
		if l, ok := st.Labels[f.Name]; ok {
			return kit.Esc(l)
		}
	}
	return kit.Esc(v)
}
