package handlers

// Roster flows (issue 3): units, invitations, users, members, sanctions,
// import. Stubs until implemented.

import (
	"context"
)

// RosterState is the state of a roster wizard.
type RosterState struct {
	Kind string `json:"k,omitempty"`
	Step string `json:"s,omitempty"`
}

// redeemInvite handles "/start <code>" from a person who is not a user
// yet; ok is false when the input is not an invitation.
func (a *App) redeemInvite(ctx context.Context, in Input) (Response, bool) {
	return Response{}, false
}

func (s *session) rosterCommand(name, args string) error {
	s.say("not_yet")
	return nil
}

func (s *session) rosterText(text string) error {
	s.st.Flow, s.st.Roster = "", nil
	s.idleHint()
	return nil
}

func (s *session) rosterButton(cb Callback) error {
	s.toast("button_expired")
	return nil
}

// onDocument handles a document the user sent.
func (s *session) onDocument() error {
	s.say("document_unsupported")
	return nil
}
