package handlers

import (
	"embed"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var coreLocales embed.FS

// coreNS is the callback namespace of the main menu and of the question
// about unsaved work.
const coreNS = "m"

// Actions of the core buttons.
const (
	actMenu   = "mn" // arg: visit, status, help
	actKeep   = "pk" // keep the draft, run the pending command
	actDrop   = "pd" // drop the draft, run the pending command
	actResume = "pr" // go back to the draft
)

// core is the feature of what every user has: /start, /help, /lang,
// /cancel, the main menu.
func core(a *App) kit.Feature {
	return kit.Feature{
		Name: "core",
		Cmds: []kit.Cmd{
			{Name: "start", Run: cmdStart},
			{Name: "help", Run: cmdHelp, Keeps: true},
			{Name: "lang", Run: a.cmdLang, Keeps: true},
			{Name: "cancel", Run: cmdCancel, Keeps: true},
		},
		NS: coreNS, Button: a.coreButton,
		Locales: coreLocales,
	}
}

func cmdStart(t *kit.Turn, args string) error {
	t.St.Flow, t.St.Step = "", ""
	if args != "" {
		t.Say("already_registered")
		return nil
	}
	t.Send(mainMenu(t, t.T.T("welcome", "Name", kit.Esc(t.DisplayName()), "Role", t.T.T("role_"+string(t.User.Role)))))
	return nil
}

// mainMenu is the main menu message with the given heading.
func mainMenu(t *kit.Turn, heading string) kit.Message {
	return kit.Message{Text: heading, Buttons: [][]kit.Button{
		{t.Btn(t.T.T("menu_visit"), coreNS, actMenu, "visit"), t.Btn(t.T.T("menu_status"), coreNS, actMenu, "status")},
		{t.Btn(t.T.T("menu_help"), coreNS, actMenu, "help")},
	}}
}

func cmdHelp(t *kit.Turn, _ string) error {
	key := "help"
	switch t.User.Role {
	case models.RoleAdmin:
		key = "help_admin"
	case models.RoleSupervisor:
		key = "help_supervisor"
	}
	t.Send(kit.Message{Text: t.T.T(key)})
	return nil
}

func (a *App) cmdLang(t *kit.Turn, args string) error {
	lang := strings.ToLower(strings.TrimSpace(args))
	if lang != LangZH && lang != LangEN {
		t.Say("lang_usage")
		return nil
	}
	if t.User.ID == 0 {
		t.St.Lang = lang
	} else if err := a.store.SetUserLang(t.Ctx, t.User.TelegramID, lang); err != nil {
		return err
	}
	t.SetLang(lang)
	t.Say("lang_set")
	return nil
}

// cmdCancel ends whatever flow is running and drops every unsaved draft.
func cmdCancel(t *kit.Turn, _ string) error {
	st := t.St
	st.Pending = ""
	if st.Flow == "" && !st.HasParts() {
		t.Say("nothing_to_cancel")
		return nil
	}
	st.DropAll()
	st.Flow, st.Step, st.Choices = "", "", nil
	t.Show(kit.Message{Text: t.T.T("cancelled")})
	return nil
}

func (a *App) coreButton(t *kit.Turn, cb kit.Callback) error {
	switch cb.Action {
	case actMenu:
		switch cb.Arg {
		case "visit", "status", "help":
			return a.reg.runCommand(t, cb.Arg, "")
		}
	case actKeep, actDrop, actResume:
		return a.onPending(t, cb.Action)
	}
	t.Toast("button_expired")
	return nil
}

// askPending asks what to do with unsaved work before running cmd.
func askPending(t *kit.Turn, what, cmd string) {
	t.St.Pending = cmd
	t.Send(kit.Message{Text: t.T.T("pending_ask", "Name", kit.Esc(what)), Buttons: [][]kit.Button{
		{t.Btn(t.T.T("pending_keep"), coreNS, actKeep, ""), t.Btn(t.T.T("pending_drop"), coreNS, actDrop, "")},
		{t.Btn(t.T.T("pending_resume"), coreNS, actResume, "")},
	}})
}

// onPending answers the keep / drop / resume question.
func (a *App) onPending(t *kit.Turn, action string) error {
	pending := t.St.Pending
	t.St.Pending = ""
	i, _, ok := a.reg.anyUnfinished(t)
	f := a.reg.features[i]
	if !ok || pending == "" || action == actResume {
		if ok && f.Resume != nil {
			return f.Resume(t)
		}
		t.Toast("button_expired")
		return nil
	}
	if action == actDrop {
		f.Drop(t)
		t.Show(kit.Message{Text: t.T.T("draft_dropped")})
	} else {
		t.Show(kit.Message{Text: t.T.T("draft_kept")})
	}
	t.St.Flow, t.St.Step = "", ""
	name, args := splitCommand(strings.TrimSpace(pending))
	return a.reg.runCommand(t, name, args)
}
