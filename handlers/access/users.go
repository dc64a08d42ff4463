package access

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// cmdUsers lists the users of the viewer's subtree (supervisors and admins).
func (a *Access) cmdUsers(t *kit.Turn, args string) error {
	if args != "" {
		t.Say("ac_users_usage")
		return nil
	}
	rows, err := a.db.ListUsers(t.Ctx, t.Viewer)
	if errors.Is(err, models.ErrForbidden) {
		t.Say("ac_users_not_allowed")
		return nil
	}
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	if t.User.Role != models.RoleAdmin && t.User.Role != models.RoleSupervisor {
		t.Say("ac_users_not_allowed")
		return nil
	}
	if len(rows) == 0 {
		t.Say("ac_users_none")
		return nil
	}
	var b strings.Builder
	b.WriteString(t.T.T("ac_users_title", "N", len(rows)))
	for _, r := range rows {
		b.WriteString("\n" + t.T.T("ac_user_line", "Name", kit.Esc(r.Name), "Role", a.roleName(t, r.Role),
			"Unit", kit.Esc(r.UnitName), "ID", r.TelegramID))
	}
	m := kit.Message{Text: b.String()}
	if t.IsAdmin() {
		m.Text += "\n\n" + t.T.T("ac_users_rename_hint")
		m.Buttons = renameButtons(t, rows)
	}
	t.Send(m)
	return nil
}

// renameButtons are an admin's "✏️ name" buttons of a user list, two to
// a row, as long as there are few enough to offer (else /rename is typed).
func renameButtons(t *kit.Turn, rows []models.UserRow) [][]kit.Button {
	if len(rows) > maxUnitButtons {
		return nil
	}
	var btns []kit.Button
	for _, r := range rows {
		btns = append(btns, t.Btn("✏️ "+r.Name, NS, actRenameUser, strconv.FormatInt(r.TelegramID, 10)))
	}
	return wizard.Rows(btns, 2)
}

// actRenameUser is the action of a user list's name button; its argument
// is the user's Telegram id.
const actRenameUser = "nu"

// cmdRename handles /rename <telegram id> [name]: an admin corrects the
// name a user is registered under; without the name it is asked.
func (a *Access) cmdRename(t *kit.Turn, args string) error {
	idText, name, _ := strings.Cut(strings.TrimSpace(args), " ")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		t.Say("ac_rename_usage")
		return nil
	}
	if !t.IsAdmin() {
		return a.renameRefused(t, id)
	}
	if strings.TrimSpace(name) == "" {
		return a.askUserName(t, id)
	}
	return a.open(t, &draft{Kind: kindRenameUser, UserID: id}, name)
}

// renameRefused refuses a non-admin's renaming, through the store, which
// audits the refusal.
func (a *Access) renameRefused(t *kit.Turn, id int64) error {
	_, err := a.db.RenameUser(t.Ctx, t.Viewer, id, "")
	if err != nil && !errors.Is(err, models.ErrForbidden) {
		return fmt.Errorf("audit refused renaming of user %d: %w", id, err)
	}
	t.Say("ac_rename_not_allowed")
	return nil
}

// askUserName asks an admin for the new name of user id.
func (a *Access) askUserName(t *kit.Turn, id int64) error {
	if !t.IsAdmin() {
		return a.renameRefused(t, id)
	}
	u, err := a.db.FindUser(t.Ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("ac_revoke_not_found", "ID", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("find user %d: %w", id, err)
	}
	return a.open(t, &draft{Kind: kindRenameUser, UserID: id, UserName: u.Name}, "")
}

// renameUser saves the name the form was given.
func (a *Access) renameUser(t *kit.Turn, d *draft) error {
	end(t)
	u, err := a.db.RenameUser(t.Ctx, t.Viewer, d.UserID, d.Get(fName))
	switch {
	case errors.Is(err, models.ErrForbidden):
		t.Say("ac_rename_not_allowed")
	case errors.Is(err, models.ErrNotFound):
		t.Say("ac_revoke_not_found", "ID", d.UserID)
	case errors.Is(err, models.ErrInvalid):
		t.Say("ac_user_name_invalid", "Max", maxUserName)
	case err != nil:
		return kit.Saving(fmt.Errorf("rename user %d: %w", d.UserID, err))
	default:
		t.Show(kit.Message{Text: t.T.T("ac_user_renamed", "ID", u.TelegramID, "Name", kit.Esc(u.Name))})
	}
	return nil
}

// cmdRevoke handles /revoke <telegram id>: the user loses access at once
// and their conversation state (with any draft) is dropped.
func (a *Access) cmdRevoke(t *kit.Turn, args string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(args), 10, 64)
	switch {
	case err != nil || id <= 0:
		t.Say("ac_revoke_usage")
		return nil
	case id == t.User.TelegramID:
		t.Say("ac_revoke_self")
		return nil
	case t.IsAdmin() && a.admins[id]:
		t.Say("ac_revoke_configured", "ID", id)
		return nil
	}
	u, err := a.db.RevokeUser(t.Ctx, t.Viewer, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		t.Say("ac_revoke_not_found", "ID", id)
		return nil
	case errors.Is(err, models.ErrForbidden):
		t.Say("ac_revoke_not_allowed")
		return nil
	case errors.Is(err, models.ErrLastAdmin):
		t.Say("ac_revoke_last_admin")
		return nil
	case err != nil:
		return fmt.Errorf("revoke user %d: %w", id, err)
	}
	if err := a.dropState(t.Ctx, id); err != nil {
		// Access is gone already (the user is refused); the state expires
		// with its TTL and cannot be reached meanwhile.
		t.Env.Log.Error("drop state of revoked user", "user_id", id, "err", err)
	}
	t.Say("ac_revoked", "Name", kit.Esc(u.Name), "ID", id)
	return nil
}

// dropState deletes the conversation state of a user's private chat (its
// id is the user's id), trying again once if the user's own update saved
// it meanwhile.
func (a *Access) dropState(ctx context.Context, id int64) error {
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		var version int64
		_, version, err = a.states.Load(ctx, id, id)
		if errors.Is(err, models.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("load state of user %d: %w", id, err)
		}
		err = a.states.Delete(ctx, id, id, version)
		if err == nil || !errors.Is(err, models.ErrStale) {
			break
		}
	}
	if err == nil {
		return nil
	}
	return fmt.Errorf("delete state of user %d: %w", id, err)
}
