package access

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// maxUserName is the length of a user's name, in characters (the column).
const maxUserName = 64

// cmdAddUser registers a user: /adduser <telegram id> <role> <unit> <name>.
// The unit is typed as anywhere; when it names several, they are offered
// as buttons. The store leaves the decision who may do this to its caller.
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
	name, nameErr := realName(strings.Join(f[3:], " "))
	if err != nil || id <= 0 || !okRole || nameErr != nil {
		t.Say("adduser_usage")
		return nil
	}
	if models.StartsFormula(name) {
		t.Say("text_formula")
		return nil
	}
	return a.open(t, &draft{Kind: kindAddUser, Role: string(role), UserID: id, UserName: name}, f[2])
}

// addUserTo adds the user of the form once its unit is chosen.
func (a *Access) addUserTo(t *kit.Turn, d *draft) error {
	unit, ok := chosen(d, fUnit)
	end(t)
	if !ok {
		writeFailed(t, models.ErrNotFound)
		return nil
	}
	role := models.Role(d.Role)
	u := models.User{TelegramID: d.UserID, Name: d.UserName, Role: role, UnitID: unit.ID, Lang: kit.LangZH}
	err := a.db.CreateUser(t.Ctx, t.Viewer, &u)
	if errors.Is(err, models.ErrDuplicate) {
		t.Show(kit.Message{Text: t.T.T("user_exists", "ID", d.UserID)})
		return nil
	}
	if err != nil {
		return fmt.Errorf("add user %d: %w", d.UserID, err)
	}
	t.Show(kit.Message{Text: t.T.T("user_added", "Name", kit.Esc(d.UserName), "ID", d.UserID,
		"Role", a.roleName(t, role), "Unit", kit.Esc(unit.Name))})
	return nil
}

// realName takes a person's name as typed: cleaned as the importer cleans
// a member's, one line of at most maxUserName characters holding at least
// one letter (a name, not a number or a sign).
func realName(text string) (string, error) {
	name := importer.CleanName(text)
	if name == "" || kit.RuneLen(name) > maxUserName || strings.IndexFunc(name, unicode.IsControl) >= 0 ||
		strings.IndexFunc(name, unicode.IsLetter) < 0 {
		return "", kit.Refuse("ac_user_name_invalid", "Max", maxUserName)
	}
	return name, nil
}

// parseUserName is realName as a form's parser.
func parseUserName(_ *draft, text string, _ time.Time) (string, error) { return realName(text) }

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
