package access_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/access"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

func acID(u models.Unit) string { return strconv.FormatUint(u.ID, 10) }

func TestAccess_UnitAdd(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	c := acChat(t, app, apptest.DemoAdmin)
	c.Say("/units")
	c.Press("新增单位")
	c.Expect("新单位的名称")
	for _, bad := range []string{"12345", strings.Repeat("很", 65)} {
		c.Say(bad)
		c.Expect("单位名称须为 1 至 64 个字")
	}
	c.Say("东湖新区党支部")
	c.Expect("“东湖新区党支部”的上级单位", "顶级", acXishan)
	c.Press(acDonghu)
	c.Expect("已新增单位“东湖新区党支部”", "上级："+acDonghu)
	u := acUnit(t, store, "东湖新区党支部")
	if u.ParentID == nil || *u.ParentID != acUnit(t, store, acDonghu).ID {
		t.Fatalf("new unit = %+v", u)
	}

	t.Run("NameTaken", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Press("新增单位")
		c.Say("东湖新区党支部")
		c.Press(acDonghu)
		c.Expect("已有同名单位")
		c.Say("东湖新区第二党支部")
		c.Say("不存在的单位")
		c.Expect("没有找到单位“不存在的单位”")
		c.Say(acID(acUnit(t, store, acDonghu)))
		c.Expect("已新增单位“东湖新区第二党支部”")
	})
	t.Run("TopLevel", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Press("新增单位")
		c.Say("新区纪委")
		c.Press("顶级")
		c.Expect("已新增单位“新区纪委”", "上级：无（顶级单位）")
		if u := acUnit(t, store, "新区纪委"); u.ParentID != nil {
			t.Fatalf("top-level unit has a parent: %+v", u)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Press("新增单位")
		c.Press("取消")
		c.Expect("已取消")
		c.Say("不该成为单位")
		c.Expect("请选择要做的事")
		if _, err := store.FindUnitByName(context.Background(), "不该成为单位"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("cancelled unit exists: %v", err)
		}
	})
	t.Run("TextAfterTree", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Say("你好")
		c.Expect("请选择要做的事")
	})
}

func TestAccess_UnitRenameMove(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	c := acChat(t, app, apptest.DemoAdmin)
	if _, err := store.CreateUnit(ctx, acAdminViewer, "新支部", ptr(acUnit(t, store, acDonghu).ID)); err != nil {
		t.Fatal(err)
	}
	t.Run("Rename", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Press("改名")
		c.Say("新支部")
		c.Expect("请输入“新支部”的新名称")
		c.Say("东湖村党支部（演示）") // a sibling's name
		c.Expect("已有同名单位")
		c.Say("东湖新支部")
		c.Expect("已改名为“东湖新支部”")
		acUnit(t, store, "东湖新支部")
	})
	t.Run("Move", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Press("移动")
		c.Press(acDonghu)
		c.Expect("把“"+acDonghu+"”（连同其下级单位）移到", acXishan, "顶级")
		c.Refute("东湖村党支部")
		c.Say("东湖新支部") // typed: its own sub-unit
		c.Expect("不能把单位移到它自己或它的下级单位下面")
		c.Say("/units")
		c.Press("移动")
		c.Say("东湖新支部")
		c.Press(acXishan)
		c.Expect("已把“东湖新支部”移到“" + acXishan + "”下面")
		u := acUnit(t, store, "东湖新支部")
		if !strings.HasPrefix(u.Path, acUnit(t, store, acXishan).Path) {
			t.Fatalf("moved unit path = %s", u.Path)
		}
		c.Say("/units")
		c.Press("移动")
		c.Say("东湖新支部")
		c.Press("顶级")
		c.Expect("已把“东湖新支部”（连同其下级单位）改为顶级单位")
	})
}

