package kit

// Picker is a command about one member (/status, /archive): asked for
// when the command names none, found by Lookup (buttons when several
// match), and then handed to Show. Flow is the flow of the typed answer,
// NS the feature's callback namespace, Ask the question's catalogue key,
// Pick and Close the actions of the member buttons and of closing.
type Picker struct {
	DB            MemberSearcher
	Flow, NS, Ask string
	Pick, Close   string
	Show          func(t *Turn, memberID uint64) error
}

// Command answers the command with args (a name, pinyin or number, or
// nothing).
func (p Picker) Command(t *Turn, args string) error {
	t.St.Flow, t.St.Step, t.St.Choices = p.Flow, "ask", nil
	if args == "" {
		t.Show(Message{Text: t.T.T(p.Ask)})
		return nil
	}
	return p.Query(t, args)
}

// Query looks up a typed member.
func (p Picker) Query(t *Turn, q string) error {
	return Lookup(t, p.DB, q, p.NS, p.Pick, func(id uint64) error { return p.Show(t, id) }, nil)
}

// Button handles the picker's buttons; others are told they expired.
func (p Picker) Button(t *Turn, cb Callback) error {
	switch cb.Action {
	case p.Pick:
		if id, ok := Chosen(t, cb.Arg); ok && t.St.Flow == p.Flow {
			return p.Show(t, id)
		}
	case p.Close:
		return t.RunCommand("cancel", "")
	}
	t.Toast("button_expired")
	return nil
}
