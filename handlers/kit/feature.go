package kit

import "io/fs"

// Cmd is a command a feature answers.
type Cmd struct {
	Name string
	Run  func(t *Turn, args string) error
	// Keeps marks a command that leaves a form in progress as it is
	// (read-only lists); before any other, the user is asked whether to
	// keep or drop an unfinished draft.
	Keeps bool
	// Aside marks a command answered beside a form in progress (help, a
	// list): the form's current step is shown again after it, as the
	// newest message, so its buttons stay at hand.
	Aside bool
	// Menu puts the command in Telegram's "/" menu (description: cmd_<name>).
	Menu bool
	// Admin marks an administrator's action (users, units, invitations,
	// imports, exports, the audit trail): for an administrator it runs
	// only after a second factor given within the period, which the
	// dispatcher asks for first (handlers/factor). Other roles are not
	// asked; the feature and the store decide what they may do.
	Admin bool
}

// Feature is one part of the bot as the dispatcher sees it: the commands
// it answers, the callback namespace it owns, the flows whose typed text
// it takes and its message files. A feature never calls another feature's
// internals; it may call another's exported functions.
type Feature struct {
	Name string
	Cmds []Cmd
	// NS is the callback namespace of its conversation buttons and Button
	// handles them (the sequence number is checked already).
	NS     string
	Button func(t *Turn, cb Callback) error
	// Flows are the values of State.Flow whose typed text Text takes.
	Flows []string
	Text  func(t *Turn, text string) error
	// Prefix starts the data of buttons without a sequence number, which
	// keep working days later (reminders); Persistent handles them.
	Prefix     string
	Persistent func(t *Turn, data string) error
	// Document handles a file the user sent.
	Document func(t *Turn) error
	// Unfinished names unsaved work the feature keeps while other
	// commands run (a visit draft); Resume shows it again and Drop
	// discards it.
	Unfinished func(t *Turn) (name string, ok bool)
	Resume     func(t *Turn) error
	Drop       func(t *Turn)
	// Replay renders again an answer the feature marked Replayable.
	Replay  func(t *Turn, arg string) error
	Locales fs.FS

	// What else needs an administrator's fresh second factor (see
	// Cmd.Admin): AdminButton picks the feature's buttons that do,
	// AdminText marks typed text in its flows, AdminDocument the files
	// it takes.
	AdminButton   func(cb Callback) bool
	AdminText     bool
	AdminDocument bool
}

// AllButtons is an AdminButton for a feature all of whose buttons are an
// administrator's actions.
func AllButtons(Callback) bool { return true }
