package handlers

import (
	"errors"
	"strconv"
	"strings"

	"github.com/huifang/huifang/models"
)

// maxArgRunes bounds command arguments such as a searched name.
const maxArgRunes = 64

func (s *session) onCommand(name, args string) error {
	switch name {
	case "help":
		s.cmdHelp()
		return nil
	case "lang":
		return s.cmdLang(args)
	case "cancel":
		s.cmdCancel()
		return nil
	case "due", "digest":
		// Read-only lists: they leave a draft and its flow as they are.
		return s.remindCommand(name, args)
	}
	if !knownCommand(name) {
		s.say("unknown_command")
		return nil
	}
	if s.st.Flow == flowVisit && s.st.Draft != nil && name != "visit" {
		// Never lose a draft silently: ask first.
		s.st.Pending = "/" + name + " " + args
		s.send(Message{Text: s.t.T("pending_ask", "Name", esc(s.st.Draft.MemberName)), Buttons: [][]Button{
			{s.btn(s.t.T("pending_keep"), "pk", ""), s.btn(s.t.T("pending_drop"), "pd", "")},
			{s.btn(s.t.T("pending_resume"), "pr", "")},
		}})
		return nil
	}
	return s.runCommand(name, args)
}

func knownCommand(name string) bool {
	switch name {
	case "start", "visit", "status", "adduser", "help", "lang", "cancel",
		"units", "invite", "users", "revoke", "member", "sanction", "template", "history", "audit",
		"due", "digest", "settings", "holidays":
		return true
	}
	return false
}

func (s *session) runCommand(name, args string) error {
	switch name {
	case "start":
		s.st.Flow, s.st.Step = "", ""
		if args != "" {
			s.say("already_registered")
			return nil
		}
		s.send(s.menu(s.t.T("welcome", "Name", esc(s.displayName()), "Role", s.t.T("role_"+string(s.user.Role)))))
		return nil
	case "visit":
		if rest, ok := strings.CutPrefix(args, "edit"); ok && (rest == "" || rest[0] == ' ') {
			return s.cmdVisitEdit(strings.TrimSpace(rest))
		}
		return s.cmdVisit(args)
	case "history":
		return s.cmdHistory(args)
	case "audit":
		return s.cmdAudit(args)
	case "units", "invite", "users", "revoke":
		return s.accessCommand(name, args)
	case "due", "digest", "settings", "holidays":
		return s.remindCommand(name, args)
	case "member", "sanction", "template":
		return s.rosterCommand(name, args)
	case "status":
		return s.cmdStatus(args)
	case "adduser":
		return s.cmdAddUser(args)
	}
	return nil
}

// onPending answers the keep/drop question about a draft.
func (s *session) onPending(action string) error {
	pending := s.st.Pending
	s.st.Pending = ""
	if action == "pr" || pending == "" || s.st.Draft == nil {
		s.show(s.visitPrompt())
		return nil
	}
	if action == "pd" {
		s.st.Draft = nil
		s.show(Message{Text: s.t.T("draft_dropped")})
	} else {
		s.show(Message{Text: s.t.T("draft_kept")})
	}
	s.st.Flow, s.st.Step = "", ""
	name, args := splitCommand(strings.TrimSpace(pending))
	return s.runCommand(name, args)
}

func (s *session) displayName() string {
	if s.user.Name != "" {
		return s.user.Name
	}
	return s.in.FirstName
}

func (s *session) cmdHelp() {
	key := "help"
	if s.user.Role == models.RoleAdmin {
		key = "help_admin"
	}
	s.send(Message{Text: s.t.T(key)})
}

func (s *session) cmdCancel() {
	s.st.Pending = ""
	if s.st.Draft == nil && s.st.Flow == "" && s.st.Access == nil && s.st.Roster == nil {
		s.say("nothing_to_cancel")
		return
	}
	s.st.Draft, s.st.Flow, s.st.Step, s.st.Choices = nil, "", "", nil
	s.st.Access, s.st.Roster = nil, nil
	s.show(Message{Text: s.t.T("cancelled")})
}

func (s *session) cmdLang(args string) error {
	lang := strings.ToLower(strings.TrimSpace(args))
	if lang != LangZH && lang != LangEN {
		s.say("lang_usage")
		return nil
	}
	if s.user.ID == 0 {
		s.st.Lang = lang
	} else if err := s.a.store.SetUserLang(s.ctx, s.user.TelegramID, lang); err != nil {
		return err
	}
	s.user.Lang = lang
	s.t = s.a.cat.lang(lang)
	s.say("lang_set")
	return nil
}

// cmdAddUser registers a user: /adduser <telegram id> <role> <unit> <name>.
func (s *session) cmdAddUser(args string) error {
	if s.user.Role != models.RoleAdmin {
		s.say("admin_only")
		return nil
	}
	f := strings.Fields(args)
	if len(f) < 4 {
		s.say("adduser_usage")
		return nil
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	role, okRole := parseRole(f[1])
	name := strings.Join(f[3:], " ")
	if err != nil || id <= 0 || !okRole || runeLen(name) > 64 {
		s.say("adduser_usage")
		return nil
	}
	unit, err := s.a.store.FindUnitByName(s.ctx, f[2])
	switch {
	case errors.Is(err, models.ErrNotFound):
		s.say("unit_not_found", "Unit", esc(f[2]))
		return nil
	case errors.Is(err, models.ErrAmbiguous):
		s.say("unit_ambiguous", "Unit", esc(f[2]))
		return nil
	case err != nil:
		return err
	}
	u := models.User{TelegramID: id, Name: name, Role: role, UnitID: unit.ID, Lang: LangZH}
	err = s.a.store.CreateUser(s.ctx, s.viewer, &u)
	if errors.Is(err, models.ErrDuplicate) {
		s.say("user_exists", "ID", id)
		return nil
	}
	if err != nil {
		return err
	}
	s.say("user_added", "Name", esc(name), "ID", id, "Role", s.t.T("role_"+string(role)), "Unit", esc(unit.Name))
	return nil
}

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

func runeLen(s string) int { return len([]rune(s)) }
