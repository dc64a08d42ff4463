package handlers

// Member, sanction and import flows (issue 3). Stubs until implemented.

// RosterState is the state of a member, sanction or import wizard.
type RosterState struct {
	Kind string `json:"k,omitempty"`
	Step string `json:"s,omitempty"`
}

// rosterCommand handles /member, /sanction and /template.
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

// onDocument handles a document the user sent (an import file).
func (s *session) onDocument() error {
	s.say("document_unsupported")
	return nil
}
