// Package access is units, invitations and users (STUB: being ported).
package access

import (
	"context"
	"embed"

	"github.com/huifang/huifang/handlers/kit"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what the access flows need of the database.
type Store interface{}

// Access is the access feature.
type Access struct{ db Store }

// New builds the feature.
func New(db Store) *Access { return &Access{db: db} }

// Feature is how the dispatcher sees the access feature.
func (a *Access) Feature() kit.Feature {
	return kit.Feature{Name: "access", Locales: locales, Cmds: []kit.Cmd{
		{Name: "units", Run: todo}, {Name: "invite", Run: todo}, {Name: "users", Run: todo},
		{Name: "revoke", Run: todo}, {Name: "adduser", Run: todo}}}
}

// Redeem answers a stranger who sends an invitation code.
func (a *Access) Redeem(ctx context.Context, env *kit.Env, in kit.Input) (kit.Response, bool) {
	return kit.Response{}, false
}

func todo(t *kit.Turn, _ string) error { t.Say("unknown_command"); return nil }
