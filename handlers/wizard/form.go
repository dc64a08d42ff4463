package wizard

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
)

// Actions of the buttons the engine issues, in the owning feature's
// callback namespace. A feature's own buttons use other actions.
const (
	ActChoose   = "ch" // arg: the code of a Choice, YesNo or Pick option
	ActToggle   = "tg" // arg: the code of a Multi option
	ActDone     = "ok" // a Multi's selection is complete
	ActShortcut = "sc" // arg: the index of a shortcut
	ActBack     = "bk"
	ActSkip     = "sk"
	ActCancel   = "cx"
	ActEdit     = "ed" // arg: the index of a field, from the review card
	ActConfirm  = "cf"
	ActKeep     = "kp" // keep the answer already given and go on
	ActDrop     = "dp" // yes, throw the answers away (after Cancel asked)
	ActGoOn     = "go" // no, go on filling in (after Cancel asked)
	ActMore     = "mo" // from the review card: walk the extra fields
)

// IsAction reports whether action is one of the engine's.
func IsAction(action string) bool {
	switch action {
	case ActChoose, ActToggle, ActDone, ActShortcut, ActBack, ActSkip, ActCancel, ActEdit, ActConfirm, ActKeep, ActDrop, ActGoOn, ActMore:
		return true
	}
	return false
}

// Form is a table of fields and what happens around them.
type Form[D any] struct {
	NS     string // the callback namespace of the feature that owns the form
	Keys   string // catalogue prefix of questions (<Keys>q_<name>) and labels (<Keys>f_<name>)
	Fields []*Field[D]
	State  func(D) *State // where the form's state lives in a draft

	// Heading is the line above every question (a progress counter, what
	// is being done); nil: none.
	Heading func(*kit.Turn, D) string
	// Review renders the review card; nil: the form has none and Done runs
	// once the last question is answered.
	Review func(*kit.Turn, D) (kit.Message, error)
	// Done runs on Confirm, or after the last answer of a form without a
	// review card.
	Done func(*kit.Turn, D) error
	// Saved runs after a field edited on its own (State.Single).
	Saved func(*kit.Turn, D, string) error
	// Back runs on Back before the first question and from a single edit;
	// nil: no Back there.
	Back func(*kit.Turn, D) error
	// Cancel runs on Cancel.
	Cancel func(*kit.Turn, D) error
	// CancelLabel is the catalogue key of the Cancel button (default btn_cancel).
	CancelLabel string
	// NoBack leaves Back out of every question.
	NoBack bool
}

// Field returns the field called name, or nil.
func (f *Form[D]) Field(name string) *Field[D] {
	for _, fd := range f.Fields {
		if fd.Name == name {
			return fd
		}
	}
	return nil
}

// Applies reports whether fd is asked for d.
func (f *Form[D]) Applies(d D, fd *Field[D]) bool { return fd.Applies == nil || fd.Applies(d) }

func (f *Form[D]) index(name string) int {
	return slices.IndexFunc(f.Fields, func(fd *Field[D]) bool { return fd.Name == name })
}

// inSequence reports whether fd is asked in the walk d is in: the
// applicable fields that are not extra, or while walking the extra fields
// (State.More) the applicable extra ones.
func (f *Form[D]) inSequence(d D, fd *Field[D]) bool {
	return f.Applies(d, fd) && fd.Extra == f.State(d).More
}

// Next is the first field of the walk after cur ("" = from the start), or
// StepReview.
func (f *Form[D]) Next(d D, cur string) string {
	for _, fd := range f.Fields[f.index(cur)+1:] {
		if f.inSequence(d, fd) {
			return fd.Name
		}
	}
	return StepReview
}

// Prev is the last field of the walk before cur (StepReview: the last of
// all), or "".
func (f *Form[D]) Prev(d D, cur string) string {
	i := f.index(cur)
	if cur == StepReview {
		i = len(f.Fields)
	}
	for j := i - 1; j >= 0; j-- {
		if f.inSequence(d, f.Fields[j]) {
			return f.Fields[j].Name
		}
	}
	return ""
}

// Missing is the first applicable required field without an answer, or "".
func (f *Form[D]) Missing(d D) string {
	st := f.State(d)
	for _, fd := range f.Fields {
		if !fd.Optional && f.Applies(d, fd) && st.Get(fd.Name) == "" {
			return fd.Name
		}
	}
	return ""
}

