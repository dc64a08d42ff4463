package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// Apply is the pure core of answering: the value typed text gives field fd
// of draft d on date today, checked against the rest of the draft, stored,
// and every answer that no longer fits cleared. A refusal is a
// *kit.Problem and leaves d unchanged.
//
// Every typed text answer is kept from starting a spreadsheet formula
// (models.StartsFormula), as typed and as kept: any of them may be
// exported, and a list such as the inspectors may be split into cells.
func (f *Form[D]) Apply(d D, fd *Field[D], text string, today time.Time) error {
	v, err := fd.parse(d, text, today)
	if err != nil {
		return err
	}
	if fd.Kind == Text && (models.StartsFormula(v) || models.StartsFormula(text)) {
		return kit.Refuse("text_formula")
	}
	return f.put(d, fd, v, today)
}

// put checks and stores a value however it was given.
func (f *Form[D]) put(d D, fd *Field[D], v string, today time.Time) error {
	if fd.Check != nil {
		if err := fd.Check(d, v, today); err != nil {
			return err
		}
	}
	f.Set(d, fd.Name, v)
	return nil
}

// Text handles typed text at the current step.
func (f *Form[D]) Text(t *kit.Turn, d D, text string) error {
	st := f.State(d)
	fd := f.Field(st.Step)
	if fd == nil {
		return f.Retry(t, d, kit.Refuse("use_buttons"))
	}
	if fd.Kind == Pick {
		return f.typedPick(t, d, fd, text)
	}
	if err := f.Apply(d, fd, text, t.Today()); err != nil {
		return f.refused(t, d, err)
	}
	return f.advance(t, d)
}

// refused shows a Problem and asks again; any other error is returned.
func (f *Form[D]) refused(t *kit.Turn, d D, err error) error {
	var p *kit.Problem
	if errors.As(err, &p) {
		return f.Retry(t, d, p)
	}
	return err
}

// typedPick resolves typed text to an option of a Pick: one is taken,
// several are offered as buttons.
func (f *Form[D]) typedPick(t *kit.Turn, d D, fd *Field[D], text string) error {
	if fd.Resolve == nil {
		return f.Retry(t, d, kit.Refuse("use_buttons"))
	}
	opts, err := fd.Resolve(t, d, strings.TrimSpace(text))
	if err != nil {
		return f.refused(t, d, err)
	}
	switch len(opts) {
	case 0:
		return f.Retry(t, d, kit.Refuse("use_buttons"))
	case 1:
		return f.pick(t, d, fd, opts[0])
	}
	var btns []kit.Button
	for _, o := range opts {
		btns = append(btns, t.Btn(o.Label, f.NS, ActChoose, o.Code))
	}
	rows := append(Rows(btns, fd.PerRow), f.nav(t, d, fd))
	t.Send(kit.Message{Text: t.T.T(fd.PickMany), Buttons: rows})
	return nil
}

// pick takes an option of a Pick with its label.
func (f *Form[D]) pick(t *kit.Turn, d D, fd *Field[D], o Option) error {
	if err := f.put(d, fd, o.Code, t.Today()); err != nil {
		return f.refused(t, d, err)
	}
	st := f.State(d)
	if st.Labels == nil {
		st.Labels = map[string]string{}
	}
	st.Labels[fd.Name] = o.Label
	return f.advance(t, d)
}

// Button handles a pressed button of the form; handled is false when cb is
// not one of the engine's actions (the feature handles it).
func (f *Form[D]) Button(t *kit.Turn, d D, cb kit.Callback) (handled bool, err error) {
	if !IsAction(cb.Action) {
		return false, nil
	}
	st := f.State(d)
	switch cb.Action {
	case ActCancel:
		return true, f.askCancel(t, d)
	case ActDrop:
		return true, f.Cancel(t, d)
	case ActGoOn:
		return true, f.Ask(t, d)
	case ActBack:
		return true, f.back(t, d)
	case ActConfirm:
		if st.Step != StepReview {
			break
		}
		return true, f.confirm(t, d)
	case ActMore:
		if st.Step != StepReview || !f.HasExtra(d) {
			break
		}
		st.More, st.Review = true, false
		st.Step = f.Next(d, "")
		return true, f.Ask(t, d)
	case ActEdit:
		i, err := strconv.Atoi(cb.Arg)
		if st.Step != StepReview || err != nil || i < 0 || i >= len(f.Fields) || !f.editable(d, f.Fields[i]) {
			break
		}
		st.Step, st.Review = f.Fields[i].Name, true
		return true, f.Ask(t, d)
	default:
		if fd := f.Field(st.Step); fd != nil {
			return f.stepButton(t, d, fd, cb)
		}
	}
	t.Toast("button_expired")
	return true, nil
}

