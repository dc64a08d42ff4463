package access

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// cmdAddUser registers a user: /adduser <telegram id> <role> <unit> <name>.
// The store leaves the decision who may do this to its caller.
func (a *Access) cmdAddUser(t *kit.Turn, args string) error {
	if !t.IsAdmin() {
		t.Say("admin_only")
		return nil
	}
	f := strings.Fields(args)
	if len(f) < 4 {
		t.Say("adduser_usage")
		return nil
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	role, okRole := parseRole(f[1])
	name := strings.Join(f[3:], " ")
	if err != nil || id <= 0 || !okRole || kit.RuneLen(name) > kit.MaxArgRunes {
		t.Say("adduser_usage")
		return nil
	}
	if models.StartsFormula(name) {
		t.Say("text_formula")
		return nil
	}
	unit, err := a.db.FindUnitByName(t.Ctx, f[2])
	switch {
	case errors.Is(err, models.ErrNotFound):
		t.Say("unit_not_found", "Unit", kit.Esc(f[2]))
		return nil
	case errors.Is(err, models.ErrAmbiguous):
		t.Say("unit_ambiguous", "Unit", kit.Esc(f[2]))
		return nil
	case err != nil:
		return fmt.Errorf("find unit of new user: %w", err)
	}
	u := models.User{TelegramID: id, Name: name, Role: role, UnitID: unit.ID, Lang: kit.LangZH}
	err = a.db.CreateUser(t.Ctx, t.Viewer, &u)
	if errors.Is(err, models.ErrDuplicate) {
		t.Say("user_exists", "ID", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("add user %d: %w", id, err)
	}
	t.Say("user_added", "Name", kit.Esc(name), "ID", id, "Role", a.roleName(t, role), "Unit", kit.Esc(unit.Name))
	return nil
}

// parseRole reads a role as typed, in English or Chinese.
func parseRole(s string) (models.Role, bool) {
	switch strings.ToLower(s) {
	case "admin", "管理员":
		return models.RoleAdmin, true
	case "supervisor", "分管领导", "负责人":
		return models.RoleSupervisor, true
	case "inspector", "回访员", "回访人员":
		return models.RoleInspector, true
	}
	return "", false
}
