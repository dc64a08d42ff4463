package handlers

// Editing saved visits, their history, and the audit log (issue 3).
// Stubs until implemented.

func (s *session) cmdVisitEdit(args string) error {
	s.say("not_yet")
	return nil
}

func (s *session) cmdHistory(args string) error {
	s.say("not_yet")
	return nil
}

func (s *session) cmdAudit(args string) error {
	s.say("not_yet")
	return nil
}
