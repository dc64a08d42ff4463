package wizard

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// draft is a test form's draft.
type draft struct {
	State
	saved, done, backs, cancels int
	savedField                  string
}

var today = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

// testForm asks: name (text ≤ 5), colours (multi), more (yes/no), why
// (text, only when more = y), unit (pick), when (date, optional, after
// 2026-01-01), and has a review card.
func testForm() *Form[*draft] {
	f := &Form[*draft]{
		NS:    "tf",
		State: func(d *draft) *State { return &d.State },
		Fields: []*Field[*draft]{
			{Name: "name", Kind: Text, Max: 5},
			{Name: "colours", Kind: Multi, Codes: []string{"red", "green", "blue"}, Labels: "c_"},
			{Name: "more", Kind: YesNo},
			{Name: "why", Kind: Text, Max: 50, Applies: func(d *draft) bool { return d.Get("more") == "y" }},
			{Name: "unit", Kind: Pick, PickMany: "pick_many",
				Options: func(*kit.Turn, *draft) ([]Option, error) {
					return []Option{{Code: "1", Label: "东湖镇"}, {Code: "2", Label: "东湖一村"}, {Code: "3", Label: "西山"}}, nil
				},
				Resolve: func(_ *kit.Turn, _ *draft, q string) ([]Option, error) {
					var out []Option
					for _, o := range []Option{{Code: "1", Label: "东湖镇"}, {Code: "2", Label: "东湖一村"}, {Code: "3", Label: "西山"}} {
						if strings.Contains(o.Label, q) {
							out = append(out, o)
						}
					}
					if out == nil {
						return nil, kit.Refuse("not_found")
					}
					return out, nil
				}},
			{Name: "when", Kind: Date, Optional: true,
				Shortcuts: func(*kit.Turn, *draft) []Option { return []Option{{Code: "2026-06-01", Label: "June"}} },
				Check: func(_ *draft, v string, _ time.Time) error {
					if v < "2026-01-01" {
						return kit.Refuse("too_early")
					}
					return nil
				}},
		},
	}
	f.Review = func(t *kit.Turn, d *draft) (kit.Message, error) {
		return kit.Message{Text: "CARD" + f.Lines(t.T, d), Buttons: append(f.EditButtons(t, d, 3), []kit.Button{f.ConfirmButton(t)})}, nil
	}
	f.Done = func(*kit.Turn, *draft) error { return nil }
	return f
}

// turn is a turn of an update: text, or a button of the form.
func turn(t *testing.T, st *kit.State, text string) *kit.Turn {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales)
	if err != nil {
		t.Fatal(err)
	}
	env := &kit.Env{Cat: cat, Loc: time.UTC, Now: func() time.Time { return today.Add(9 * time.Hour) }}
	return kit.NewTurn(context.Background(), env, kit.Input{Text: text}, models.User{Lang: kit.LangZH}, st, nil)
}

// run is a test driver of one form and one draft.
type run struct {
	t  *testing.T
	f  *Form[*draft]
	d  *draft
	st kit.State
	tn *kit.Turn
}

func newRun(t *testing.T) *run {
	r := &run{t: t, f: testForm(), d: &draft{}}
	r.f.Done = func(*kit.Turn, *draft) error { r.d.done++; return nil }
	r.f.Saved = func(_ *kit.Turn, d *draft, name string) error { d.saved++; d.savedField = name; return nil }
	r.f.Back = func(*kit.Turn, *draft) error { r.d.backs++; return nil }
	r.f.Cancel = func(*kit.Turn, *draft) error { r.d.cancels++; return nil }
	if err := r.f.Check(); err != nil {
		t.Fatal(err)
	}
	r.tn = turn(t, &r.st, "")
	if err := r.f.Begin(r.tn, r.d); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *run) say(text string) {
	r.t.Helper()
	r.tn = turn(r.t, &r.st, text)
	if err := r.f.Text(r.tn, r.d, text); err != nil {
		r.t.Fatal(err)
	}
}

func (r *run) press(action, arg string) {
	r.t.Helper()
	r.tn = turn(r.t, &r.st, "")
	r.tn.In.Callback = "x"
	handled, err := r.f.Button(r.tn, r.d, kit.Callback{NS: "tf", Action: action, Arg: arg})
	if !handled || err != nil {
		r.t.Fatalf("press %s:%s: handled %v, %v", action, arg, handled, err)
	}
}

// shown is the text of the last message shown.
func (r *run) shown() string {
	if len(r.tn.Resp.Messages) == 0 {
		return ""
	}
	return r.tn.Resp.Messages[len(r.tn.Resp.Messages)-1].Text
}

func (r *run) step(want string) {
	r.t.Helper()
	if r.d.Step != want {
		r.t.Fatalf("step = %q, want %q (shown %q, toast %q)", r.d.Step, want, r.shown(), r.tn.Resp.CallbackText)
	}
}

