package kit

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang/models"
)

// UnitTreeReader lists the units a viewer may see.
type UnitTreeReader interface {
	UnitTree(ctx context.Context, v models.Viewer) ([]models.Unit, error)
}

// PickScope finds the one unit, among those the asker may see, that q
// names as the scope of a report or an export (models.MatchScope). None
// or several are answered here, and the unit is nil.
func PickScope(t *Turn, db UnitTreeReader, q string) (*models.Unit, error) {
	units, err := db.UnitTree(t.Ctx, t.Viewer)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	found := models.MatchScope(units, q)
	switch len(found) {
	case 1:
		return &found[0], nil
	case 0:
		t.Say("scope_no_unit", "Q", Esc(q))
	default:
		names := make([]string, 0, min(len(found), MaxMatches))
		for _, u := range found[:min(len(found), MaxMatches)] {
			names = append(names, Esc(u.Name))
		}
		t.Say("scope_many_units", "Q", Esc(q), "Names", strings.Join(names, "、"))
	}
	return nil, nil
}