// stepButton handles an answer button of the current question.
func (f *Form[D]) stepButton(t *kit.Turn, d D, fd *Field[D], cb kit.Callback) (bool, error) {
	st := f.State(d)
	switch {
	case cb.Action == ActKeep && f.keepable(d, fd):
		return true, f.advance(t, d)
	case cb.Action == ActSkip && fd.Optional:
		f.Set(d, fd.Name, "")
		return true, f.advance(t, d)
	case cb.Action == ActShortcut && fd.Shortcuts != nil:
		i, err := strconv.Atoi(cb.Arg)
		sc := fd.Shortcuts(t, d)
		if err != nil || i < 0 || i >= len(sc) {
			break
		}
		if err := f.put(d, fd, sc[i].Code, t.Today()); err != nil {
			return true, f.refused(t, d, err)
		}
		return true, f.advance(t, d)
	case cb.Action == ActDone && fd.Kind == Multi:
		if st.Get(fd.Name) == "" && !fd.Optional {
			t.Toast("pick_one")
			return true, f.Ask(t, d)
		}
		return true, f.advance(t, d)
	case cb.Action == ActToggle && fd.Kind == Multi:
		return true, f.toggle(t, d, fd, cb.Arg)
	case cb.Action == ActChoose && fd.Kind != Multi:
		opts, err := f.options(t, d, fd)
		if err != nil {
			return true, err
		}
		i := slices.IndexFunc(opts, func(o Option) bool { return o.Code == cb.Arg })
		if i < 0 {
			break
		}
		if fd.Kind == Pick {
			return true, f.pick(t, d, fd, opts[i])
		}
		if err := f.put(d, fd, opts[i].Code, t.Today()); err != nil {
			return true, f.refused(t, d, err)
		}
		return true, f.advance(t, d)
	}
	t.Toast("button_expired")
	return true, nil
}

// toggle ticks or unticks an option of a Multi; the value keeps the
// options' order whatever order they were pressed in.
func (f *Form[D]) toggle(t *kit.Turn, d D, fd *Field[D], code string) error {
	opts, err := f.options(t, d, fd)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(opts, func(o Option) bool { return o.Code == code }) {
		t.Toast("button_expired")
		return nil
	}
	st := f.State(d)
	sel := Split(st.Get(fd.Name))
	if i := slices.Index(sel, code); i >= 0 {
		sel = slices.Delete(sel, i, i+1)
	} else {
		sel = append(sel, code)
	}
	var out []string
	for _, o := range opts {
		if slices.Contains(sel, o.Code) {
			out = append(out, o.Code)
		}
	}
	f.Set(d, fd.Name, strings.Join(out, ","))
	return f.Ask(t, d)
}

// askCancel runs Cancel at once when nothing was answered yet; else it
// asks first, since one tap would throw away every answer.
func (f *Form[D]) askCancel(t *kit.Turn, d D) error {
	n := len(f.State(d).Values)
	if n == 0 {
		return f.Cancel(t, d)
	}
	t.Show(kit.Message{Text: t.T.T("cancel_ask", "N", n), Buttons: [][]kit.Button{{
		t.Btn(t.T.T("btn_drop"), f.NS, ActDrop, ""), t.Btn(t.T.T("btn_go_on"), f.NS, ActGoOn, ""),
	}}})
	return nil
}

