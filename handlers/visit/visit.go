// Package visit is the visit record: logging a visit step by step, the
// review card, editing a saved visit and its history.
package visit

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Store is what the visit flows need of the database. Every method scopes
// by the viewer and writes its own audit row.
type Store interface {
	kit.MemberSearcher
	kit.UserFinder
	MemberSanctions(ctx context.Context, v models.Viewer, memberID uint64) (models.Member, string, []models.Sanction, error)
	CreateVisit(ctx context.Context, v models.Viewer, visit *models.Visit, sanctionIDs []uint64) (bool, error)
	GetVisit(ctx context.Context, v models.Viewer, id uint64) (models.Visit, []uint64, error)
	UpdateVisit(ctx context.Context, actor models.Viewer, id uint64, updated models.Visit, sanctionIDs []uint64, reason string, now time.Time) (models.VisitRevision, error)
	VisitHistory(ctx context.Context, v models.Viewer, id uint64) (models.Visit, []models.VisitRevision, error)
	ViewVisit(ctx context.Context, v models.Viewer, id uint64) (models.VisitRecord, error)
	ReviewVisit(ctx context.Context, v models.Viewer, id uint64, d models.ReviewDecision, now time.Time) (models.Visit, error)
	PendingReviews(ctx context.Context, v models.Viewer, limit int) ([]models.PendingVisit, int, error)
}

// NS is the callback namespace of the visit buttons; Flow the flow of
// typed answers.
const (
	NS   = "vi"
	Flow = "visit"
	part = "visit" // the draft's part of the conversation state
)

// Steps of the visit flow before a draft exists (State.Step).
const (
	stepMember = "member" // typing a name
	stepPick   = "pick"   // choosing among several members
)

// Actions of the visit's own buttons (the form's are wizard.Act*).
const (
	actMember = "mb" // arg: a member offered by a search
	actResume = "dr" // resume the unfinished draft
	actNew    = "dn" // drop it and start the typed /visit again
)

//go:embed locales/visit.*.toml
var locales embed.FS

// Visits is the visit feature.
type Visits struct {
	db        Store
	form      *wizard.Form[*Draft]
	ret       *wizard.Form[*returnDraft] // the comment of a return
	visitRows []VisitButtons
}

// New builds the visit feature over db.
func New(db Store) *Visits {
	v := &Visits{db: db}
	v.form = &wizard.Form[*Draft]{
		NS: NS, Fields: Fields,
		State:   func(d *Draft) *wizard.State { return &d.State },
		Heading: progress,
		Review:  v.reviewCard,
		Done:    v.confirm,
		Back:    v.backToMember,
		Cancel: func(t *kit.Turn, _ *Draft) error {
			end(t)
			t.Show(kit.Message{Text: t.T.T("cancelled")})
			return nil
		},
	}
	v.ret = v.returnForm()
	return v
}

// Feature is how the dispatcher sees the visit feature.
func (v *Visits) Feature() kit.Feature {
	return kit.Feature{
		Name: "visit",
		Cmds: []kit.Cmd{
			{Name: "visit", Run: v.cmdVisit, Menu: true},
			{Name: "history", Run: v.cmdHistory},
		},
		NS: NS, Button: v.button,
		Flows: []string{Flow}, Text: v.text,
		Unfinished: v.unfinished, Resume: v.resume, Drop: func(t *kit.Turn) { t.St.Drop(part) },
		Replay:  v.replay,
		Locales: locales,
	}
}

func draftOf(t *kit.Turn) *Draft { return kit.Part[Draft](t.St, part) }

func (v *Visits) unfinished(t *kit.Turn) (string, bool) {
	if d := draftOf(t); d != nil {
		return d.MemberName, true
	}
	return "", false
}

// resume shows the draft's current step again.
func (v *Visits) resume(t *kit.Turn) error {
	d := draftOf(t)
	if d == nil {
		return nil
	}
	t.St.Flow = Flow
	return v.ask(t, d)
}

// ask shows the draft's current step (the edit reason is asked outside the
// form).
func (v *Visits) ask(t *kit.Turn, d *Draft) error {
	if d.Step == stepEditReason {
		t.Show(v.editReasonPrompt(t, d))
		return nil
	}
	return v.form.Ask(t, d)
}

