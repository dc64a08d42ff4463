package handlers

// Units, invitations and users (issue 3): /units with its admin wizard,
// /invite and the redemption of codes, /users and /revoke.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// AccessState is the state of a units wizard. It keeps ids and one typed
// name, never lists.
type AccessState struct {
	Kind string `json:"k,omitempty"` // acTree, acAdd, acRename, acMove, acDelete
	Step string `json:"s,omitempty"` // acStepUnit, acStepName, acStepParent, acStepConfirm
	Unit uint64 `json:"u,omitempty"` // the unit being renamed, moved or deleted
	Name string `json:"n,omitempty"` // the name of the unit being added
}

// Kinds and steps of the units wizard.
const (
	acTree        = "tree"
	acAdd         = "add"
	acRename      = "rename"
	acMove        = "move"
	acDelete      = "delete"
	acStepUnit    = "unit"
	acStepName    = "name"
	acStepParent  = "parent"
	acStepConfirm = "confirm"
)

// accessStore is what the access flows need of the database beyond Store;
// *models.Store implements it. Every method scopes by the actor, checks
// the role and writes its own audit row (also of a refusal).
type accessStore interface {
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
	UnitName(ctx context.Context, id uint64) (string, error)
	CreateUnit(ctx context.Context, actor models.Viewer, name string, parentID *uint64) (models.Unit, error)
	RenameUnit(ctx context.Context, actor models.Viewer, id uint64, name string) error
	MoveUnit(ctx context.Context, actor models.Viewer, id, newParent uint64) error
	DeleteUnit(ctx context.Context, actor models.Viewer, id uint64) error
	CreateInvitation(ctx context.Context, actor models.Viewer, role models.Role, unitID uint64, ttl time.Duration, now time.Time) (models.Invitation, error)
	RedeemInvitation(ctx context.Context, code string, telegramID int64, name string, now time.Time) (models.User, models.Invitation, error)
	RevokeInvitation(ctx context.Context, actor models.Viewer, code string) error
	ListUsers(ctx context.Context, v models.Viewer) ([]models.UserRow, error)
	RevokeUser(ctx context.Context, actor models.Viewer, telegramID int64) (models.User, error)
}

// accessDB returns the store's access methods.
func (a *App) accessDB() (accessStore, error) { return a.store, nil }

// access is a session handling an access command or wizard step.
type access struct {
	*session
	db accessStore
}

func (s *session) access() (*access, error) {
	db, err := s.a.accessDB()
	if err != nil {
		return nil, err
	}
	return &access{session: s, db: db}, nil
}

// accessCommand handles /units, /invite, /users and /revoke.
func (s *session) accessCommand(name, args string) error {
	x, err := s.access()
	if err != nil {
		return err
	}
	if s.st.Flow == flowAccess {
		s.st.Flow, s.st.Access = "", nil
	}
	if runeLen(args) > maxArgRunes*2 {
		s.say("query_too_long", "Max", maxArgRunes*2)
		return nil
	}
	switch name {
	case "units":
		return x.cmdUnits(args)
	case "invite":
		return x.cmdInvite(args)
	case "users":
		return x.cmdUsers(args)
	case "revoke":
		return x.cmdRevoke(args)
	}
	s.say("unknown_command")
	return nil
}

// accessText handles typed text while a units wizard waits for it.
func (s *session) accessText(text string) error {
	acc := s.st.Access
	if acc == nil || acc.Kind == acTree || acc.Step == "" {
		s.st.Flow, s.st.Access = "", nil
		s.idleHint()
		return nil
	}
	x, err := s.access()
	if err != nil {
		return err
	}
	switch acc.Step {
	case acStepName:
		return x.typedName(text)
	case acStepUnit, acStepParent:
		return x.typedUnit(text)
	}
	return x.ask(s.t.T("ac_use_buttons"))
}

// accessButton handles the buttons of the units wizard. Actions: ua, ur,
// um, ud start adding, renaming, moving, deleting; uu picks a unit, ut
// picks "top level", uy confirms a deletion, ux cancels.
func (s *session) accessButton(cb Callback) error {
	if s.st.Access == nil {
		s.toast("button_expired")
		return nil
	}
	x, err := s.access()
	if err != nil {
		return err
	}
	switch cb.Action {
	case "ua", "ur", "um", "ud":
		return x.startUnitEdit(cb.Action)
	case "uu":
		if id, ok := parseID(cb.Arg); ok {
			return x.pickedUnit(id)
		}
	case "ut":
		if s.st.Access.Step == acStepParent {
			return x.topChosen()
		}
	case "uy":
		if s.st.Access.Kind == acDelete && s.st.Access.Step == acStepConfirm {
			return x.deleteUnit()
		}
	case "ux":
		s.st.Flow, s.st.Access = "", nil
		s.show(Message{Text: s.t.T("ac_cancelled")})
		return nil
	}
	s.toast("button_expired")
	return nil
}

// tree returns the units the viewer may see, by path.
func (x *access) tree() ([]models.Unit, error) {
	units, err := x.db.UnitTree(x.ctx, x.viewer)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil // a viewer whose unit is gone sees nothing
	}
	return units, err
}

// acFindUnit finds a unit of tree by id or exact name, as FindUnitByName does
// but only among the units the viewer may see: a unit outside the subtree
// is "not found", exactly like one that does not exist.
func acFindUnit(tree []models.Unit, q string) (models.Unit, error) {
	q = strings.TrimSpace(q)
	if id, err := strconv.ParseUint(q, 10, 64); err == nil {
		if u, ok := acUnitByID(tree, id); ok {
			return u, nil
		}
	}
	var found []models.Unit
	for _, u := range tree {
		if u.Name == q {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return models.Unit{}, models.ErrNotFound
	case 1:
		return found[0], nil
	}
	return models.Unit{}, models.ErrAmbiguous
}

func acUnitByID(tree []models.Unit, id uint64) (models.Unit, bool) {
	for _, u := range tree {
		if u.ID == id {
			return u, true
		}
	}
	return models.Unit{}, false
}

// unitLookupNote explains a failed acFindUnit; ok is false for any other
// error (or none).
func (x *access) unitLookupNote(err error, q string) (string, bool) {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return x.t.T("ac_unit_not_found", "Unit", esc(q)), true
	case errors.Is(err, models.ErrAmbiguous):
		return x.t.T("ac_unit_ambiguous", "Unit", esc(q)), true
	}
	return "", false
}

// dateTime renders an instant in the office's zone.
func (x *access) dateTime(t time.Time) string {
	t = t.In(x.a.loc)
	if x.t.lang == LangEN {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("2006年1月2日 15:04")
}

func (x *access) roleName(r models.Role) string { return x.t.T("role_" + string(r)) }
