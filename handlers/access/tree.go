package access

import (
	"errors"
	"fmt"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// tree returns the units the viewer may see, by path.
func (a *Access) tree(t *kit.Turn) ([]models.Unit, error) {
	units, err := a.db.UnitTree(t.Ctx, t.Viewer)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil // a viewer whose unit is gone sees nothing
	}
	if err != nil {
		return nil, fmt.Errorf("load unit tree: %w", err)
	}
	return units, nil
}

// matchUnits finds the units of tree a typed text names
// (models.MatchUnits): only among the units the viewer may see, so that a
// unit outside the subtree is "not found", exactly like one that does not
// exist. The refusal says which text found nothing, or that it found more
// than can be offered.
func matchUnits(tree []models.Unit, q string) ([]models.Unit, *kit.Problem) {
	q = strings.TrimSpace(q)
	found := models.MatchUnits(tree, q)
	switch {
	case len(found) == 0:
		return nil, kit.Refuse("ac_unit_not_found", "Unit", kit.Esc(q))
	case len(found) > maxUnitButtons:
		return nil, kit.Refuse("ac_unit_too_many", "Unit", kit.Esc(q), "N", len(found))
	}
	return found, nil
}

// matchOptions are found units as buttons: each by its name, and by its
// parent's too where two found units share a name.
func matchOptions(tree, found []models.Unit) []wizard.Option {
	seen := map[string]int{}
	for _, u := range found {
		seen[u.Name]++
	}
	opts := make([]wizard.Option, len(found))
	for i, u := range found {
		label := u.Name
		if seen[u.Name] > 1 && u.ParentID != nil {
			if p, ok := unitByID(tree, *u.ParentID); ok {
				label += " · " + p.Name
			}
		}
		opts[i] = wizard.Option{Code: idCode(u.ID), Label: label}
	}
	return opts
}

func unitByID(tree []models.Unit, id uint64) (models.Unit, bool) {
	for _, u := range tree {
		if u.ID == id {
			return u, true
		}
	}
	return models.Unit{}, false
}

// depth is the depth of a unit's path ("/1/" has depth 2).
func depth(u models.Unit) int { return strings.Count(u.Path, "/") }

// treeBase is the depth of the shallowest unit: a viewer's tree starts at
// their own unit.
func treeBase(tree []models.Unit) int {
	base := -1
	for _, u := range tree {
		if d := depth(u); base < 0 || d < base {
			base = d
		}
	}
	return base
}

// within reports whether u lies in the subtree of top (top included).
func within(u, top models.Unit) bool { return strings.HasPrefix(u.Path, top.Path) }

// treeText renders units (ordered by path) indented by depth, with ids.
func treeText(t *kit.Turn, tree []models.Unit) string {
	if len(tree) == 0 {
		return t.T.T("ac_units_none")
	}
	var b strings.Builder
	b.WriteString(t.T.T("ac_units_title"))
	base := treeBase(tree)
	for _, u := range tree {
		indent := strings.Repeat("　", depth(u)-base)
		b.WriteString("\n" + t.T.T("ac_unit_line", "Indent", indent, "ID", u.ID, "Name", kit.Esc(u.Name)))
	}
	return b.String()
}
