// Package roster is the roster of members and their sanctions: /member
// (find a member, their card and its edits), /member add, /sanction add,
// /template and roster files sent to the bot (import preview, then
// confirm). Every question is a wizard form; the member card is a message
// with its own buttons.
package roster

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Store is what the roster flows need of the database (models/sqlstore
// implements it). Every method scopes by the actor; every write is audited,
// its refusals (ErrForbidden) included.
type Store interface {
	kit.MemberSearcher
	kit.UserFinder
	MemberSanctions(ctx context.Context, v models.Viewer, memberID uint64) (models.Member, string, []models.Sanction, error)
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
	ListUsers(ctx context.Context, v models.Viewer) ([]models.UserRow, error)
	CreateMember(ctx context.Context, actor models.Viewer, in models.MemberInput) (models.Member, error)
	UpdateMember(ctx context.Context, actor models.Viewer, id uint64, p models.MemberPatch) (models.Member, error)
	CreateSanction(ctx context.Context, actor models.Viewer, in models.SanctionInput) (models.Sanction, error)
	LiftSanction(ctx context.Context, actor models.Viewer, sanctionID uint64, on time.Time, decisionNo string) error
	ExtendProbation(ctx context.Context, actor models.Viewer, sanctionID uint64, decisionNo string) error
	ImportRoster(ctx context.Context, actor models.Viewer, members []models.ImportMember, sanctions []models.ImportSanction, parsed []models.ImportRejection, apply bool) (models.ImportResult, error)
}

// NS is the callback namespace of the roster buttons; Flow the flow of
// typed answers.
const (
	NS   = "ro"
	Flow = "roster"
	part = "roster" // the draft's part of the conversation state
)

// Actions of the roster's own buttons (the forms' are wizard.Act*).
const (
	actMember   = "mb" // arg: a member offered by a search
	actField    = "fe" // card: edit a member field; arg: its name
	actMarkKey  = "ky" // card: mark as a key target (asks the reason)
	actUnmark   = "uk" // card: no longer a key target
	actAssign   = "am" // card: assign the inspector of interactive visits
	actSanction = "sa" // card: record a sanction of the member
	actLift     = "lf" // card: record the end of a sanction (restore rights, lift); arg: its id
	actExtend   = "ex" // card: extend a probation by a year; arg: its id
	actAppraise = "ap" // card: record the unit's appraisal
	actImport   = "im" // import preview: write it
)

// Kinds of draft: what the roster flow is doing.
const (
	kindFind     = "find"   // typing a member to open
	kindCard     = "card"   // a member card, and a field of it being edited
	kindAdd      = "add"    // /member add
	kindSanction = "sadd"   // /sanction add (typing the member until MemberID is set)
	kindAssign   = "assign" // assigning the inspector of interactive visits
	kindLift     = "lift"   // recording the end of a sanction, or extending a probation (Draft.End)
	kindAppraise = "apr"    // recording the unit's appraisal
	kindImport   = "import" // an import preview waiting for confirm
)

// Draft is the roster's part of the conversation state: what is being
// done, about whom, and the answers of its form (wizard.State). It holds
// ids and short answers only; an import keeps the Telegram file id (its
// parse is kept in process, see parse.go).
type Draft struct {
	wizard.State
	Kind       string `json:"k"`
	MemberID   uint64 `json:"m,omitempty"`
	MemberName string `json:"mn,omitempty"` // shown in headings
	UnitName   string `json:"un,omitempty"` // the member's unit, named beside the name where two members may share it (/sanction add)
	UnitID     uint64 `json:"u,omitempty"`  // the member's unit, for the assignees
	Assignee   int64  `json:"as,omitempty"` // the member's inspector of interactive visits
	SanctionID uint64 `json:"sid,omitempty"`
	SKind      string `json:"sk,omitempty"` // kind of the sanction being lifted
	SanctionNo string `json:"sn,omitempty"` // its decision number
	Decided    string `json:"dd,omitempty"` // its decision date (kit.DateLayout)
	PeriodEnd  string `json:"pe,omitempty"` // its period's last day (kit.DateLayout)
	End        string `json:"en,omitempty"` // endRestore, endLift or endExtend
	Rank       string `json:"rk,omitempty"` // the member's current personnel category (/sanction add)
	FileID     string `json:"fi,omitempty"`
	FileName   string `json:"fn,omitempty"`
}

//go:embed locales/*.toml
var locales embed.FS

// Roster is the roster feature.
type Roster struct {
	db Store
	// member is the member form of /member add; memberEdit is the same
	// table edited one field at a time from a card, whose Back returns to
	// the card (a /member add has nothing before its first question).
	member, memberEdit *wizard.Form[*Draft]
	sanction           *wizard.Form[*Draft]
	assign, appraise   *wizard.Form[*Draft]
	ends               map[string]*wizard.Form[*Draft] // by Draft.End
	parsed             parsedFiles                     // import previews' parses, for their confirm
}

// New builds the roster feature over db.
func New(db Store) *Roster {
	r := &Roster{db: db}
	r.member = r.memberForm()
	edit := *r.member
	edit.Heading, edit.Back = editHeading, r.backToCard
	r.memberEdit = &edit
	r.sanction = r.sanctionForm()
	r.assign = r.assignForm()
	r.appraise = r.appraisalForm()
	r.ends = r.endForms()
	return r
}

// Feature is how the dispatcher sees the roster feature.
func (r *Roster) Feature() kit.Feature {
	return kit.Feature{
		Name: "roster",
		Cmds: []kit.Cmd{
			{Name: "member", Run: r.cmdMember, Menu: true},
			{Name: "sanction", Run: r.cmdSanction},
			{Name: "template", Run: r.cmdTemplate},
		},
		NS: NS, Button: r.button,
		Flows: []string{Flow}, Text: r.text,
		Document: r.document,
		// Imports are an administrator's action: the file and its
		// confirmation.
		AdminDocument: true,
		AdminButton:   func(cb kit.Callback) bool { return cb.Action == actImport },
		Locales:       locales,
	}
}

func draftOf(t *kit.Turn) *Draft { return kit.Part[Draft](t.St, part) }

// start enters the roster flow with a fresh draft.
func start(t *kit.Turn, d *Draft) {
	kit.SetPart(t.St, part, d)
	t.St.Flow, t.St.Step, t.St.Choices = Flow, "", nil
}

// end leaves the roster flow; a paused visit draft is kept.
func end(t *kit.Turn) {
	t.St.Drop(part)
	t.St.Flow, t.St.Step, t.St.Choices = "", "", nil
}

// formOf is the form a draft is answering, or nil (a card, a search, an
// import preview).
func (r *Roster) formOf(d *Draft) *wizard.Form[*Draft] {
	switch {
	case d.Kind == kindAdd:
		return r.member
	case d.Kind == kindCard && d.Step != "":
		return r.memberEdit
	case d.Kind == kindSanction && d.MemberID != 0:
		return r.sanction
	case d.Kind == kindAssign:
		return r.assign
	case d.Kind == kindLift:
		return r.ends[d.End]
	case d.Kind == kindAppraise:
		return r.appraise
	}
	return nil
}

// cmdMember answers "/member", "/member add [name]" and "/member <query>".
func (r *Roster) cmdMember(t *kit.Turn, args string) error {
	if verb, name, _ := strings.Cut(args, " "); strings.EqualFold(verb, "add") || verb == "新增" {
		return r.startAdd(t, strings.TrimSpace(name))
	}
	start(t, &Draft{Kind: kindFind})
	if args == "" {
		t.Show(kit.Message{Text: t.T.T("ro_ask_member"), Buttons: [][]kit.Button{{cancelButton(t)}}})
		return nil
	}
	return r.findMember(t, args)
}

func cancelButton(t *kit.Turn) kit.Button {
	return t.Btn(t.T.T("btn_cancel"), NS, wizard.ActCancel, "")
}

// findMember looks up a member to show their card.
func (r *Roster) findMember(t *kit.Turn, q string) error {
	return kit.Lookup(t, r.db, q, NS, actMember, func(id uint64) error { return r.showCard(t, id, "") }, nil)
}

// text handles typed text in the roster flow.
func (r *Roster) text(t *kit.Turn, text string) error {
	d := draftOf(t)
	switch {
	case d == nil:
		// The draft was lost (an unreadable state): the text is a search.
		start(t, &Draft{Kind: kindFind})
		return r.findMember(t, text)
	case d.Kind == kindImport:
		// Typing expired the preview's buttons: offer them again.
		t.Send(kit.Message{Text: t.T.T("use_buttons"), Buttons: importButtons(t)})
		return nil
	case d.Kind == kindSanction && d.MemberID == 0:
		return kit.Lookup(t, r.db, text, NS, actMember, func(id uint64) error { return r.sanctionFor(t, id) }, nil)
	}
	if f := r.formOf(d); f != nil {
		return f.Text(t, d, text)
	}
	// A name typed at a card opens that member.
	return r.findMember(t, text)
}

// button handles a pressed roster button.
func (r *Roster) button(t *kit.Turn, cb kit.Callback) error {
	d := draftOf(t)
	switch {
	case cb.Action == wizard.ActCancel:
		return r.cancel(t, d)
	case d == nil:
	case cb.Action == actMember:
		return r.picked(t, d, cb.Arg)
	case d.Kind == kindImport && cb.Action == actImport:
		return r.runImport(t, d, true)
	case d.Kind == kindCard && d.Step == "":
		return r.cardButton(t, d, cb)
	default:
		if f := r.formOf(d); f != nil {
			handled, err := f.Button(t, d, cb)
			if handled || err != nil {
				return err
			}
		}
	}
	t.Toast("button_expired")
	return nil
}

// picked opens the member chosen among several matches.
func (r *Roster) picked(t *kit.Turn, d *Draft, arg string) error {
	id, ok := kit.Chosen(t, arg)
	if !ok {
		t.Toast("button_expired")
		return nil
	}
	if d.Kind == kindSanction {
		return r.sanctionFor(t, id)
	}
	return r.showCard(t, id, "")
}

// cancel ends whatever the roster flow was doing; nothing is saved.
func (r *Roster) cancel(t *kit.Turn, d *Draft) error {
	if d != nil && d.Kind == kindImport {
		r.parsed.drop(parsedKeyOf(t, d))
	}
	end(t)
	t.Show(kit.Message{Text: t.T.T("ro_cancelled")})
	return nil
}

// failed answers a store error that ends the flow and reports whether it
// did; anything else is for the caller.
func failed(t *kit.Turn, err error) bool {
	switch {
	case errors.Is(err, models.ErrForbidden):
		end(t)
		t.Say("ro_forbidden")
	case errors.Is(err, models.ErrNotFound):
		end(t)
		t.Say("member_gone")
	default:
		return false
	}
	return true
}

// canEdit reports whether the user's role may change members and
// sanctions (admins, and supervisors inside their subtree); models checks
// again and audits a refusal.
func canEdit(t *kit.Turn) bool {
	return t.User.Role == models.RoleAdmin || t.User.Role == models.RoleSupervisor
}

// refuse answers a user whose role may not start a wizard. The refusal is
// audited by asking models for the change, empty, which it refuses (and
// audits) before looking at it.
func (r *Roster) refuse(t *kit.Turn, sanction bool) error {
	var err error
	if sanction {
		_, err = r.db.CreateSanction(t.Ctx, t.Viewer, models.SanctionInput{})
	} else {
		_, err = r.db.CreateMember(t.Ctx, t.Viewer, models.MemberInput{})
	}
	if err != nil && !errors.Is(err, models.ErrForbidden) && !errors.Is(err, models.ErrInvalid) {
		return fmt.Errorf("audit refused roster change: %w", err)
	}
	end(t)
	t.Say("ro_forbidden")
	return nil
}
