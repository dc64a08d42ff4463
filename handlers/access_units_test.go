package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang/models"
)

func acID(u models.Unit) string { return strconv.FormatUint(u.ID, 10) }

func TestAccess_UnitAdd(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	c := acChat(t, app, demoAdmin)
	c.say("/units")
	c.press("新增单位")
	c.expect("新单位的名称")
	for _, bad := range []string{"12345", strings.Repeat("很", 65)} {
		c.say(bad)
		c.expect("单位名称须为 1 至 64 个字")
	}
	c.say("东湖新区党支部")
	c.expect("“东湖新区党支部”的上级单位", "顶级", acXishan)
	c.press(acDonghu)
	c.expect("已新增单位“东湖新区党支部”", "上级："+acDonghu)
	u := acUnit(t, store, "东湖新区党支部")
	if u.ParentID == nil || *u.ParentID != acUnit(t, store, acDonghu).ID {
		t.Fatalf("new unit = %+v", u)
	}

	t.Run("NameTaken", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.press("新增单位")
		c.say("东湖新区党支部")
		c.press(acDonghu)
		c.expect("已有同名单位")
		c.say("东湖新区第二党支部")
		c.say("不存在的单位")
		c.expect("没有找到单位“不存在的单位”")
		c.say(acID(acUnit(t, store, acDonghu)))
		c.expect("已新增单位“东湖新区第二党支部”")
	})
	t.Run("TopLevel", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.press("新增单位")
		c.say("新区纪委")
		c.press("顶级")
		c.expect("已新增单位“新区纪委”", "上级：无（顶级单位）")
		if u := acUnit(t, store, "新区纪委"); u.ParentID != nil {
			t.Fatalf("top-level unit has a parent: %+v", u)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.press("新增单位")
		c.press("取消")
		c.expect("已取消")
		c.say("不该成为单位")
		c.expect("请选择要做的事")
		if _, err := store.FindUnitByName(context.Background(), "不该成为单位"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("cancelled unit exists: %v", err)
		}
	})
	t.Run("TextAfterTree", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.say("你好")
		c.expect("请选择要做的事")
	})
}

func TestAccess_UnitRenameMove(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	c := acChat(t, app, demoAdmin)
	if _, err := store.CreateUnit(ctx, acAdminViewer, "新支部", ptr(acUnit(t, store, acDonghu).ID)); err != nil {
		t.Fatal(err)
	}
	t.Run("Rename", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.press("改名")
		c.say("新支部")
		c.expect("请输入“新支部”的新名称")
		c.say("东湖村党支部（演示）") // a sibling's name
		c.expect("已有同名单位")
		c.say("东湖新支部")
		c.expect("已改名为“东湖新支部”")
		acUnit(t, store, "东湖新支部")
	})
	t.Run("Move", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.press("移动")
		c.press(acDonghu)
		c.expect("把“"+acDonghu+"”（连同其下级单位）移到", acXishan, "顶级")
		c.refute("东湖村党支部")
		c.say("东湖新支部") // typed: its own sub-unit
		c.expect("不能把单位移到它自己或它的下级单位下面")
		c.say("/units")
		c.press("移动")
		c.say("东湖新支部")
		c.press(acXishan)
		c.expect("已把“东湖新支部”移到“" + acXishan + "”下面")
		u := acUnit(t, store, "东湖新支部")
		if !strings.HasPrefix(u.Path, acUnit(t, store, acXishan).Path) {
			t.Fatalf("moved unit path = %s", u.Path)
		}
		c.say("/units")
		c.press("移动")
		c.say("东湖新支部")
		c.press("顶级")
		c.expect("已把“东湖新支部”（连同其下级单位）改为顶级单位")
	})
}

func TestAccess_UnitDelete(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	c := acChat(t, app, demoAdmin)
	if _, err := store.CreateUnit(ctx, acAdminViewer, "东湖新支部", nil); err != nil {
		t.Fatal(err)
	}
	t.Run("DeleteInUse", func(t *testing.T) {
		acIn(t, c)
		for _, name := range []string{acDonghu, "东湖村党支部（演示）"} {
			c.say("/units")
			c.press("删除")
			c.say(name)
			c.expect("确定删除单位“" + name + "”")
			c.say("好的")
			c.expect("请点按钮作答")
			c.press("确认删除")
			c.expect("无法删除“"+name+"”", "还有人员、用户或下级单位")
			acUnit(t, store, name)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		acIn(t, c)
		c.say("/units")
		c.press("删除")
		c.press("东湖新支部")
		c.press("确认删除")
		c.expect("已删除单位“东湖新支部”")
		if _, err := store.FindUnitByName(ctx, "东湖新支部"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("deleted unit: %v", err)
		}
	})
	t.Run("Ambiguous", func(t *testing.T) {
		acIn(t, c)
		for _, parent := range []string{acDonghu, acXishan} {
			if _, err := store.CreateUnit(ctx, acAdminViewer, "同名支部", ptr(acUnit(t, store, parent).ID)); err != nil {
				t.Fatal(err)
			}
		}
		c.say("/units")
		c.press("改名")
		c.say("同名支部")
		c.expect("有多个单位叫“同名支部”")
	})
}

func ptr[T any](v T) *T { return &v }

// TestAccess_UnitManyUnits: beyond 20 units the picker asks for an id.
func TestAccess_UnitManyUnits(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	var last models.Unit
	for i := 0; i < acMaxUnitButtons; i++ {
		u, err := store.CreateUnit(ctx, acAdminViewer, "第"+strconv.Itoa(i)+"支部", nil)
		if err != nil {
			t.Fatal(err)
		}
		last = u
	}
	c := acChat(t, app, demoAdmin)
	c.say("/units")
	c.press("改名")
	c.expect("单位较多，请输入单位的编号或名称")
	c.refute(acDonghu)
	c.say(acID(last))
	c.say("最后支部")
	c.expect("已改名为“最后支部”")
}

func TestAccess_UnitNotAdmin(t *testing.T) {
	app, _, _ := acNewApp(t, nil)
	c := acChat(t, app, acXSSup)
	c.say("/units")
	if len(c.last.Messages) != 1 || len(c.last.Messages[0].Buttons) != 0 {
		t.Fatalf("supervisor got buttons: %+v", c.last.Messages)
	}
	// A wizard state left from when the user was an admin meets the
	// store's refusal.
	st := State{V: stateVersion, Flow: flowAccess, Access: &AccessState{Kind: acAdd, Step: acStepParent, Name: "越权单位"}}
	raw, v, err := app.state.Load(context.Background(), acXSSup, acXSSup)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := decodeState(raw)
	st.Seq = old.Seq
	data, _ := st.encode()
	if _, err := app.state.Save(context.Background(), acXSSup, acXSSup, data, v, app.ttl); err != nil {
		t.Fatal(err)
	}
	c.deliver(Input{Callback: Callback{Seq: st.Seq, Action: "ut"}.String(), MessageID: 1})
	c.expect("只有管理员可以修改单位")
}
