package handlers

import (
	"context"
	"strings"
	"testing"
)

// chat drives an App like a Telegram client would: it numbers the bot's
// messages, remembers their buttons and presses them by label.
type chat struct {
	t       testing.TB
	h       Handler
	chatID  int64
	userID  int64
	typ     string
	upd     int
	nextMsg int
	msgs    map[int]Message // by message id, as last sent or edited
	last    Response
	lastKbd int // id of the newest message with buttons
}

func newChat(t testing.TB, h Handler, userID int64) *chat {
	return &chat{t: t, h: h, chatID: userID, userID: userID, typ: ChatPrivate, msgs: map[int]Message{}}
}

func (c *chat) deliver(in Input) Response {
	c.t.Helper()
	c.upd++
	in.UpdateID, in.ChatID, in.UserID, in.ChatType = c.upd, c.chatID, c.userID, c.typ
	if in.FirstName == "" {
		in.FirstName = "测试"
	}
	r := c.h.Handle(context.Background(), in)
	c.record(r)
	return r
}

func (c *chat) record(r Response) {
	c.last = r
	for _, m := range r.Messages {
		id := m.EditID
		if id == 0 {
			c.nextMsg++
			id = c.nextMsg
		}
		c.msgs[id] = m
		if len(m.Buttons) > 0 {
			c.lastKbd = id
		}
	}
}

// say sends text as the user.
func (c *chat) say(text string) Response {
	c.t.Helper()
	return c.deliver(Input{Text: text})
}

// press presses the button of the newest keyboard whose label contains label.
func (c *chat) press(label string) Response {
	c.t.Helper()
	m := c.msgs[c.lastKbd]
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return c.deliver(Input{Callback: b.Data, CallbackID: "cb", MessageID: c.lastKbd})
			}
		}
	}
	c.t.Fatalf("no button %q in message %d: %q", label, c.lastKbd, buttonLabels(m))
	return Response{}
}

// button returns the data of a button of the newest keyboard.
func (c *chat) button(label string) (string, int) {
	c.t.Helper()
	m := c.msgs[c.lastKbd]
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Data, c.lastKbd
			}
		}
	}
	c.t.Fatalf("no button %q: %q", label, buttonLabels(m))
	return "", 0
}

func buttonLabels(m Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// text is all message texts of the last response.
func (c *chat) text() string {
	var b strings.Builder
	for _, m := range c.last.Messages {
		b.WriteString(m.Text)
		b.WriteString("\n")
		b.WriteString(strings.Join(buttonLabels(m), " | "))
		b.WriteString("\n")
	}
	return b.String()
}

// expect fails unless the last response contains every part.
func (c *chat) expect(parts ...string) {
	c.t.Helper()
	all := c.text() + c.last.CallbackText
	for _, p := range parts {
		if !strings.Contains(all, p) {
			c.t.Fatalf("response lacks %q:\n%s", p, all)
		}
	}
}

// refute fails if the last response contains part.
func (c *chat) refute(part string) {
	c.t.Helper()
	if all := c.text() + c.last.CallbackText; strings.Contains(all, part) {
		c.t.Fatalf("response unexpectedly has %q:\n%s", part, all)
	}
}