func TestForm_Walk(t *testing.T) {
	r := newRun(t)
	r.step("name")
	r.say("六个字的名字")
	r.step("name")
	if !strings.Contains(r.shown(), "6") {
		t.Fatalf("refusal = %q", r.shown())
	}
	r.say("张三")
	r.step("colours")
	r.press(ActDone, "")
	r.step("colours") // nothing ticked
	if r.tn.Resp.CallbackText == "" {
		t.Fatal("no toast for an empty selection")
	}
	r.press(ActToggle, "blue")
	r.press(ActToggle, "red")
	r.press(ActToggle, "green")
	r.press(ActToggle, "green")
	if got := r.d.Get("colours"); got != "red,blue" {
		t.Fatalf("colours = %q, want the options' order", got)
	}
	r.press(ActToggle, "purple")
	if r.tn.Resp.CallbackText != "此按钮已失效" {
		t.Fatalf("unknown option answered %q", r.tn.Resp.CallbackText)
	}
	r.press(ActDone, "")
	r.step("more")
	r.say("是的")
	r.step("more") // typed at a button question
	r.press(ActChoose, "y")
	r.step("why")
	r.press(ActBack, "")
	r.step("more")
	r.press(ActChoose, "n")
	r.step("unit") // why no longer applies
	r.say("北京")
	r.step("unit")
	r.say("东湖")
	r.step("unit") // two match: buttons
	if labels := strings.Join(labelsOf(r.tn.Resp.Messages[0]), "|"); !strings.Contains(labels, "东湖镇|东湖一村") {
		t.Fatalf("offered %q", labels)
	}
	r.press(ActChoose, "2")
	r.step("when")
	r.press(ActShortcut, "5")
	if r.tn.Resp.CallbackText != "此按钮已失效" {
		t.Fatal("an unknown shortcut was taken")
	}
	r.say("2025-12-31")
	r.step("when")
	r.press(ActSkip, "")
	r.step(StepReview)
	if !strings.Contains(r.shown(), "东湖一村") || strings.Contains(r.shown(), "f_why") {
		t.Fatalf("card = %q", r.shown())
	}
	r.press(ActConfirm, "")
	if r.d.done != 1 {
		t.Fatal("Done not run")
	}
}