func TestAccess_UnitDelete(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	c := acChat(t, app, apptest.DemoAdmin)
	if _, err := store.CreateUnit(ctx, acAdminViewer, "东湖新支部", nil); err != nil {
		t.Fatal(err)
	}
	t.Run("DeleteInUse", func(t *testing.T) {
		// A unit in use is refused as soon as it is chosen, typed or
		// pressed, before any question to confirm; the choice is asked
		// again.
		acIn(t, c)
		c.Say("/units")
		c.Press("删除")
		for _, name := range []string{acDonghu, "东湖村党支部（演示）"} {
			c.Say(name)
			c.Expect("无法删除“"+name+"”", "还有人员、用户或下级单位", "要删除哪个单位")
			c.Refute("确定删除")
			c.Press(acXishan)
			c.Expect("无法删除“" + acXishan + "”")
			c.Refute("确定删除")
			acUnit(t, store, name)
		}
		c.Say("东湖新")
		c.Expect("确定删除单位“东湖新支部”")
		c.Say("好的")
		c.Expect("请点按钮作答")
		c.Press("取消")
		acUnit(t, store, "东湖新支部")
	})
	t.Run("Delete", func(t *testing.T) {
		acIn(t, c)
		c.Say("/units")
		c.Press("删除")
		c.Press("东湖新支部")
		c.Press("确认删除")
		c.Expect("已删除单位“东湖新支部”")
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
		c.Say("/units")
		c.Press("改名")
		c.Say("同名支部")
		c.Expect("有几个单位符合", "同名支部 · "+acDonghu, "同名支部 · "+acXishan)
		c.Press("同名支部 · " + acXishan)
		c.Say("西山新支部")
		c.Expect("已改名为“西山新支部”")
		if _, err := store.FindUnitByName(ctx, "同名支部"); err != nil {
			t.Fatalf("the other 同名支部: %v", err)
		}
	})
}

// TestAccess_UnitManyUnits: beyond 20 units the picker asks for an id.
func TestAccess_UnitManyUnits(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	var last models.Unit
	for i := 0; i < access.MaxUnitButtons; i++ {
		u, err := store.CreateUnit(ctx, acAdminViewer, "第"+strconv.Itoa(i)+"支部", nil)
		if err != nil {
			t.Fatal(err)
		}
		last = u
	}
	c := acChat(t, app, apptest.DemoAdmin)
	c.Say("/units")
	c.Press("改名")
	c.Expect("单位较多，请输入单位名称")
	c.Refute(acDonghu)
	c.Say(acID(last))
	c.Say("最后支部")
	c.Expect("已改名为“最后支部”")
}

func TestAccess_UnitNotAdmin(t *testing.T) {
	app, store, state := acNewApp(t, nil)
	c := acChat(t, app, acXSSup)
	c.Say("/units")
	if len(c.Last.Messages) != 1 || len(c.Last.Messages[0].Buttons) != 0 {
		t.Fatalf("supervisor got buttons: %+v", c.Last.Messages)
	}
	// A wizard state left from when the user was an admin meets the
	// store's refusal.
	ctx := context.Background()
	raw, v, err := state.Load(ctx, acXSSup, acXSSup)
	if err != nil {
		t.Fatal(err)
	}
	st, err := kit.DecodeState(raw)
	if err != nil {
		t.Fatal(err)
	}
	st.Flow = access.Flow
	st.Parts = map[string]json.RawMessage{"units": json.RawMessage(`{"k":"add","s":"parent","f":{"name":"越权单位"}}`)}
	data, err := st.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := state.Save(ctx, acXSSup, acXSSup, data, v, time.Hour); err != nil {
		t.Fatal(err)
	}
	top := kit.Callback{Seq: st.Seq, NS: access.NS, Action: wizard.ActShortcut, Arg: "0"}.String()
	c.Deliver(kit.Input{Callback: top, MessageID: 1})
	c.Expect("只有管理员可以修改单位")
	if _, err := store.FindUnitByName(ctx, "越权单位"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the supervisor added a unit: %v", err)
	}
}
