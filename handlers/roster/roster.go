// Package roster is members, sanctions and imports (STUB: being ported).
package roster

import (
	"embed"

	"github.com/huifang/huifang/handlers/kit"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what the roster flows need of the database.
type Store interface{}

// Roster is the roster feature.
type Roster struct{ db Store }

// New builds the feature.
func New(db Store) *Roster { return &Roster{db: db} }

// Feature is how the dispatcher sees the roster feature.
func (r *Roster) Feature() kit.Feature {
	return kit.Feature{Name: "roster", Locales: locales, Cmds: []kit.Cmd{
		{Name: "member", Run: todo}, {Name: "sanction", Run: todo}, {Name: "template", Run: todo}}}
}

func todo(t *kit.Turn, _ string) error { t.Say("unknown_command"); return nil }
