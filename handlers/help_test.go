package handlers_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestApp_HelpByRole: /help tells each role what it may do, and the bot
// agrees: a supervisor may import within their units, so /template is in
// their help and answers them; an inspector's help has neither.
func TestApp_HelpByRole(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	ctx := context.Background()
	donghu, err := store.FindUnitByName(ctx, "东湖镇（演示）")
	if err != nil {
		t.Fatal(err)
	}
	sup := models.User{TelegramID: 30001, Name: "东湖分管", Role: models.RoleSupervisor, UnitID: donghu.ID}
	if err := store.CreateUser(ctx, models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}, &sup); err != nil {
		t.Fatal(err)
	}
	s := kittest.NewChat(t, app, sup.TelegramID)
	s.Say("/help")
	s.Expect("/template", "/invite inspector", "/member add", "/sanction add", "/digest", "/users")
	for _, adminOnly := range []string{"/audit", "/adduser", "/holidays", "/rename", "添加、改名"} {
		s.Refute(adminOnly)
	}
	s.Say("/template")
	if m := s.Last.Messages; len(m) != 1 || m[0].Document == nil {
		t.Fatalf("a supervisor's /template: %+v", s.Last)
	}
	s.Say("/lang en")
	s.Say("/help")
	s.Expect("/template", "The roster of your units")

	i := kittest.NewChat(t, app, apptest.DemoInspector)
	i.Say("/help")
	i.Expect("/visit", "/status")
	for _, no := range []string{"/template", "/invite", "/member add"} {
		i.Refute(no)
	}
	i.Say("/template")
	i.Expect("只有管理员和分管领导")

	a := kittest.NewChat(t, app, apptest.DemoAdmin)
	a.Say("/help")
	a.Expect("/template", "/rename", "/audit [Telegram用户ID] [#人员编号]", "拼音")
}