// cmdVisit answers /visit [name] and /visit edit <no>.
func (v *Visits) cmdVisit(t *kit.Turn, args string) error {
	if rest, ok := strings.CutPrefix(args, "edit"); ok && (rest == "" || rest[0] == ' ') {
		return v.cmdEdit(t, strings.TrimSpace(rest))
	}
	if id, ok := kit.ParseID(args); ok {
		return v.showVisit(t, id, "")
	}
	if kit.RuneLen(args) > kit.MaxArgRunes {
		t.Say("query_too_long", "Max", kit.MaxArgRunes)
		return nil
	}
	if d := draftOf(t); d != nil {
		t.St.Pending = "/visit " + args
		t.Show(kit.Message{Text: t.T.T("draft_exists", "Name", kit.Esc(d.MemberName)), Buttons: [][]kit.Button{
			{t.Btn(t.T.T("draft_resume"), NS, actResume, ""), t.Btn(t.T.T("draft_new"), NS, actNew, "")},
		}})
		return nil
	}
	t.St.Flow, t.St.Step, t.St.Choices = Flow, stepMember, nil
	if args == "" {
		t.Show(v.askMember(t))
		return nil
	}
	return v.memberSearch(t, args)
}

func (v *Visits) askMember(t *kit.Turn) kit.Message {
	return kit.Message{Text: t.T.T("ask_member"), Buttons: [][]kit.Button{{t.Btn(t.T.T("btn_cancel"), NS, wizard.ActCancel, "")}}}
}

// memberSearch looks a member up by name or number.
func (v *Visits) memberSearch(t *kit.Turn, q string) error {
	return kit.Lookup(t, v.db, q, NS, actMember, func(id uint64) error { return v.startDraft(t, id) }, func() {
		t.St.Step = stepPick
	})
}

// text handles typed text in the visit flow.
func (v *Visits) text(t *kit.Turn, text string) error {
	d := draftOf(t)
	switch {
	case d == nil:
		return v.memberSearch(t, text)
	case d.Step == stepEditReason:
		return v.typedEditReason(t, d, text)
	}
	return v.form.Text(t, d, text)
}

// button handles a pressed visit button.
func (v *Visits) button(t *kit.Turn, cb kit.Callback) error {
	d := draftOf(t)
	switch {
	case cb.Action == actResume || cb.Action == actNew:
		return v.onDraftChoice(t, cb.Action)
	case cb.Action == wizard.ActCancel && (d == nil || t.St.Flow != Flow):
		return t.RunCommand("cancel", "")
	case d == nil && cb.Action == actMember && t.St.Flow == Flow:
		id, ok := kit.Chosen(t, cb.Arg)
		if !ok {
			break
		}
		return v.startDraft(t, id)
	case d == nil:
	default:
		handled, err := v.form.Button(t, d, cb)
		if handled || err != nil {
			return err
		}
	}
	t.Toast("button_expired")
	return nil
}

// onDraftChoice answers "resume the draft, or drop it and start the typed
// /visit again".
func (v *Visits) onDraftChoice(t *kit.Turn, action string) error {
	pending := t.St.Pending
	t.St.Pending = ""
	if draftOf(t) == nil {
		t.Toast("button_expired")
		return nil
	}
	if action == actResume {
		return v.resume(t)
	}
	t.St.Drop(part)
	_, args, _ := strings.Cut(pending, " ")
	return v.cmdVisit(t, strings.TrimSpace(args))
}

// backToMember is Back before the first question: the member is asked again.
func (v *Visits) backToMember(t *kit.Turn, _ *Draft) error {
	t.St.Drop(part)
	t.St.Flow, t.St.Step = Flow, stepMember
	t.Show(v.askMember(t))
	return nil
}

// startDraft opens a new draft for a member the viewer may see.
func (v *Visits) startDraft(t *kit.Turn, memberID uint64) error {
	m, unit, sanctions, ok, err := v.loadMember(t, memberID)
	if !ok || err != nil {
		return err
	}
	return v.openDraft(t, m, unit, sanctions, 0)
}

