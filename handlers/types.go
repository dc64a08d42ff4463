// Package handlers holds Huifang's conversation: the dispatcher that loads
// a chat's state, routes an update to the feature that owns it and saves
// the state with compare-and-set, and the few commands every user has. The
// features live in subpackages (visit, status, roster, access, remind,
// audit) over a shared kit; every user-visible text is in their message
// catalogues. It knows nothing of Telegram: bot/ turns updates into Input
// and Response into Bot API calls.
package handlers

import "github.com/huifang/huifang/handlers/kit"

// The transport-free types of one update and its answer (see kit).
type (
	Input      = kit.Input
	Document   = kit.Document
	Button     = kit.Button
	Message    = kit.Message
	File       = kit.File
	Outgoing   = kit.Outgoing
	FileGetter = kit.FileGetter
	Response   = kit.Response
	Handler    = kit.Handler
	// HandlerFunc adapts a function to Handler.
	HandlerFunc = kit.HandlerFunc
	Command     = kit.Command
)

// ChatPrivate is the only chat type in which the bot does real work.
const ChatPrivate = kit.ChatPrivate

// Languages.
const (
	LangZH = kit.LangZH
	LangEN = kit.LangEN
)
