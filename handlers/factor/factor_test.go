package factor_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/factor"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
	"github.com/huifang/huifang/models/sqlstore"
)

// rig is an App with the second factor on, over the demo roster, with a
// clock the test moves.
type rig struct {
	app   *handlers.App
	store *sqlstore.Store
	state models.StateStore
	now   *time.Time
	logs  *bytes.Buffer
	files *memFiles
}

func newRig(t *testing.T, opts ...func(*handlers.Options)) *rig {
	t.Helper()
	store := modelstest.OpenSQLite(t)
	if err := store.LoadDemo(context.Background(), apptest.DemoAdmin, apptest.DemoInspector); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC) // a step starts at :00
	r := &rig{store: store, state: models.NewMemoryState(), now: &now, logs: &bytes.Buffer{}, files: &memFiles{m: map[string][]byte{}}}
	all := append([]func(*handlers.Options){func(o *handlers.Options) {
		o.AdminFactor = true
		o.Now = func() time.Time { return *r.now }
		o.Logger = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}}, opts...)
	r.app = apptest.MustApp(t, store, r.state, all...)
	r.app.SetTransport("huifang_test_bot", r.files)
	return r
}

func (r *rig) advance(d time.Duration) { *r.now = r.now.Add(d) }

// memFiles serves documents from memory.
type memFiles struct{ m map[string][]byte }

func (f *memFiles) GetFile(_ context.Context, id string) ([]byte, error) {
	if d, ok := f.m[id]; ok {
		return d, nil
	}
	return nil, errors.New("no such file")
}

var secretRE = regexp.MustCompile(`<code>([A-Z2-7 ]{16,})</code>`)

