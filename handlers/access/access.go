// Package access is who may use the bot and where they belong: the unit
// tree with its admin wizard (/units), invitations (/invite and their
// redemption by newcomers, who give their real name first), the users of
// a subtree (/users, /revoke, /rename) and /adduser.
package access

import (
	"context"
	"embed"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what the access flows need of the database. Every method scopes
// by the actor, checks the role and writes its own audit row (also of a
// refusal), except CreateUser, whose caller decides who may call it.
type Store interface {
	kit.UserFinder
	SetUserLang(ctx context.Context, telegramID int64, lang string) error
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
	UnitName(ctx context.Context, id uint64) (string, error)
	CreateUnit(ctx context.Context, actor models.Viewer, name string, parentID *uint64) (models.Unit, error)
	RenameUnit(ctx context.Context, actor models.Viewer, id uint64, name string) error
	MoveUnit(ctx context.Context, actor models.Viewer, id, newParent uint64) error
	UnitInUse(ctx context.Context, actor models.Viewer, id uint64) error
	DeleteUnit(ctx context.Context, actor models.Viewer, id uint64) error
	CreateInvitation(ctx context.Context, actor models.Viewer, role models.Role, unitID uint64, boundTo int64, ttl time.Duration, now time.Time) (models.Invitation, error)
	CheckInvitation(ctx context.Context, code string, telegramID int64, now time.Time) (models.Invitation, error)
	RedeemInvitation(ctx context.Context, code string, telegramID int64, name string, now time.Time) (models.User, models.Invitation, error)
	RevokeInvitation(ctx context.Context, actor models.Viewer, code string) error
	ListUsers(ctx context.Context, v models.Viewer) ([]models.UserRow, error)
	RevokeUser(ctx context.Context, actor models.Viewer, telegramID int64) (models.User, error)
	RenameUser(ctx context.Context, actor models.Viewer, telegramID int64, name string) (models.User, error)
	CreateUser(ctx context.Context, actor models.Viewer, u *models.User) error
}

// States is what /revoke needs of the conversation state store: a revoked
// user's state (with any draft) is deleted at once. models.StateStore
// implements it.
type States interface {
	Load(ctx context.Context, chatID, userID int64) (data []byte, version int64, err error)
	Delete(ctx context.Context, chatID, userID int64, version int64) error
}

// NS is the callback namespace of the access buttons; Flow the flow of the
// units wizard's typed answers.
const (
	NS   = "ac"
	Flow = "access"
	part = "units" // the units wizard's part of the conversation state
)

// maxArgs bounds the arguments of the access commands, in characters
// (a unit name with a role, or an invitation code).
const maxArgs = kit.MaxArgRunes * 2

// Access is the access feature.
type Access struct {
	db     Store
	states States
	admins map[int64]bool // configured in HUIFANG_ADMINS: never revoked here
	forms  map[string]*form
	join   *joinForm // a newcomer's name and confirmation (redeem.go)
}

// New builds the feature over db; states is where /revoke drops the
// revoked user's conversation, admins the administrators configured
// outside the users table.
func New(db Store, states States, admins []int64) *Access {
	a := &Access{db: db, states: states, admins: make(map[int64]bool, len(admins))}
	for _, id := range admins {
		a.admins[id] = true
	}
	a.forms = a.unitForms()
	a.join = a.newJoinForm()
	return a
}

// Feature is how the dispatcher sees the access feature.
func (a *Access) Feature() kit.Feature {
	return kit.Feature{
		Name: "access",
		// Every command, button and typed answer here is an
		// administrator's action (users, units, invitations).
		Cmds: []kit.Cmd{
			{Name: "units", Run: a.command(a.cmdUnits), Menu: true, Admin: true},
			{Name: "invite", Run: a.command(a.cmdInvite), Menu: true, Admin: true},
			{Name: "users", Run: a.command(a.cmdUsers), Menu: true, Admin: true},
			{Name: "revoke", Run: a.command(a.cmdRevoke), Admin: true},
			{Name: "adduser", Run: a.command(a.cmdAddUser), Admin: true},
			{Name: "rename", Run: a.command(a.cmdRename), Admin: true},
		},
		NS: NS, Button: a.button,
		Flows: []string{Flow}, Text: a.text,
		AdminButton: kit.AllButtons, AdminText: true,
		Locales: locales,
	}
}

// command wraps the commands of units, invitations and users: each ends a
// units wizard in progress, and their arguments are bounded.
func (a *Access) command(run func(t *kit.Turn, args string) error) func(t *kit.Turn, args string) error {
	return func(t *kit.Turn, args string) error {
		if t.St.Flow == Flow {
			end(t)
		}
		if kit.RuneLen(args) > maxArgs {
			t.Say("query_too_long", "Max", maxArgs)
			return nil
		}
		return run(t, args)
	}
}

func (a *Access) roleName(t *kit.Turn, r models.Role) string { return t.T.T("role_" + string(r)) }