func labelsOf(m kit.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// TestForm_ReviewEdits: an edit from the card returns to it, through what
// the new answer left missing; Confirm with something missing asks it.
func TestForm_ReviewEdits(t *testing.T) {
	r := newRun(t)
	r.d.Values = Values{"name": "张三", "colours": "red", "more": "n", "unit": "1"}
	r.d.Step = StepReview
	r.press(ActEdit, "2") // more
	r.step("more")
	r.press(ActChoose, "y")
	r.step("why") // opened by the answer
	r.say("因为")
	r.step(StepReview)
	r.press(ActEdit, "0")
	r.press(ActBack, "")
	r.step(StepReview) // Back from an edit returns to the card
	r.f.Set(r.d, "name", "")
	r.press(ActConfirm, "")
	r.step("name")
	r.say("李四")
	r.step(StepReview)
	r.press(ActEdit, "3") // why applies
	r.step("why")
	r.press(ActBack, "")
	r.press(ActEdit, "99")
	if r.tn.Resp.CallbackText != "此按钮已失效" {
		t.Fatal("an edit of no field was taken")
	}
}

// TestForm_Single: one field edited on its own runs Saved; Back runs Back.
func TestForm_Single(t *testing.T) {
	r := newRun(t)
	r.tn = turn(t, &r.st, "")
	if err := r.f.Edit(r.tn, r.d, "name"); err != nil {
		t.Fatal(err)
	}
	r.say("王五")
	if r.d.saved != 1 || r.d.savedField != "name" || r.d.Get("name") != "王五" {
		t.Fatalf("saved %d %q", r.d.saved, r.d.savedField)
	}
	if err := r.f.Edit(r.tn, r.d, "more"); err != nil {
		t.Fatal(err)
	}
	r.press(ActBack, "")
	if r.d.backs != 1 || r.d.Single {
		t.Fatalf("back from a single edit: backs %d, single %v", r.d.backs, r.d.Single)
	}
	r.press(ActCancel, "") // answers were given: asked first
	if r.d.cancels != 0 || !strings.Contains(r.shown(), "1") {
		t.Fatalf("Cancel with answers not asked first: %q", r.shown())
	}
	r.press(ActGoOn, "")
	r.step("more")
	r.press(ActCancel, "")
	r.press(ActDrop, "")
	if r.d.cancels != 1 {
		t.Fatal("Cancel not run")
	}
}

// TestForm_Keep: a typed question asked again offers Keep, which goes on
// with the answer given.
func TestForm_Keep(t *testing.T) {
	r := newRun(t)
	if labels := labelsOf(r.tn.Resp.Messages[0]); strings.Contains(strings.Join(labels, "|"), "保留") {
		t.Fatalf("Keep offered for an unanswered question: %v", labels)
	}
	r.say("张三")
	r.press(ActBack, "")
	r.step("name")
	if labels := strings.Join(labelsOf(r.tn.Resp.Messages[0]), "|"); !strings.Contains(labels, "保留") {
		t.Fatalf("no Keep: %v", labels)
	}
	r.press(ActKeep, "")
	r.step("colours")
	if r.d.Get("name") != "张三" {
		t.Fatalf("name = %q", r.d.Get("name"))
	}
	r.press(ActKeep, "") // not at a typed question
	if r.tn.Resp.CallbackText != "此按钮已失效" {
		t.Fatal("Keep taken at a multiple choice")
	}
}

// TestForm_ProgressTotal: a conditional question is counted before it
// opens, so the total does not change mid-form.
func TestForm_ProgressTotal(t *testing.T) {
	f, d := testForm(), &draft{}
	f.Field("why").Conditional = true
	d.Step = "unit"
	if pos, n := f.Progress(d); pos != 5 || n != 6 {
		t.Fatalf("progress = %d/%d, want 5/6", pos, n)
	}
	d.Set("more", "y")
	if pos, n := f.Progress(d); pos != 5 || n != 6 {
		t.Fatalf("progress after the question opened = %d/%d", pos, n)
	}
}

// TestForm_Apply is the pure step on its own.
func TestForm_Apply(t *testing.T) {
	f, d := testForm(), &draft{}
	if err := f.Apply(d, f.Field("when"), "2026年6月1日", today); err != nil || d.Get("when") != "2026-06-01" {
		t.Fatalf("when = %q, %v", d.Get("when"), err)
	}
	err := f.Apply(d, f.Field("when"), "2025-01-01", today)
	var p *kit.Problem
	if !errors.As(err, &p) || p.ID != "too_early" || d.Get("when") != "2026-06-01" {
		t.Fatalf("refusal %v changed the draft to %q", err, d.Get("when"))
	}
	d.Set("more", "y")
	d.Set("why", "因为")
	f.Set(d, "more", "n")
	if d.Get("why") != "" {
		t.Fatal("an inapplicable answer was kept")
	}
	if m := f.Missing(d); m != "name" {
		t.Fatalf("missing = %q", m)
	}
	if pos, n := f.Progress(&draft{State: State{Step: "unit"}}); pos != 4 || n != 5 {
		t.Fatalf("progress = %d/%d", pos, n)
	}
}

func TestForm_Check(t *testing.T) {
	for _, bad := range []*Field[*draft]{
		{Name: "", Kind: Text, Max: 1},
		{Name: StepReview, Kind: Text, Max: 1},
		{Name: "x", Kind: Choice},
		{Name: "x", Kind: Pick},
		{Name: "x", Kind: Text},
		{Name: "x", Kind: Choice, Codes: []string{"Not-a-token"}},
		{Name: "x", Kind: Text, Max: 1, Extra: true},
	} {
		f := &Form[*draft]{Fields: []*Field[*draft]{bad}}
		if f.Check() == nil {
			t.Errorf("field %+v passed the check", bad)
		}
	}
}

// TestForm_Extra: extra fields are not asked in the sequence; the review
// card's More walks them, each skippable, Back goes back among them and
// from the first to the card; only answered ones get a line and an edit
// button.
func TestForm_Extra(t *testing.T) {
	r := newRun(t)
	r.f.Fields = append(r.f.Fields,
		&Field[*draft]{Name: "study", Kind: Text, Max: 50, Optional: true, Extra: true},
		&Field[*draft]{Name: "loops", Kind: Text, Max: 50, Optional: true, Extra: true})
	r.d.Values = Values{"name": "张三", "colours": "red", "more": "n", "unit": "1"}
	r.d.Step = "unit"
	r.press(ActChoose, "1")
	r.step("when")
	r.press(ActSkip, "")
	r.step(StepReview) // the extra fields were passed over
	if strings.Contains(r.shown(), "f_study") {
		t.Fatalf("an unanswered extra field on the card: %q", r.shown())
	}
	r.press(ActMore, "")
	r.step("study")
	if pos, n := r.f.Progress(r.d); pos != 1 || n != 2 {
		t.Fatalf("progress among the extra fields = %d/%d", pos, n)
	}
	r.press(ActBack, "")
	r.step(StepReview)
	r.press(ActMore, "")
	r.say("按时学习")
	r.step("loops")
	r.press(ActBack, "")
	r.step("study")
	r.press(ActSkip, "")
	r.step("loops")
	r.press(ActSkip, "")
	r.step(StepReview)
	if r.d.More || r.d.Get("study") != "" {
		t.Fatalf("after the walk: more %v, study %q", r.d.More, r.d.Get("study"))
	}
	r.press(ActMore, "")
	r.say("按时学习")
	r.press(ActSkip, "")
	r.step(StepReview)
	if !strings.Contains(r.shown(), "按时学习") || strings.Contains(r.shown(), "f_loops") {
		t.Fatalf("card = %q", r.shown())
	}
	r.press(ActEdit, "6") // study, answered: editable
	r.step("study")
	r.press(ActBack, "")
	r.press(ActEdit, "7") // loops, unanswered: only through More
	if r.tn.Resp.CallbackText != "此按钮已失效" {
		t.Fatal("an unanswered extra field was edited on its own")
	}
	r.press(ActConfirm, "")
	if r.d.done != 1 {
		t.Fatal("Done not run")
	}
}
