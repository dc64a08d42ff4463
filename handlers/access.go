package handlers

// Units, invitations and users (issue 3). Stubs until implemented.

import "context"

// AccessState is the state of a units, invitation or users wizard.
type AccessState struct {
	Kind string `json:"k,omitempty"`
	Step string `json:"s,omitempty"`
}

// redeemInvite handles "/start <code>" from a person who is not a user
// yet; ok is false when the input is not an invitation.
func (a *App) redeemInvite(ctx context.Context, in Input) (Response, bool) {
	return Response{}, false
}

// accessCommand handles /units, /invite, /users and /revoke.
func (s *session) accessCommand(name, args string) error {
	s.say("not_yet")
	return nil
}

func (s *session) accessText(text string) error {
	s.st.Flow, s.st.Access = "", nil
	s.idleHint()
	return nil
}

func (s *session) accessButton(cb Callback) error {
	s.toast("button_expired")
	return nil
}
