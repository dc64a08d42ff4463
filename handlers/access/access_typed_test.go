package access_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/internal/apptest"
)

// TestAccess_TypedUnits: wherever a unit is typed, a part of its name or
// its pinyin finds it (models.MatchUnits), several are offered as
// buttons, and /invite without a unit offers the units to choose from.
func TestAccess_TypedUnits(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	admin := acChat(t, app, apptest.DemoAdmin)
	t.Run("InviteByPart", func(t *testing.T) {
		acIn(t, admin)
		for _, typed := range []string{"东湖镇", "donghuzhen", "dhz"} {
			admin.Say("/invite inspector " + typed)
			if typed != "东湖镇" {
				// The pinyin also names 东湖镇机关党支部（演示）: a choice.
				admin.Expect("有几个单位符合", "东湖镇机关党支部（演示）")
				admin.Press(acDonghu)
			}
			acCode(t, admin)
			admin.Expect("回访人员", "单位："+acDonghu)
		}
		admin.Say("/invite inspector 东湖")
		admin.Expect("有几个单位符合", acDonghu, "东湖村党支部（演示）", "东湖镇机关党支部（演示）")
		admin.Refute("西山")
		admin.Press("东湖村党支部（演示）")
		acCode(t, admin)
		admin.Expect("单位：东湖村党支部（演示）")
	})
	t.Run("InviteWithoutUnit", func(t *testing.T) {
		acIn(t, admin)
		admin.Say("/invite supervisor id:31337")
		admin.Expect("邀请分管领导加入哪个单位", acRoot, acXSComm)
		admin.Refute("用法")
		admin.Say("xishan")
		admin.Expect("有几个单位符合", acXishan, "西山社区党支部（演示）")
		admin.Press(acXishan)
		acCode(t, admin)
		admin.Expect("分管领导", "单位："+acXishan, "<code>31337</code>")
	})
	t.Run("SupervisorOwnSubtree", func(t *testing.T) {
		acIn(t, admin)
		c := acChat(t, app, acXSSup)
		c.Say("/invite inspector 社区")
		acCode(t, c)
		c.Expect("单位：" + acXSComm)
		c.Say("/invite inspector 东湖") // a sibling's units are not found
		c.Expect("没有找到单位“东湖”", acXishan)
		c.Refute(acDonghu)
	})
	t.Run("AddUser", func(t *testing.T) {
		acIn(t, admin)
		admin.Say("/adduser 31401 inspector 东湖镇 王小明")
		admin.Expect("已添加用户：王小明", acDonghu)
		admin.Say("/adduser 31402 inspector 党支部 李小红")
		admin.Expect("有几个单位符合", "东湖村党支部（演示）", acXSComm)
		admin.Press(acXSComm)
		admin.Expect("已添加用户：李小红", acXSComm)
		for id, unit := range map[int64]string{31401: acDonghu, 31402: acXSComm} {
			u, err := store.FindUser(ctx, id)
			if err != nil || u.UnitID != acUnit(t, store, unit).ID {
				t.Fatalf("user %d = %+v, %v; want unit %s", id, u, err, unit)
			}
		}
	})
	t.Run("UnitWizards", func(t *testing.T) {
		acIn(t, admin)
		admin.Say("/units")
		admin.Press("改名")
		admin.Say("chengguan") // 西山街道城管执法中队（演示）
		admin.Expect("的新名称")
		admin.Say("西山城管中队")
		admin.Expect("已改名为“西山城管中队”")
		admin.Say("/units")
		admin.Press("新增单位")
		admin.Say("西山二社区")
		admin.Say("西山街道")
		admin.Expect("已新增单位“西山二社区”", "上级："+acXishan)
		if _, err := store.FindUnitByName(ctx, "西山二社区"); err != nil {
			t.Fatal(err)
		}
	})
}
