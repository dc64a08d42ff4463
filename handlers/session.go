package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// session is the handling of one update: who asks, their state, and the
// response being built.
type session struct {
	a      *App
	ctx    context.Context
	in     Input
	user   models.User
	viewer models.Viewer
	t      tr
	st     State
	resp   Response
}

func (a *App) newSession(ctx context.Context, in Input, user models.User, st State) *session {
	lang := user.Lang
	if user.ID == 0 && st.Lang != "" {
		lang = st.Lang // bootstrap admin without a users row
	}
	return &session{
		a: a, ctx: ctx, in: in, user: user, st: st,
		viewer: models.Viewer{TelegramID: user.TelegramID, Role: user.Role, UnitID: user.UnitID},
		t:      a.cat.lang(lang),
		resp:   Response{ChatID: in.ChatID},
	}
}

// today is the current date in the office's time zone, as UTC midnight.
func (s *session) today() time.Time {
	n := s.a.now().In(s.a.loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// send appends a message. Every message of a known user's conversation is
// protected: an edit keeps the protection the message was sent with, so a
// prompt that later turns into a status card must have had it from the start.
func (s *session) send(m Message) {
	m.Protect = true
	s.resp.Messages = append(s.resp.Messages, m)
}

// say sends a plain catalogue message.
func (s *session) say(id string, kv ...any) { s.send(Message{Text: s.t.T(id, kv...)}) }

// show sends m, or edits the message whose button was pressed.
func (s *session) show(m Message) {
	if s.in.Callback != "" && s.in.MessageID != 0 {
		m.EditID = s.in.MessageID
	}
	s.send(m)
}

// toast sets the short answer of a pressed button.
func (s *session) toast(id string) { s.resp.CallbackText = s.t.T(id) }

// btn builds a button carrying the current sequence number.
func (s *session) btn(label, action, arg string) Button {
	return Button{Text: label, Data: Callback{Seq: s.st.Seq, Action: action, Arg: arg}.String()}
}

// dispatch routes the update. The sequence number moves on with every
// accepted update, so buttons of earlier prompts expire.
func (s *session) dispatch() error {
	if s.in.Callback != "" {
		if isReminderCallback(s.in.Callback) {
			return s.onReminderButton()
		}
		return s.onCallback()
	}
	s.st.Seq++
	text := strings.TrimSpace(s.in.Text)
	switch {
	case strings.HasPrefix(text, "/"):
		name, args := splitCommand(text)
		return s.onCommand(name, args)
	case s.in.Document != nil:
		return s.onDocument()
	case text == "":
		s.say("empty_input")
		return nil
	}
	switch s.st.Flow {
	case flowVisit:
		return s.visitText(text)
	case flowStatus:
		return s.statusQuery(text)
	case flowRoster:
		return s.rosterText(text)
	case flowAccess:
		return s.accessText(text)
	}
	s.idleHint()
	return nil
}

// splitCommand splits "/cmd@bot args" into "cmd" and "args".
func splitCommand(text string) (string, string) {
	name, args, _ := strings.Cut(text[1:], " ")
	name, _, _ = strings.Cut(name, "@")
	return strings.ToLower(name), strings.TrimSpace(args)
}

func (s *session) onCallback() error {
	cb, err := ParseCallback(s.in.Callback)
	if err != nil || cb.Seq != s.st.Seq {
		s.toast("button_expired")
		return nil
	}
	s.st.Seq++
	switch cb.Action {
	case "mn":
		return s.onMenu(cb.Arg)
	case "pk", "pd", "pr":
		return s.onPending(cb.Action)
	case "sp":
		return s.statusPick(cb.Arg)
	case "dr", "dn":
		return s.onDraftChoice(cb.Action)
	case "au":
		return s.onAuditPage(cb.Arg)
	}
	switch s.st.Flow {
	case flowVisit:
		return s.visitButton(cb)
	case flowRoster:
		return s.rosterButton(cb)
	case flowAccess:
		return s.accessButton(cb)
	}
	s.toast("button_expired")
	return nil
}

func (s *session) idleHint() {
	if s.st.Draft != nil {
		s.say("draft_paused_hint", "Name", esc(s.st.Draft.MemberName))
		return
	}
	s.send(s.menu(s.t.T("idle_hint")))
}

// menu is the main menu message with the given heading.
func (s *session) menu(heading string) Message {
	return Message{Text: heading, Buttons: [][]Button{
		{s.btn(s.t.T("menu_visit"), "mn", "visit"), s.btn(s.t.T("menu_status"), "mn", "status")},
		{s.btn(s.t.T("menu_help"), "mn", "help")},
	}}
}

func (s *session) onMenu(arg string) error {
	switch arg {
	case "visit":
		return s.cmdVisit("")
	case "status":
		return s.cmdStatus("")
	case "help":
		s.cmdHelp()
		return nil
	}
	s.toast("button_expired")
	return nil
}
