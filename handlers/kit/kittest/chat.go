// Package kittest drives a handler like a Telegram client would, for the
// features' tests: it numbers the bot's messages, remembers their buttons
// and presses them by label.
package kittest

import (
	"context"
	"strings"
	"testing"

	"github.com/huifang/huifang/handlers/kit"
)

// Chat is one private (or group) chat with the bot.
type Chat struct {
	T       testing.TB
	H       kit.Handler
	ChatID  int64
	UserID  int64
	Type    string
	Upd     int // the last update id sent
	nextMsg int
	Msgs    map[int]kit.Message // by message id, as last sent or edited
	Last    kit.Response
	LastKbd int // id of the newest message with buttons
}

// NewChat is the private chat of userID with h.
func NewChat(t testing.TB, h kit.Handler, userID int64) *Chat {
	return &Chat{T: t, H: h, ChatID: userID, UserID: userID, Type: kit.ChatPrivate, Msgs: map[int]kit.Message{}}
}

// Deliver hands in to the handler as the next update of the chat.
func (c *Chat) Deliver(in kit.Input) kit.Response {
	c.T.Helper()
	c.Upd++
	in.UpdateID, in.ChatID, in.UserID, in.ChatType = c.Upd, c.ChatID, c.UserID, c.Type
	if in.FirstName == "" {
		in.FirstName = "测试"
	}
	r := c.H.Handle(context.Background(), in)
	c.Record(r)
	return r
}

// Record files the messages of a response as the client shows them.
func (c *Chat) Record(r kit.Response) {
	c.Last = r
	for _, m := range r.Messages {
		id := m.EditID
		if id == 0 {
			c.nextMsg++
			id = c.nextMsg
		}
		c.Msgs[id] = m
		if len(m.Buttons) > 0 {
			c.LastKbd = id
		}
	}
}

// Receive files a message the bot sent on its own (a reminder) and
// returns its id.
func (c *Chat) Receive(m kit.Message) int {
	c.Record(kit.Response{Messages: []kit.Message{m}})
	return c.nextMsg
}

// Say sends text as the user.
func (c *Chat) Say(text string) {
	c.T.Helper()
	c.Deliver(kit.Input{Text: text})
}

// Press presses the button of the newest keyboard labelled label, or else
// the first whose label contains it.
func (c *Chat) Press(label string) {
	c.T.Helper()
	data, id := c.Button(label)
	c.PressData(data, id)
}

// PressData presses a button by its data, on message id.
func (c *Chat) PressData(data string, id int) kit.Response {
	c.T.Helper()
	return c.Deliver(kit.Input{Callback: data, CallbackID: "cb", MessageID: id})
}

// Button returns the data of a button of the newest keyboard (see Press)
// and the id of its message.
func (c *Chat) Button(label string) (string, int) {
	c.T.Helper()
	m := c.Msgs[c.LastKbd]
	if b, ok := Find(m, label); ok {
		return b.Data, c.LastKbd
	}
	c.T.Fatalf("no button %q in message %d: %q", label, c.LastKbd, Labels(m))
	return "", 0
}

// Find finds the button labelled label, or else the first whose label
// contains it.
func Find(m kit.Message, label string) (kit.Button, bool) {
	var partial *kit.Button
	for _, row := range m.Buttons {
		for i, b := range row {
			if b.Text == label {
				return b, true
			}
			if partial == nil && strings.Contains(b.Text, label) {
				partial = &row[i]
			}
		}
	}
	if partial != nil {
		return *partial, true
	}
	return kit.Button{}, false
}

// Labels lists the labels of m's buttons.
func Labels(m kit.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// Text is all message texts of the last response, with their buttons.
func (c *Chat) Text() string {
	var b strings.Builder
	for _, m := range c.Last.Messages {
		b.WriteString(m.Text)
		b.WriteString("\n")
		b.WriteString(strings.Join(Labels(m), " | "))
		b.WriteString("\n")
	}
	return b.String()
}

// Expect fails unless the last response contains every part.
func (c *Chat) Expect(parts ...string) {
	c.T.Helper()
	all := c.Text() + c.Last.CallbackText
	for _, p := range parts {
		if !strings.Contains(all, p) {
			c.T.Fatalf("response lacks %q:\n%s", p, all)
		}
	}
}

// Refute fails if the last response contains part.
func (c *Chat) Refute(part string) {
	c.T.Helper()
	if all := c.Text() + c.Last.CallbackText; strings.Contains(all, part) {
		c.T.Fatalf("response unexpectedly has %q:\n%s", part, all)
	}
}
