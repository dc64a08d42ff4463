// Package audit is /audit (STUB: being ported).
package audit

import (
	"embed"

	"github.com/huifang/huifang/handlers/kit"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what /audit needs of the database.
type Store interface{}

// Audit is the audit feature.
type Audit struct{ db Store }

// New builds the feature.
func New(db Store) *Audit { return &Audit{db: db} }

// Feature is how the dispatcher sees /audit.
func (a *Audit) Feature() kit.Feature {
	return kit.Feature{Name: "audit", Locales: locales, Cmds: []kit.Cmd{{Name: "audit", Run: todo}}}
}

func todo(t *kit.Turn, _ string) error { t.Say("unknown_command"); return nil }
