package remind_test

import (
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
)

// TestRemindCommands_SettingsShowLanguage: /settings says which language
// is in use, as it says the digest frequency.
func TestRemindCommands_SettingsShowLanguage(t *testing.T) {
	app, _ := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/settings")
	c.Expect("语言：简体中文。可切换：")
	c.Press("English")
	c.Expect("Language: English. Switch to:")
	sup := kittest.NewChat(t, app, supDonghu)
	sup.Say("/settings")
	sup.Expect("汇总推送：每周一", "语言：简体中文")
}
