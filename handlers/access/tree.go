package access

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
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

// findUnit finds a unit of tree by id or exact name, as FindUnitByName
// does but only among the units the viewer may see: a unit outside the
// subtree is "not found", exactly like one that does not exist. The
// refusal says which.
func findUnit(tree []models.Unit, q string) (models.Unit, *kit.Problem) {
	q = strings.TrimSpace(q)
	if id, err := strconv.ParseUint(q, 10, 64); err == nil {
		if u, ok := unitByID(tree, id); ok {
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
		return models.Unit{}, kit.Refuse("ac_unit_not_found", "Unit", kit.Esc(q))
	case 1:
		return found[0], nil
	}
	return models.Unit{}, kit.Refuse("ac_unit_ambiguous", "Unit", kit.Esc(q))
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
