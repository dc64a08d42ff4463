package handlers

// Member, sanction and import flows (issue 3): /member, /sanction,
// /template and documents sent to the bot. Which step the wizard is at
// lives in RosterState; the rules and the scoping live in models.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// RosterState is the state of a member, sanction or import wizard. It
// holds ids and short answers only; an import keeps the Telegram file id
// and downloads the file again on confirm.
type RosterState struct {
	Kind string `json:"k,omitempty"` // one of the kind* constants
	Step string `json:"s,omitempty"`

	MemberID   uint64 `json:"m,omitempty"`
	MemberName string `json:"mn,omitempty"` // shown in prompts
	UnitID     uint64 `json:"u,omitempty"`
	UnitName   string `json:"un,omitempty"`
	Name       string `json:"n,omitempty"`
	Post       string `json:"p,omitempty"`
	Rank       string `json:"r,omitempty"`
	Key        bool   `json:"ky,omitempty"`
	KeyReason  string `json:"kr,omitempty"`
	Assignee   int64  `json:"as,omitempty"`

	SanctionID uint64 `json:"sid,omitempty"` // the sanction being lifted
	SKind      string `json:"sk,omitempty"`
	Probation  int    `json:"pm,omitempty"`
	DecisionNo string `json:"no,omitempty"`
	Decided    string `json:"dd,omitempty"` // "2006-01-02"
	Effective  string `json:"ed,omitempty"` // "2006-01-02"

	Reviewed bool `json:"rv,omitempty"` // the wizard has shown its review card

	FileID   string `json:"fi,omitempty"`
	FileName string `json:"fn,omitempty"`
}

// Kinds of roster wizard.
const (
	kindFind        = "find"    // typing a member to open
	kindMemberAdd   = "madd"    // /member add
	kindMemberEdit  = "medit"   // a member card and its edits
	kindSanctionAdd = "sadd"    // /sanction add
	kindImport      = "import"  // an import preview waiting for confirm
	stepAskMember   = "member"  // typing a member's name or number
	stepCard        = "card"    // the member card is shown
	stepRosterRev   = "review"  // the review card of a wizard
	stepConfirmImp  = "confirm" // the import preview
)

// rosterStore is what the roster flows need of the store beyond Store;
// *models.Store implements it. Every method scopes by the actor; every
// write is audited, its refusals (ErrForbidden) included.
type rosterStore interface {
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
	ListUsers(ctx context.Context, v models.Viewer) ([]models.UserRow, error)
	CreateMember(ctx context.Context, actor models.Viewer, in models.MemberInput) (models.Member, error)
	UpdateMember(ctx context.Context, actor models.Viewer, id uint64, p models.MemberPatch) (models.Member, error)
	CreateSanction(ctx context.Context, actor models.Viewer, in models.SanctionInput) (models.Sanction, error)
	LiftSanction(ctx context.Context, actor models.Viewer, sanctionID uint64, on time.Time, decisionNo string) error
	ImportRoster(ctx context.Context, actor models.Viewer, members []models.ImportMember, sanctions []models.ImportSanction, apply bool) (models.ImportResult, error)
}

// roster returns the store's roster methods.
func (s *session) roster() (rosterStore, error) { return s.a.store, nil }

// rosterCommand handles /member, /sanction and /template.
func (s *session) rosterCommand(name, args string) error {
	switch name {
	case "template":
		return s.cmdTemplate()
	case "sanction":
		return s.cmdSanction(args)
	}
	return s.cmdMember(args)
}

// cmdMember handles "/member", "/member add" and "/member <query>".
func (s *session) cmdMember(args string) error {
	if verb, name, _ := strings.Cut(args, " "); strings.EqualFold(verb, "add") || verb == "新增" {
		return s.startMemberAdd(strings.TrimSpace(name))
	}
	s.startRoster(&RosterState{Kind: kindFind, Step: stepAskMember})
	if args == "" {
		s.show(Message{Text: s.t.T("ro_ask_member"), Buttons: [][]Button{{s.btn(s.t.T("btn_cancel"), "cx", "")}}})
		return nil
	}
	return s.lookup(args, "mb", s.openMember)
}