// Split splits a Multi value into its codes.
func Split(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// advance moves past an answered question: to the feature after a single
// edit, back to the review card (or to what the answer left missing) after
// an edit from it, else to the next question.
func (f *Form[D]) advance(t *kit.Turn, d D) error {
	st := f.State(d)
	if st.Single {
		st.Single = false
		return f.Saved(t, d, st.Step)
	}
	if st.More && !st.Review {
		// The extra fields one after the other, then the card again.
		if st.Step = f.Next(d, st.Step); st.Step == StepReview {
			st.More = false
		}
		return f.Ask(t, d)
	}
	if st.Review || st.Reviewed {
		if m := f.Missing(d); m != "" {
			st.Step = m
			return f.Ask(t, d)
		}
		st.Step, st.Review = StepReview, false
	} else {
		st.Step = f.Next(d, st.Step)
	}
	if st.Step == StepReview && f.Review == nil {
		return f.Done(t, d)
	}
	return f.Ask(t, d)
}

// back goes one question back: from an edit to the review card, from the
// review card to the last question, from the first question to the
// feature.
func (f *Form[D]) back(t *kit.Turn, d D) error {
	st := f.State(d)
	switch {
	case st.Single:
		st.Single = false
		return f.backOut(t, d)
	case st.Review:
		st.Step, st.Review = StepReview, false
		return f.Ask(t, d)
	case st.More:
		if st.Step = f.Prev(d, st.Step); st.Step == "" {
			st.Step, st.More = StepReview, false
		}
		return f.Ask(t, d)
	}
	prev := f.Prev(d, st.Step)
	if prev == "" {
		return f.backOut(t, d)
	}
	st.Step = prev
	return f.Ask(t, d)
}

func (f *Form[D]) backOut(t *kit.Turn, d D) error {
	if f.Back == nil {
		return f.Ask(t, d)
	}
	return f.Back(t, d)
}

// confirm runs Done once every required answer is there; else it asks the
// first missing one and returns to the card after it.
func (f *Form[D]) confirm(t *kit.Turn, d D) error {
	if m := f.Missing(d); m != "" {
		st := f.State(d)
		st.Step, st.Review = m, true
		t.Toast("incomplete")
		return f.Ask(t, d)
	}
	return f.Done(t, d)
}

// editable reports whether fd gets an edit button on the review card: an
// extra field only once answered (MoreButton reaches the others).
func (f *Form[D]) editable(d D, fd *Field[D]) bool {
	return !fd.Hidden && f.Applies(d, fd) && (!fd.Extra || f.State(d).Get(fd.Name) != "")
}

// Lines renders the applicable, visible answers as "label: value" lines.
func (f *Form[D]) Lines(tr kit.Tr, d D) string {
	st := f.State(d)
	var b strings.Builder
	for _, fd := range f.Fields {
		if !f.editable(d, fd) {
			continue
		}
		b.WriteString("\n" + tr.T("field_line", "Label", tr.T(f.Keys+"f_"+fd.Name), "Value", fd.show(tr, st, d)))
	}
	return b.String()
}

// AllLines renders every applicable, visible field as a "label: value"
// line, the unanswered extra fields too ("none"): a saved record read
// back whole.
func (f *Form[D]) AllLines(tr kit.Tr, d D) string {
	st := f.State(d)
	var b strings.Builder
	for _, fd := range f.Fields {
		if fd.Hidden || !f.Applies(d, fd) {
			continue
		}
		b.WriteString("\n" + tr.T("field_line", "Label", tr.T(f.Keys+"f_"+fd.Name), "Value", fd.show(tr, st, d)))
	}
	return b.String()
}

// EditButtons are the review card's "✏️ label" buttons, per to a row.
func (f *Form[D]) EditButtons(t *kit.Turn, d D, per int) [][]kit.Button {
	var btns []kit.Button
	for i, fd := range f.Fields {
		if f.editable(d, fd) {
			btns = append(btns, t.Btn("✏️ "+t.T.T(f.Keys+"f_"+fd.Name), f.NS, ActEdit, strconv.Itoa(i)))
		}
	}
	return Rows(btns, per)
}

// Check verifies the table: every field named once, kinds that fit their
// settings. Features call it from a test.
func (f *Form[D]) Check() error {
	seen := map[string]bool{}
	for _, fd := range f.Fields {
		switch {
		case fd.Name == "" || fd.Name == StepReview || seen[fd.Name]:
			return fmt.Errorf("field %q: empty, reserved or repeated name", fd.Name)
		case (fd.Kind == Choice || fd.Kind == Multi) && fd.Codes == nil && fd.Options == nil:
			return fmt.Errorf("field %s: a choice without codes or options", fd.Name)
		case fd.Kind == Pick && fd.Options == nil:
			return fmt.Errorf("field %s: a pick without options", fd.Name)
		case fd.Kind == Multi && fd.Options != nil && fd.Show == nil:
			return fmt.Errorf("field %s: dynamic options need Show", fd.Name)
		case fd.Kind == Text && fd.Max <= 0 && fd.Parse == nil:
			return fmt.Errorf("field %s: text without a limit", fd.Name)
		case fd.Extra && !fd.Optional:
			return fmt.Errorf("field %s: an extra field must be optional", fd.Name)
		}
		for _, c := range fd.Codes {
			if !kit.IsToken(c) {
				return fmt.Errorf("field %s: code %q is not a callback token", fd.Name, c)
			}
		}
		seen[fd.Name] = true
	}
	return nil
}

// CatalogueKeys lists the message ids the table uses: questions, labels
// and the labels of fixed codes.
func (f *Form[D]) CatalogueKeys() []string {
	var ids []string
	for _, fd := range f.Fields {
		q := fd.Prompt
		if q == "" {
			q = f.Keys + "q_" + fd.Name
		}
		ids = append(ids, q)
		if !fd.Hidden {
			ids = append(ids, f.Keys+"f_"+fd.Name)
		}
		if fd.Label == nil && (fd.Labels != "" || fd.Kind != YesNo) {
			for _, c := range fd.codes() {
				ids = append(ids, fd.Labels+c)
			}
		}
		for _, k := range []string{fd.TooMany, fd.PickMany} {
			if k != "" {
				ids = append(ids, k)
			}
		}
	}
	return ids
}