// Progress is the position of the current step among the fields of the
// walk (the sequence, or the extra fields) counted (those that apply, and
// those a later answer may open), and their number: the total does not
// change as answers open questions.
func (f *Form[D]) Progress(d D) (pos, n int) {
	step := f.State(d).Step
	for _, fd := range f.Fields {
		if f.inSequence(d, fd) || fd.Conditional && fd.Extra == f.State(d).More {
			n++
			if fd.Name == step {
				pos = n
			}
		}
	}
	return pos, n
}

// Set stores value as the answer to field name and clears every answer
// that no longer applies or no longer fits.
func (f *Form[D]) Set(d D, name, value string) {
	st := f.State(d)
	st.Set(name, value)
	for _, fd := range f.Fields {
		v := st.Get(fd.Name)
		if v != "" && (!f.Applies(d, fd) || fd.Keeps != nil && !fd.Keeps(d, v)) {
			st.Set(fd.Name, "")
		}
	}
}

// Begin starts the form at its first applicable question and shows it.
func (f *Form[D]) Begin(t *kit.Turn, d D) error {
	f.State(d).Step = f.Next(d, "")
	return f.Ask(t, d)
}

// Edit opens field name on its own (Saved runs once it is answered).
func (f *Form[D]) Edit(t *kit.Turn, d D, name string) error {
	st := f.State(d)
	st.Step, st.Single = name, true
	return f.Ask(t, d)
}

// Ask shows the current question (or the review card), editing the
// message whose button was pressed.
func (f *Form[D]) Ask(t *kit.Turn, d D) error {
	m, err := f.Prompt(t, d)
	if err != nil {
		return err
	}
	t.Show(m)
	return nil
}

// Retry answers a refused answer: why, then the same question, in one
// message.
func (f *Form[D]) Retry(t *kit.Turn, d D, p *kit.Problem) error {
	m, err := f.Prompt(t, d)
	if err != nil {
		return err
	}
	m.Text = Explain(t.T, p) + "\n\n" + m.Text
	t.Show(m)
	return nil
}

// Explain renders a Problem; dates in its data are rendered in the
// user's language, since the checks that refuse are pure.
func Explain(tr kit.Tr, p *kit.Problem) string {
	data := slices.Clone(p.Data)
	for i, v := range data {
		if day, ok := v.(time.Time); ok {
			data[i] = tr.Date(day)
		}
	}
	return tr.T(p.ID, data...)
}

// Prompt renders the current question with its answer buttons and the
// Back / Skip / Cancel row, or the review card.
func (f *Form[D]) Prompt(t *kit.Turn, d D) (kit.Message, error) {
	st := f.State(d)
	if st.Step == StepReview {
		st.Reviewed = true
		return f.Review(t, d)
	}
	fd := f.Field(st.Step)
	if fd == nil {
		return kit.Message{}, errors.New("wizard: no field " + strconv.Quote(st.Step))
	}
	key := fd.Prompt
	if key == "" {
		key = f.Keys + "q_" + fd.Name
	}
	var data []any
	if fd.PromptData != nil {
		data = fd.PromptData(t, d)
	}
	text := t.T.T(key, data...)
	if f.Heading != nil {
		if h := f.Heading(t, d); h != "" {
			text = h + "\n" + text
		}
	}
	if cur := f.current(t, st, d, fd); cur != "" {
		text += "\n" + t.T.T("current_value", "Value", cur)
	}
	rows, note, err := f.answerRows(t, d, fd)
	if err != nil {
		return kit.Message{}, err
	}
	if note != "" {
		text += "\n" + t.T.T(note)
	}
	return kit.Message{Text: text, Buttons: append(rows, f.nav(t, d, fd))}, nil
}

// current shows an answer already given to a typed question when it is
// asked again, so Back and edits never hide what was typed.
func (f *Form[D]) current(t *kit.Turn, st *State, d D, fd *Field[D]) string {
	if st.Get(fd.Name) == "" {
		return ""
	}
	switch fd.Kind {
	case Text, Date, Pick:
		return fd.show(t.T, st, d)
	}
	return ""
}

// options are the choices of a field with their labels.
func (f *Form[D]) options(t *kit.Turn, d D, fd *Field[D]) ([]Option, error) {
	if fd.Options != nil {
		return fd.Options(t, d)
	}
	codes := fd.codes()
	opts := make([]Option, len(codes))
	for i, c := range codes {
		opts[i] = Option{Code: c, Label: fd.codeLabel(t.T, c)}
	}
	return opts, nil
}

