package access_test

import (
	"context"
	"testing"

	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
)

// TestAccess_RenameUser: an admin corrects the name a user is registered
// under, from /users or with /rename; the change is audited and every
// replica's cache of users sees it at the user's next update.
func TestAccess_RenameUser(t *testing.T) {
	app, store, _ := acNewApp(t, nil)
	ctx := context.Background()
	admin := acChat(t, app, apptest.DemoAdmin)
	insp := acChat(t, app, apptest.DemoInspector)
	insp.Say("/start")
	insp.Expect("您好，演示回访人员")
	t.Run("FromUsers", func(t *testing.T) {
		acIn(t, admin, insp)
		admin.Say("/users")
		admin.Expect("姓名不对？", "✏️ 演示回访人员", "✏️ 西山分管")
		admin.Press("✏️ 演示回访人员")
		admin.Expect("现在登记的姓名是“演示回访人员”", "真实姓名")
		admin.Say("123")
		admin.Expect("至少含有一个汉字或字母")
		admin.Say("王<小明>")
		admin.Expect("<code>10002</code> 的姓名已改为“王&lt;小明&gt;”")
		insp.Say("/start") // the cached user was renewed: the users epoch moved
		insp.Expect("您好，王&lt;小明&gt;")
		ev, err := store.ListAudit(ctx, acAdminViewer, models.AuditFilter{ActorID: apptest.DemoAdmin})
		if err != nil || len(ev) == 0 || ev[0].Action != models.AuditRenameUser || ev[0].Detail != "user=10002" {
			t.Fatalf("audit = %+v, %v", ev, err)
		}
	})
	t.Run("Command", func(t *testing.T) {
		acIn(t, admin, insp)
		admin.Say("/rename 10002 李 小红") // cleaned as the roster cleans names
		admin.Expect("姓名已改为“李小红”")
		admin.Say("/rename 999")
		admin.Expect("没有找到用户")
		admin.Say("/rename 张三")
		admin.Expect("用法：/rename")
		u, _ := store.FindUser(ctx, apptest.DemoInspector)
		if u.Name != "李小红" {
			t.Fatalf("name = %q", u.Name)
		}
	})
	t.Run("NotAdmin", func(t *testing.T) {
		acIn(t, admin, insp)
		c := acChat(t, app, acXSSup)
		c.Say("/users")
		c.Refute("✏️")
		c.Say("/rename 20002 新名字")
		c.Expect("只有管理员可以修改用户的姓名")
		ev, err := store.ListAudit(ctx, acAdminViewer, models.AuditFilter{ActorID: acXSSup, Limit: 1})
		if err != nil || len(ev) != 1 || ev[0].Action != models.AuditDenied || ev[0].Detail != "op="+models.AuditRenameUser {
			t.Fatalf("no audited refusal: %+v, %v", ev, err)
		}
		if u, _ := store.FindUser(ctx, acXSInsp); u.Name != "西山回访员" {
			t.Fatalf("renamed by a supervisor: %q", u.Name)
		}
	})
}
