package roster

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// maxUnitButtons is how many units are offered as buttons at once; with
// more, the user types a unit's name or number.
const maxUnitButtons = 30

// indent marks one level of a unit below the shallowest unit offered.
const indent = "· "

// subtreeUnits lists the units the viewer may put members in.
func (r *Roster) subtreeUnits(t *kit.Turn) ([]models.Unit, error) {
	units, err := r.db.UnitTree(t.Ctx, t.Viewer)
	if err != nil {
		return nil, fmt.Errorf("unit tree: %w", err)
	}
	return units, nil
}

// unitOptions offers the viewer's units.
func (r *Roster) unitOptions(t *kit.Turn, _ *Draft) ([]wizard.Option, error) {
	units, err := r.subtreeUnits(t)
	if err != nil {
		return nil, err
	}
	return unitList(units), nil
}

// unitList labels units indented by depth under the shallowest one.
func unitList(units []models.Unit) []wizard.Option {
	top := -1
	for _, u := range units {
		if d := strings.Count(u.Path, "/"); top < 0 || d < top {
			top = d
		}
	}
	opts := make([]wizard.Option, len(units))
	for i, u := range units {
		label := strings.Repeat(indent, max(0, strings.Count(u.Path, "/")-top)) + u.Name
		opts[i] = wizard.Option{Code: strconv.FormatUint(u.ID, 10), Label: label}
	}
	return opts
}

// resolveUnit finds a typed unit among the viewer's units by the rule
// every unit question follows (models.MatchUnits: a number, a name, a
// part of it, its pinyin), the first maxUnitButtons of them. A unit
// outside them is "not found", exactly like an absent one.
func (r *Roster) resolveUnit(t *kit.Turn, _ *Draft, q string) ([]wizard.Option, error) {
	units, err := r.subtreeUnits(t)
	if err != nil {
		return nil, err
	}
	found := models.MatchUnits(units, q)
	if len(found) == 0 {
		return nil, kit.Refuse("ro_unit_not_found", "Unit", kit.Esc(q))
	}
	return unitList(found[:min(len(found), maxUnitButtons)]), nil
}

// showUnit is the unit's name: the label it was picked by, without the
// indentation of its button.
func showUnit(tr kit.Tr, d *Draft) string {
	label, ok := d.Labels["unit"]
	if !ok {
		if d.Get("unit") == "" {
			return tr.T("none")
		}
		return kit.Esc(d.Get("unit"))
	}
	for strings.HasPrefix(label, indent) {
		label = label[len(indent):]
	}
	return kit.Esc(label)
}
