// Package kit is what every conversation feature of Huifang shares: the
// transport-free types of one update and its answer, the turn being handled,
// the state envelope, callback data, parsing and the message catalogue. It
// knows nothing of Telegram: bot/ turns updates into Input and Response into
// Bot API calls.
package kit

import (
	"context"
	"time"
)

// ChatPrivate is the only chat type in which the bot does real work.
const ChatPrivate = "private"

// Input is one incoming event, already stripped of its transport.
type Input struct {
	UpdateID   int
	ChatID     int64
	ChatType   string // "private", "group", "supergroup", "channel"
	UserID     int64
	FirstName  string // Telegram profile name, used only to prefill forms
	LangCode   string // Telegram's language_code hint, may be empty
	Text       string // message text (empty for callbacks)
	Callback   string // callback_data of a pressed button (empty for messages)
	CallbackID string // callback query id, answered by bot/
	MessageID  int    // the message the pressed button belongs to
	Document   *Document
	// Sent is when Telegram received the message (whole seconds); zero for
	// button presses and the console. It tells the parts of a text Telegram
	// cut apart from an answer typed after them, however late they are
	// handled.
	Sent time.Time
}

// Document describes a file the user sent; handlers fetch it through a
// FileGetter when they need its bytes.
type Document struct {
	FileID   string
	FileName string
	Size     int64
}

// Button is one inline keyboard button; Data fits Telegram's 64 bytes.
type Button struct {
	Text string
	Data string
}

// Message is one outgoing message. Text is HTML (parse mode HTML) with every
// user-supplied value escaped. bot/ splits texts over Telegram's limit.
type Message struct {
	Text    string
	Buttons [][]Button
	// EditID, when non-zero, asks bot/ to edit that earlier message of the
	// chat instead of sending a new one (used when a button is pressed).
	EditID int
	// Protect marks messages that carry member data: bot/ sends them with
	// protect_content so they cannot be forwarded or saved.
	Protect bool
	// Document, when set, is sent as a file with Text as its caption
	// (captions are limited to 1024 characters).
	Document *File
}

// File is a document to send.
type File struct {
	Name string
	Data []byte
	// Photo sends it as a picture shown in the chat (sendPhoto: a PNG or
	// JPEG of at most 10 MB) rather than as a file.
	Photo bool
}

// Outgoing is a message to another chat than the one being answered, such
// as the note to an inviter that their invitation was used.
type Outgoing struct {
	ChatID  int64
	Message Message
}

// FileGetter downloads a document a user sent; bot/ implements it.
type FileGetter interface {
	GetFile(ctx context.Context, fileID string) ([]byte, error)
}

// Response is what handling one Input produces.
type Response struct {
	ChatID   int64
	Messages []Message
	// CallbackText is the short toast shown for a pressed button; bot/
	// always answers the callback query, with this text or with none.
	CallbackText string
	// Notify are messages to other chats, sent after Messages.
	Notify []Outgoing
}

// Handler handles one Input. Implementations never panic on any input;
// bot/ still recovers and apologises if one does.
type Handler interface {
	Handle(ctx context.Context, in Input) Response
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, in Input) Response

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, in Input) Response { return f(ctx, in) }

// Command is one entry of the bot's "/" menu.
type Command struct {
	Name        string // without the slash
	Description string
}