// startRoster enters the roster flow with a fresh wizard state.
func (s *session) startRoster(r *RosterState) {
	s.st.Flow, s.st.Step, s.st.Choices, s.st.Roster = flowRoster, "", nil, r
}

// endRoster leaves the roster flow; a paused visit draft is kept.
func (s *session) endRoster() {
	s.st.Flow, s.st.Step, s.st.Choices, s.st.Roster = "", "", nil, nil
}

func (s *session) rosterText(text string) error {
	r := s.st.Roster
	if r == nil {
		s.endRoster()
		s.idleHint()
		return nil
	}
	switch r.Step {
	case stepAskMember, stepCard:
		// A name typed while a card is shown opens another member.
		return s.rosterMemberQuery(text)
	case stepConfirmImp:
		s.say("use_buttons")
		return nil
	}
	return s.rosterInput(text)
}

// rosterMemberQuery looks up the member a wizard is about.
func (s *session) rosterMemberQuery(text string) error {
	if s.st.Roster.Kind == kindSanctionAdd {
		return s.lookup(text, "mb", s.sanctionFor)
	}
	return s.lookup(text, "mb", s.openMember)
}

func (s *session) rosterButton(cb Callback) error {
	r := s.st.Roster
	switch {
	case cb.Action == "cx":
		s.endRoster()
		s.show(Message{Text: s.t.T("ro_cancelled")})
		return nil
	case r == nil:
		s.toast("button_expired")
		return nil
	case cb.Action == "mb":
		return s.rosterPicked(cb.Arg)
	case r.Kind == kindImport:
		return s.importButton(cb)
	case r.Kind == kindMemberEdit && r.Step == stepCard:
		return s.cardButton(cb)
	}
	return s.wizardButton(cb)
}

// rosterPicked opens the member chosen among several matches.
func (s *session) rosterPicked(arg string) error {
	id, ok := s.chosen(arg)
	if !ok {
		s.toast("button_expired")
		return nil
	}
	if s.st.Roster.Kind == kindSanctionAdd {
		return s.sanctionFor(id)
	}
	return s.openMember(id)
}

// rosterFail answers a models error the user can understand and reports
// whether it did; anything else is for the caller to return.
func (s *session) rosterFail(err error) bool {
	switch {
	case errors.Is(err, models.ErrForbidden):
		s.endRoster()
		s.say("ro_forbidden")
	case errors.Is(err, models.ErrNotFound):
		s.endRoster()
		s.say("member_gone")
	default:
		return false
	}
	return true
}

// canEditRoster reports whether the user's role may change members and
// sanctions (admins, and supervisors inside their subtree); models checks
// again and audits a refusal.
func (s *session) canEditRoster() bool {
	return s.user.Role == models.RoleAdmin || s.user.Role == models.RoleSupervisor
}

// refuseRoster answers a user whose role may not start a wizard. The
// refusal is audited by asking models for the change, empty, which it
// refuses (and audits) before looking at it.
func (s *session) refuseRoster(kind string) error {
	rs, err := s.roster()
	if err != nil {
		return err
	}
	if kind == kindSanctionAdd {
		_, err = rs.CreateSanction(s.ctx, s.viewer, models.SanctionInput{})
	} else {
		_, err = rs.CreateMember(s.ctx, s.viewer, models.MemberInput{})
	}
	if err != nil && !errors.Is(err, models.ErrForbidden) && !isInvalid(err) {
		return fmt.Errorf("audit refused roster change: %w", err)
	}
	s.endRoster()
	s.say("ro_forbidden")
	return nil
}

// ack sets the toast of a pressed button; typed answers have none.
func (s *session) ack(id string) {
	if s.in.Callback != "" {
		s.toast(id)
	}
}