// secretOf reads the key of the enrolment message in the last response.
func secretOf(t *testing.T, c *kittest.Chat) string {
	t.Helper()
	for _, m := range c.Last.Messages {
		if s := secretRE.FindStringSubmatch(m.Text); s != nil {
			if !m.Protect {
				t.Fatal("the enrolment message is not protected")
			}
			return strings.ReplaceAll(s[1], " ", "")
		}
	}
	t.Fatalf("no key shown:\n%s", c.Text())
	return ""
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrong is a code that is not secret's at at, nor of the steps beside.
func wrong(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	for _, w := range []string{"000000", "111111", "222222", "333333"} {
		if w != code(t, secret, at) && w != code(t, secret, at.Add(-30*time.Second)) && w != code(t, secret, at.Add(30*time.Second)) {
			return w
		}
	}
	t.Fatal("no wrong code")
	return ""
}

// enrol has the chat's admin set up their factor through /2fa and returns
// the secret.
func (r *rig) enrol(t *testing.T, c *kittest.Chat) string {
	t.Helper()
	c.Say("/2fa")
	secret := secretOf(t, c)
	c.Say(code(t, secret, *r.now))
	c.Expect("二次验证已启用", "含密钥的那条消息")
	return secret
}

// TestFactor_EnrolOnFirstAction: an administrator's first action asks for
// a second factor; the key is shown once, protected, and hidden by its
// button; a wrong code is counted; the right one confirms it and the
// action runs. Within the period nothing is asked; after it, a code is.
func TestFactor_EnrolOnFirstAction(t *testing.T) {
	r := newRig(t)
	c := kittest.NewChat(t, r.app, apptest.DemoAdmin)
	c.Say("/units")
	c.Expect("这是管理员操作，需要二次验证。请先完成设置", "已添加，隐藏密钥")
	c.Refute("东湖镇（演示）")
	secret := secretOf(t, c)
	keyMsg := c.LastKbd
	c.Press("已添加，隐藏密钥")
	c.Expect("密钥已隐藏。请输入验证器显示的 6 位数字")
	if m := c.Msgs[keyMsg]; strings.Contains(m.Text, secret[:8]) || len(m.Buttons) != 0 {
		t.Fatalf("the key message still shows the key: %+v", m)
	}
	c.Say("12345")
	c.Expect("请输入验证器显示的 6 位数字")
	bad := wrong(t, secret, *r.now)
	c.Say(bad)
	c.Expect("验证码不正确，还可以尝试 4 次")
	good := code(t, secret, *r.now)
	c.Say(good[:3] + " " + good[3:])
	c.Expect("二次验证已启用", "东湖镇（演示）")
	c.Refute("含密钥的那条消息")

	r.advance(11 * time.Hour)
	c.Say("/users")
	c.Expect("演示回访人员")
	c.Refute("二次验证")

	r.advance(time.Hour + time.Second)
	c.Say("/audit")
	c.Expect("这是管理员操作，需要二次验证（每 12 小时一次）")
	good = code(t, secret, *r.now)
	c.Say(good)
	c.Expect("验证通过")
	c.Refute("需要二次验证")

	// Attempts are audited, without the code; nothing keeps a code.
	ctx := context.Background()
	evs, err := r.store.ListAudit(ctx, models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}, models.AuditFilter{ActorID: apptest.DemoAdmin, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	verifies := 0
	for _, ev := range evs {
		if ev.Action == models.AuditFactorVerify {
			verifies++
		}
		if strings.Contains(ev.Detail, good) || strings.Contains(ev.Detail, bad) {
			t.Errorf("audit row %s holds a code: %q", ev.Action, ev.Detail)
		}
	}
	if verifies != 3 {
		t.Errorf("2fa_verify rows = %d, want 3 (wrong, right, right)", verifies)
	}
	raw, _, err := r.state.Load(ctx, apptest.DemoAdmin, apptest.DemoAdmin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{good, bad, secret} {
		if bytes.Contains(raw, []byte(s)) || strings.Contains(r.logs.String(), s) {
			t.Errorf("%q kept in the state or the log", s)
		}
	}
}

// TestFactor_ButtonAfterPeriod: a button of an administrator's action
// (the import's confirmation) pressed after the period asks for a code,
// then does what the button does, on its own message.
func TestFactor_ButtonAfterPeriod(t *testing.T) {
	r := newRig(t)
	c := kittest.NewChat(t, r.app, apptest.DemoAdmin)
	secret := r.enrol(t, c)
	r.files.m["F1"] = []byte("姓名,单位,职务,职级,是否重点,重点原因\n新人庚,东湖村党支部（演示）,,,,\n")
	c.Deliver(kit.Input{Document: &kit.Document{FileID: "F1", FileName: "a.csv", Size: 80}})
	c.Expect("导入预览", "确认导入")
	preview := c.LastKbd
	r.advance(13 * time.Hour)
	c.Press("确认导入")
	c.Expect("需要二次验证")
	c.Refute("导入完成")
	c.Say(code(t, secret, *r.now))
	c.Expect("验证通过", "导入完成", "新增人员 1 人")
	if edited := c.Last.Messages[len(c.Last.Messages)-1]; edited.EditID != preview {
		t.Errorf("the import's answer went to message %d, not the preview %d", edited.EditID, preview)
	}
	if _, err := r.store.SearchMembers(context.Background(), models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}, "新人庚", 5); err != nil {
		t.Fatalf("not imported: %v", err)
	}

	// A file sent after the period: asked, then previewed.
	r.advance(13 * time.Hour)
	r.files.m["F2"] = []byte("姓名,单位,职务,职级,是否重点,重点原因\n新人辛,东湖村党支部（演示）,,,,\n")
	c.Deliver(kit.Input{Document: &kit.Document{FileID: "F2", FileName: "b.csv", Size: 80}})
	c.Expect("需要二次验证")
	c.Say(code(t, secret, *r.now))
	c.Expect("导入预览", "b.csv", "新增人员 1 人")
}

// TestFactor_Lockout: wrong codes lock the factor for a while, across
// questions; a code accepted once is not accepted again.
func TestFactor_Lockout(t *testing.T) {
	r := newRig(t, func(o *handlers.Options) { o.AdminFactorPeriod = 10 * time.Second })
	c := kittest.NewChat(t, r.app, apptest.DemoAdmin)
	secret := r.enrol(t, c)
	used := code(t, secret, *r.now)
	r.advance(11 * time.Second) // the period is over, the step is the same
	c.Say("/units")
	c.Expect("需要二次验证（每 10 秒一次）")
	c.Say(used)
	c.Expect("验证码不正确，还可以尝试 4 次")
	bad := wrong(t, secret, *r.now)
	for left := 3; left > 0; left-- {
		c.Say(bad)
		c.Expect("还可以尝试")
	}
	c.Say(bad)
	c.Expect("错误次数过多", "锁定到")
	c.Say("/units")
	c.Expect("锁定到")
	r.advance(models.FactorLockout)
	c.Say("/units")
	c.Say(code(t, secret, *r.now))
	c.Expect("验证通过", "东湖镇（演示）")
}

// TestFactor_OthersNotAsked: supervisors and inspectors are never asked,
// and with the gate off (the default of an App) administrators are not.
func TestFactor_OthersNotAsked(t *testing.T) {
	r := newRig(t)
	const sup = 20001
	ctx := context.Background()
	east, err := r.store.FindUnitByName(ctx, "东湖镇（演示）")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.store.CreateUser(ctx, models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin},
		&models.User{TelegramID: sup, Name: "分管", Role: models.RoleSupervisor, UnitID: east.ID}); err != nil {
		t.Fatal(err)
	}
	s := kittest.NewChat(t, r.app, sup)
	s.Say("/users")
	s.Expect("演示回访人员")
	s.Refute("二次验证")
	s.Say("/2fa")
	s.Expect("二次验证只用于管理员账户")

	off, _, _ := apptest.NewApp(t)
	a := kittest.NewChat(t, off, apptest.DemoAdmin)
	a.Say("/units")
	a.Expect("东湖镇（演示）")
	a.Say("/2fa")
	a.Expect("没有启用管理员二次验证")
}

// TestFactor_Reset: an administrator resets their own factor after a
// code typed for it, and another administrator's (a lost phone) after a
// fresh code of their own; the other is enrolled again at their next
// action.
func TestFactor_Reset(t *testing.T) {
	r := newRig(t)
	a := kittest.NewChat(t, r.app, apptest.DemoAdmin)
	boot := kittest.NewChat(t, r.app, apptest.BootAdmin) // configured, no users row
	secretA := r.enrol(t, a)
	r.enrol(t, boot)

	a.Say("/2fa")
	a.Expect("二次验证已启用。最近一次验证", "有效至")
	a.Say("/2fa reset 777")
	a.Expect("已重置 <code>777</code> 的二次验证")
	boot.Say("/users")
	boot.Expect("请先完成设置")
	secretOf(t, boot)

	r.advance(5 * time.Minute)
	a.Say("/2fa reset")
	a.Expect("请输入验证器 App 显示的 6 位数字")
	a.Say(code(t, secretA, *r.now))
	a.Expect("验证通过", "已删除原来的二次验证设置", "设置二次验证")
	newSecret := secretOf(t, a)
	if newSecret == secretA {
		t.Fatal("the same key again")
	}
	r.advance(30 * time.Second)
	a.Say(code(t, newSecret, *r.now))
	a.Expect("二次验证已启用")
	a.Say("/2fa reset 424242")
	a.Expect("没有设置二次验证")
}

// TestFactor_SealedSecret: with a state key the stored secret is sealed
// (the database holds no key an authenticator could use), and after a key
// rotation it is sealed again under the new key when next used.
func TestFactor_SealedSecret(t *testing.T) {
	oldKey, newKey := modelstest.NewStateKey(t), modelstest.NewStateKey(t)
	keyring := func(current []byte, old ...[]byte) *models.Keyring {
		k, err := models.NewKeyring(factor.Purpose, current, old...)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	r := newRig(t, func(o *handlers.Options) { o.FactorKeys = keyring(oldKey) })
	c := kittest.NewChat(t, r.app, apptest.DemoAdmin)
	secret := r.enrol(t, c)
	ctx := context.Background()
	f, err := r.store.SecondFactor(ctx, apptest.DemoAdmin)
	if err != nil || !f.Sealed || bytes.Contains(f.Secret, []byte(secret)) {
		t.Fatalf("stored factor: sealed %t, holds the key %t, %v", f.Sealed, bytes.Contains(f.Secret, []byte(secret)), err)
	}
	rotated := apptest.MustApp(t, r.store, r.state, func(o *handlers.Options) {
		o.AdminFactor, o.Now, o.FactorKeys = true, func() time.Time { return *r.now }, keyring(newKey, oldKey)
	})
	r.advance(13 * time.Hour)
	c.H = rotated
	c.Say("/units")
	c.Say(code(t, secret, *r.now))
	c.Expect("验证通过", "东湖镇（演示）")
	newOnly := apptest.MustApp(t, r.store, r.state, func(o *handlers.Options) {
		o.AdminFactor, o.Now, o.FactorKeys = true, func() time.Time { return *r.now }, keyring(newKey)
	})
	r.advance(13 * time.Hour)
	c.H = newOnly
	c.Say("/units")
	c.Say(code(t, secret, *r.now))
	c.Expect("验证通过", "东湖镇（演示）")

	lost := apptest.MustApp(t, r.store, r.state, func(o *handlers.Options) {
		o.AdminFactor, o.Now, o.FactorKeys = true, func() time.Time { return *r.now }, keyring(modelstest.NewStateKey(t))
	})
	r.advance(13 * time.Hour)
	c.H = lost
	c.Say("/units")
	c.Say(code(t, secret, *r.now))
	c.Expect("无法读取您的二次验证密钥", "/2fa reset 10001")
}
