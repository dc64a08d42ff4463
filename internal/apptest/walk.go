package apptest

import (
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/handlers/wizard"
)

// Action is one user action: text to send, or the label of a button to
// press.
type Action struct {
	Press bool
	Text  string
}

// Driver is a chat a test drives: in process, or through the Bot API.
type Driver interface {
	Say(text string)
	Press(label string)
}

// Press marks an answer given by a button rather than typed: "press:今天".
const Press = "press:"

// ShortVisit answers every question of a visit of a member with one
// sanction, skipping what may be skipped: the shortest complete path.
var ShortVisit = map[string]string{
	"date": Press + "今天", "methods": "talk", "type": "talk", "inspectors": Press + "只有我",
	"thinking": "对处分认识到位", "work": "工作积极", "enforcement": "y",
	"conclusion": "good", "recommendation": "continue", "feedback": "y", "branch": "y", "next": Press + "采用",
}

// VisitScript is what a user does to answer the visit form with answers,
// field by field in the table's order, in Chinese: codes of choices become
// their labels, a missing optional answer is skipped, Press+label presses
// that button. Extra fields, which the sequence does not ask (the review
// card offers them), are left out. It stops at the review card.
func VisitScript(answers map[string]string) []Action { return VisitScriptFrom(answers, "") }

// VisitScriptFrom is VisitScript from the question of field from on (""
// from the first).
func VisitScriptFrom(answers map[string]string, from string) []Action {
	cat, err := kit.NewCatalogue(kit.Locales, visit.New(nil).Feature().Locales)
	if err != nil {
		panic(err)
	}
	tr := cat.Lang(kit.LangZH)
	d := &visit.Draft{Avail: []visit.SanctionBrief{{ID: 1}}}
	var out []Action
	press := func(label string) { out = append(out, Action{Press: true, Text: label}) }
	started := from == ""
	for _, f := range visit.Fields {
		v, given := answers[f.Name]
		d.Set(f.Name, v)
		started = started || f.Name == from
		if !started || f.Extra || f.Applies != nil && !f.Applies(d) {
			continue
		}
		switch {
		case strings.HasPrefix(v, Press):
			press(strings.TrimPrefix(v, Press))
		case !given && f.Optional:
			press(tr.T("btn_skip"))
		case f.Kind == wizard.Multi:
			for _, c := range wizard.Split(v) {
				press(tr.T(f.Labels + c))
			}
			press(tr.T("btn_done"))
		case f.Kind == wizard.Choice:
			press(tr.T(f.Labels + v))
		case f.Kind == wizard.YesNo && f.Labels == "":
			press(tr.YesNo(v == "y"))
		case f.Kind == wizard.YesNo:
			press(tr.T(f.Labels + v))
		default:
			out = append(out, Action{Text: v})
		}
	}
	return out
}

// WalkVisit answers the visit form through drv, up to the review card.
func WalkVisit(drv Driver, answers map[string]string) { WalkVisitFrom(drv, answers, "") }

// WalkVisitFrom is WalkVisit from the question of field from on.
func WalkVisitFrom(drv Driver, answers map[string]string, from string) {
	for _, a := range VisitScriptFrom(answers, from) {
		if a.Press {
			drv.Press(a.Text)
		} else {
			drv.Say(a.Text)
		}
	}
}