// loadMember loads a member the viewer may see with their sanctions; ok is
// false when the user has been told the member cannot be shown.
func (v *Visits) loadMember(t *kit.Turn, memberID uint64) (models.Member, string, []models.Sanction, bool, error) {
	m, unit, sanctions, err := v.db.MemberSanctions(t.Ctx, t.Viewer, memberID)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("member_gone")
		return m, "", nil, false, nil
	}
	if err != nil {
		return m, "", nil, false, fmt.Errorf("load member %d: %w", memberID, err)
	}
	return m, unit, sanctions, true, nil
}

// newDraft is a draft about m with every sanction available.
func newDraft(t *kit.Turn, m models.Member, unit string, sanctions []models.Sanction) *Draft {
	d := &Draft{ID: newDraftID(), MemberID: m.ID, MemberName: m.Name, UnitName: unit, Key: m.Key, Me: t.DisplayName(),
		Rules: t.Env.Rules}
	if m.AssigneeID != nil {
		d.Interval = m.IntervalMonths
	}
	for _, sc := range sanctions {
		d.Avail = append(d.Avail, briefOf(sc))
	}
	return d
}

// openDraft starts the visit form for m. The only sanction, or else
// preselect when it is one of m's, is ticked.
func (v *Visits) openDraft(t *kit.Turn, m models.Member, unit string, sanctions []models.Sanction, preselect uint64) error {
	if len(sanctions) == 0 {
		t.St.Flow, t.St.Step, t.St.Choices = "", "", nil
		t.Say("no_sanctions", "Name", kit.Esc(m.Name))
		return nil
	}
	d := newDraft(t, m, unit, sanctions)
	if len(sanctions) == 1 {
		preselect = sanctions[0].ID
	}
	d.selectSanctions([]uint64{preselect})
	d.Step = v.form.Next(d, "")
	kit.SetPart(t.St, part, d)
	t.St.Flow, t.St.Step, t.St.Choices, t.St.Pending = Flow, "", nil, ""
	t.Send(kit.Message{Text: t.T.T("visit_started", "Name", kit.Esc(m.Name), "Unit", kit.Esc(unit))})
	m2, err := v.form.Prompt(t, d)
	if err != nil {
		return err
	}
	t.Send(m2)
	return nil
}

// Start opens the visit form for a member with a sanction preselected, as
// a reminder button asks. An unfinished draft of another visit is never
// dropped silently: the user chooses to resume it or to drop it (dropTag
// names the draft a "drop it" button was issued for).
func (v *Visits) Start(t *kit.Turn, memberID, sanctionID uint64, dropTag string) error {
	m, unit, sanctions, ok, err := v.loadMember(t, memberID)
	if !ok || err != nil {
		return err
	}
	if d := draftOf(t); d != nil && dropTag != "" && DraftTag(d.ID) == dropTag {
		t.St.Drop(part)
		t.Show(kit.Message{Text: t.T.T("draft_dropped")})
	}
	if d := draftOf(t); d != nil {
		if d.MemberID == memberID && d.EditOf == 0 {
			t.St.Flow, t.St.Pending = Flow, ""
			m, err := v.form.Prompt(t, d)
			if err != nil {
				return err
			}
			t.Send(m)
			return nil
		}
		return ErrDraftOpen{Member: m, Sanction: sanctionID, Draft: d.ID, DraftName: d.MemberName}
	}
	return v.openDraft(t, m, unit, sanctions, sanctionID)
}

// ErrDraftOpen is Start's answer when another draft is open: the caller
// offers to resume it or to drop it.
type ErrDraftOpen struct {
	Member    models.Member
	Sanction  uint64
	Draft     string
	DraftName string
}

func (e ErrDraftOpen) Error() string { return "another visit draft is open" }

// DraftTagLen is how much of a draft id a "drop it" button names.
const DraftTagLen = 8

// DraftTag is the part of a draft id a "drop it" button names.
func DraftTag(id string) string {
	if len(id) < DraftTagLen {
		return ""
	}
	return id[:DraftTagLen]
}

func newDraftID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

func idCode(id uint64) string { return strconv.FormatUint(id, 10) }

func fen(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// progress is the "[3/17] 张三" line above every question.
func progress(t *kit.Turn, d *Draft) string {
	pos, n := formOf(d).Progress(d)
	return t.T.T("progress", "Pos", pos, "N", n, "Name", kit.Esc(d.MemberName))
}
