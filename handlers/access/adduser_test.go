package access_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
)

func TestApp_AddUser(t *testing.T) {
	app, store, _ := apptest.NewApp(t)
	insp := kittest.NewChat(t, app, apptest.DemoInspector)
	insp.Say("/adduser 555 inspector 东湖镇（演示） 新人")
	insp.Expect("只有管理员")
	admin := kittest.NewChat(t, app, apptest.DemoAdmin)
	admin.Say("/adduser 555 inspector 不存在的单位 新人")
	admin.Expect("没有找到单位")
	admin.Say("/adduser 555 boss 东湖镇（演示） 新人")
	admin.Expect("用法")
	admin.Say("/adduser 555 inspector 东湖镇（演示） ＝cmd|'/C calc'!A0")
	admin.Expect("不能以 =、+、-、@（含全角）开头")
	admin.Say("/adduser 555 inspector 东湖镇（演示） 新人 <i>")
	admin.Expect("已添加用户：新人 &lt;i&gt;")
	admin.Say("/adduser 555 inspector 东湖镇（演示） 新人")
	admin.Expect("已经存在")
	if _, err := store.FindUser(context.Background(), 555); err != nil {
		t.Fatalf("added user not found: %v", err)
	}
	newcomer := kittest.NewChat(t, app, 555)
	newcomer.Say("/start")
	newcomer.Expect("您好，新人 &lt;i&gt;（回访人员）")
}
