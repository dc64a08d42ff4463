// Package remind is reminders and digests (STUB: being ported).
package remind

import (
	"context"
	"embed"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what reminders need of the database.
type Store interface{}

// Remind is the reminders feature.
type Remind struct {
	db     Store
	visits *visit.Visits
}

// New builds the feature.
func New(db Store, visits *visit.Visits) *Remind { return &Remind{db: db, visits: visits} }

// Feature is how the dispatcher sees the reminders feature.
func (r *Remind) Feature() kit.Feature {
	return kit.Feature{Name: "remind", Locales: locales, Cmds: []kit.Cmd{
		{Name: "due", Run: todo, Keeps: true}, {Name: "digest", Run: todo, Keeps: true},
		{Name: "settings", Run: todo}, {Name: "holidays", Run: todo}}}
}

// Render renders a delivery for user.
func (r *Remind) Render(ctx context.Context, env *kit.Env, user models.User, d models.Delivery) (kit.Message, error) {
	return kit.Message{}, nil
}

func todo(t *kit.Turn, _ string) error { t.Say("unknown_command"); return nil }