// answerRows are the answer buttons of a question, and a note to add to
// it when there are too many to offer.
func (f *Form[D]) answerRows(t *kit.Turn, d D, fd *Field[D]) ([][]kit.Button, string, error) {
	var btns []kit.Button
	var note string
	switch fd.Kind {
	case Choice, YesNo, Pick, Multi:
		opts, err := f.options(t, d, fd)
		if err != nil {
			return nil, "", err
		}
		if fd.Kind == Pick && fd.MaxButtons > 0 && len(opts) > fd.MaxButtons {
			opts, note = nil, fd.TooMany
		}
		sel := strings.Split(f.State(d).Get(fd.Name), ",")
		for _, o := range opts {
			if fd.Kind == Multi {
				btns = append(btns, t.Btn(mark(slices.Contains(sel, o.Code))+o.Label, f.NS, ActToggle, o.Code))
			} else {
				btns = append(btns, t.Btn(o.Label, f.NS, ActChoose, o.Code))
			}
		}
	}
	per := fd.PerRow
	if per == 0 && fd.Kind == YesNo && fd.Labels == "" {
		per = 2
	}
	rows := Rows(btns, per)
	if fd.Layout != nil {
		rows = fd.Layout(btns)
	}
	if fd.Kind == Multi {
		rows = append(rows, []kit.Button{t.Btn(t.T.T("btn_done"), f.NS, ActDone, "")})
	}
	if fd.Shortcuts != nil {
		var row []kit.Button
		for i, o := range fd.Shortcuts(t, d) {
			row = append(row, t.Btn(o.Label, f.NS, ActShortcut, strconv.Itoa(i)))
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	return rows, note, nil
}

// Rows lays buttons out per to a row (one when per is 0).
func Rows(btns []kit.Button, per int) [][]kit.Button {
	if per <= 0 {
		per = 1
	}
	var rows [][]kit.Button
	for i := 0; i < len(btns); i += per {
		rows = append(rows, btns[i:min(i+per, len(btns))])
	}
	return rows
}

func mark(on bool) string {
	if on {
		return "✅ "
	}
	return "▫️ "
}

// nav is the Back / Skip / Cancel row of a question.
func (f *Form[D]) nav(t *kit.Turn, d D, fd *Field[D]) []kit.Button {
	var row []kit.Button
	if f.hasBack(d, fd) {
		row = append(row, t.Btn(t.T.T("btn_back"), f.NS, ActBack, ""))
	}
	if f.keepable(d, fd) {
		row = append(row, t.Btn(t.T.T("btn_keep"), f.NS, ActKeep, ""))
	} else if fd.Optional {
		row = append(row, t.Btn(t.T.T("btn_skip"), f.NS, ActSkip, ""))
	}
	return append(row, f.CancelButton(t))
}

// keepable reports a typed question asked again (Back, an edit) that has
// an answer: Keep goes on with it instead of typing it again.
func (f *Form[D]) keepable(d D, fd *Field[D]) bool {
	switch fd.Kind {
	case Text, Date, Amount, Pick:
		return f.State(d).Get(fd.Name) != ""
	}
	return false
}

// HasExtra reports whether an extra field applies to d: the review card
// then offers MoreButton.
func (f *Form[D]) HasExtra(d D) bool {
	return slices.ContainsFunc(f.Fields, func(fd *Field[D]) bool { return fd.Extra && f.Applies(d, fd) })
}

// MoreButton is the review card's button that walks the extra fields;
// label is its catalogue key.
func (f *Form[D]) MoreButton(t *kit.Turn, label string) kit.Button {
	return t.Btn(t.T.T(label), f.NS, ActMore, "")
}

func (f *Form[D]) hasBack(d D, fd *Field[D]) bool {
	st := f.State(d)
	switch {
	case f.NoBack:
		return false
	case st.Single:
		return f.Back != nil
	case st.Review:
		return true
	}
	return f.Back != nil || f.Prev(d, fd.Name) != ""
}

// CancelButton is the form's Cancel button.
func (f *Form[D]) CancelButton(t *kit.Turn) kit.Button {
	label := f.CancelLabel
	if label == "" {
		label = "btn_cancel"
	}
	return t.Btn(t.T.T(label), f.NS, ActCancel, "")
}

// ConfirmButton is the review card's Confirm button.
func (f *Form[D]) ConfirmButton(t *kit.Turn) kit.Button {
	return t.Btn(t.T.T("btn_confirm"), f.NS, ActConfirm, "")
}

// BackButton is the review card's Back button (to the last question).
func (f *Form[D]) BackButton(t *kit.Turn) kit.Button {
	return t.Btn(t.T.T("btn_back"), f.NS, ActBack, "")
}
