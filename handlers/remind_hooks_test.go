package handlers

import (
	"context"
	"testing"

	"github.com/huifang/huifang/models"
)

// hooksWired reports whether commands.go and session.go route this part's
// commands and buttons (the hooks the lead adds).
func hooksWired(a *App) bool {
	if !knownCommand("due") {
		return false
	}
	s := a.newSession(context.Background(), Input{Callback: "r1:x"}, models.User{}, State{})
	_ = s.dispatch()
	return s.resp.CallbackText == s.t.T("rm_button_invalid")
}

// remindHandler is the handler the reminder tests drive: the App.
func remindHandler(t testing.TB, a *App) Handler {
	t.Helper()
	if !hooksWired(a) {
		t.Fatal("reminder commands and r1: buttons are not routed by commands.go and session.go")
	}
	return a
}
