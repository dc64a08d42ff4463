package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestRun_Help(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--help"}, env(nil), strings.NewReader(""), &out, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run --help = %v", err)
	}
	for _, want := range []string{"console [--user ID] [--demo]", "migrate", "TELEGRAM_BOT_TOKEN", "MYSQL_DSN", "REDIS_URL", "HUIFANG_ADMINS", "HUIFANG_TIMEZONE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestRun_BadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"bogus"}, nil, `unknown command "bogus"`},
		{[]string{"migrate"}, map[string]string{"HUIFANG_ADMINS": "12x"}, "HUIFANG_ADMINS"},
		{[]string{"serve"}, map[string]string{"HUIFANG_SQLITE_PATH": ":memory:"}, "TELEGRAM_BOT_TOKEN"},
		{[]string{"console"}, map[string]string{"HUIFANG_SQLITE_PATH": ":memory:"}, "--user"},
		{[]string{"console", "--user", "x"}, nil, "not a Telegram user id"},
		{[]string{"report", "--year", "19"}, nil, "want a year from 2000 to 2100"},
		{[]string{"report", "--xlsx"}, nil, "--xlsx needs a value"},
		{[]string{"report", "2026"}, nil, "2026"},
		{[]string{"serve"}, map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "REDIS_URL": "redis://127.0.0.1:6379/0"}, "HUIFANG_STATE_KEY: must be set when REDIS_URL is set"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), tc.args, env(tc.env), strings.NewReader(""), &out, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %v = %v, want an error naming %q", tc.args, err, tc.want)
		}
	}
}

// TestRun_ConsoleDemo is the newcomer's first command, scripted: the demo
// roster, a status query and the start of a visit, on embedded SQLite.
func TestRun_ConsoleDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "huifang.db")
	var out, logs bytes.Buffer
	in := strings.NewReader("/status 王五\n/visit 张三\n2\n1\n")
	err := run(context.Background(), []string{"console", "--demo", "-sqlite-path", db}, env(nil), in, &out, &logs)
	if err != nil {
		t.Fatalf("console: %v\n%s", err, logs.String())
	}
	for _, want := range []string{"财政所副所长", "回访次数：2", "找到多名人员", "[2] 张三 · 西山街道", "开始为 张三", "回访方式"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
	// The demo load is idempotent and `migrate` works on the same file.
	if err := run(context.Background(), []string{"demo", "-sqlite-path", db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("demo again: %v", err)
	}
	if err := run(context.Background(), []string{"migrate", "-sqlite-path", db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

// TestRun_TemplateAndImport: `huifang template` writes the workbook and
// `huifang import FILE --yes` imports through the bot's own flow.
func TestRun_TemplateAndImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "huifang.db")
	var out, logs bytes.Buffer
	tpl := filepath.Join(dir, "t.xlsx")
	if err := run(context.Background(), []string{"template", tpl}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("template: %v", err)
	}
	if b, err := os.ReadFile(tpl); err != nil || len(b) < 4 || string(b[:2]) != "PK" {
		t.Fatalf("template file: %v", err)
	}
	if err := run(context.Background(), []string{"demo", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("demo: %v", err)
	}
	csv := filepath.Join(dir, "m.csv")
	data := "姓名,单位,职务,职级,是否重点,重点原因\n测试甲,东湖村党支部（演示）,村委委员,其他,否,\n=1+1,东湖村党支部（演示）,,其他,否,\n"
	if err := os.WriteFile(csv, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(context.Background(), []string{"import", csv, "--yes", "-sqlite-path=" + db}, env(nil), strings.NewReader(""), &out, &logs)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, logs.String())
	}
	for _, want := range []string{"导入预览", "人员表第 3 行「姓名」", "导入完成：新增人员 1 人"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import output lacks %q:\n%s", want, out.String())
		}
	}
	// The same file again changes nothing.
	out.Reset()
	if err := run(context.Background(), []string{"import", csv, "--yes", "-sqlite-path=" + db}, env(nil), strings.NewReader(""), &out, &logs); err != nil {
		t.Fatalf("import again: %v", err)
	}
	if !strings.Contains(out.String(), "无变化 1 行") {
		t.Errorf("second import output:\n%s", out.String())
	}
	out.Reset()
	err = run(context.Background(), []string{"import", csv, "-sqlite-path=" + db}, env(nil), strings.NewReader("1\n"), &out, &logs)
	if err == nil || !strings.Contains(err.Error(), "nothing imported") || !strings.Contains(out.String(), "导入预览") {
		t.Errorf("import without --yes and without a terminal: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), []string{"import", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err == nil {
		t.Error("import without a file did not fail")
	}
}

// TestRun_CommandLineErrors: wrong arguments exit non-zero with one clear
// line; help goes to standard output.
func TestRun_CommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "HUIFANG_SQLITE_PATH" {
			return filepath.Join(dir, "huifang.db")
		}
		return ""
	}
	readme := filepath.Join(dir, "README.md")
	if err := os.WriteFile(readme, []byte("# not a roster"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", filepath.Join(dir, "nonexistent.xlsx")}, "no such file"},
		{[]string{"import", readme}, "not an .xlsx or .csv file"},
		{[]string{"template", "a.xlsx", "b.xlsx"}, "one file name at most"},
		{[]string{"migrate", "--bogus"}, "huifang --help lists the settings"},
		{[]string{"migrate", "-sqlite-path=" + filepath.Join(dir, "missing", "x.db")}, "does not exist"},
		{[]string{"export", "--year", "2026", "--from", "2026-01-01", "--to", "2026-02-01", "x.xlsx"}, "not both"},
		{[]string{"export", "--from", "2026-02-30", "--to", "2026-03-01", "x.xlsx"}, "is not a date"},
		{[]string{"export", "--from", "2026-03-01", "--to", "2026-01-01", "x.xlsx"}, "--to is before --from"},
		{[]string{"export", "--from", "2026-03-01", "x.xlsx"}, "give both --from and --to"},
		{[]string{"export", "--year", "2026"}, "give the .xlsx file"},
		{[]string{"export", "--year", "20x6", "x.xlsx"}, "is not a year"},
		{[]string{"export", "a.xlsx", "b.xlsx"}, "one file"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), tc.args, env, strings.NewReader(""), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("%v: err = %v, want one line with %q", tc.args, err, tc.want)
		}
		if n := strings.Count(stderr.String(), "\n"); n > 2 {
			t.Errorf("%v: %d lines on stderr:\n%s", tc.args, n, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"--help"}, env, strings.NewReader(""), &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	if !strings.Contains(stdout.String(), "Usage: huifang") || stderr.Len() != 0 {
		t.Fatalf("--help: stdout %d bytes, stderr %q", stdout.Len(), stderr.String())
	}
	stdout.Reset()
	if err := run(t.Context(), []string{"migrate"}, env, strings.NewReader(""), &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "database migrated") {
		t.Fatalf("migrate: %v, %q", err, stdout.String())
	}
}

// TestRun_Audit: `huifang audit verify` checks the chain the console's
// actions wrote and names a broken link; `audit prune` keeps everything
// by default and refuses a retention under six months.
func TestRun_Audit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "huifang.db")
	var out, logs bytes.Buffer
	in := strings.NewReader("/status 王五\n")
	if err := run(context.Background(), []string{"console", "--demo", "-sqlite-path", db}, env(nil), in, &out, &logs); err != nil {
		t.Fatalf("console: %v\n%s", err, logs.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"audit", "verify", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "audit chain OK") {
		t.Errorf("audit verify said %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"audit", "prune", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err != nil || !strings.Contains(out.String(), "nothing pruned") {
		t.Errorf("audit prune with keep: %v, %q", err, out.String())
	}
	err := run(context.Background(), []string{"audit", "prune", "-sqlite-path=" + db, "-audit-retention=3"}, env(nil), nil, &out, &logs)
	if err == nil || !strings.Contains(err.Error(), "HUIFANG_AUDIT_RETENTION") {
		t.Errorf("audit prune keeping 3 months: %v", err)
	}
	if err := run(context.Background(), []string{"audit", "bogus", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err == nil {
		t.Error("audit bogus: no error")
	}
}

// TestRun_FactorReset: `huifang 2fa reset ID` removes an administrator's
// second factor from the server (a lost phone, a lost state key).
func TestRun_FactorReset(t *testing.T) {
	db := filepath.Join(t.TempDir(), "huifang.db")
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "", db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin := models.Viewer{TelegramID: 4242, Role: models.RoleAdmin}
	if err := store.EnrolSecondFactor(ctx, admin, []byte("SECRET"), false); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	var out, logs bytes.Buffer
	if err := run(ctx, []string{"2fa", "reset", "4242", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("2fa reset: %v\n%s", err, logs.String())
	}
	if !strings.Contains(out.String(), "second factor of 4242 removed") {
		t.Errorf("2fa reset said %q", out.String())
	}
	err = run(ctx, []string{"2fa", "reset", "4242", "-sqlite-path=" + db}, env(nil), nil, &out, &logs)
	if err == nil || !strings.Contains(err.Error(), "has no second factor") {
		t.Errorf("second reset: %v", err)
	}
	if err := run(ctx, []string{"2fa", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("2fa without reset: %v", err)
	}
}

// TestRun_ImportNullStdin: an import run with its standard input on
// /dev/null (cron, systemd, `</dev/null`) has no terminal to confirm on
// either: /dev/null is a character device, not a terminal. Nothing is
// imported and it exits non-zero.
func TestRun_ImportNullStdin(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "huifang.db")
	var out, logs bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-sqlite-path=" + db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("demo: %v", err)
	}
	csv := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(csv, []byte("姓名,单位,职务,人员类别,是否重点,重点原因\n测试乙,东湖村党支部（演示）,,其他,否,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	out.Reset()
	err = run(context.Background(), []string{"import", csv, "-sqlite-path=" + db}, env(nil), null, &out, &logs)
	if err == nil || !strings.Contains(err.Error(), "nothing imported") || !strings.Contains(out.String(), "导入预览") {
		t.Fatalf("import with stdin on %s: %v\n%s", os.DevNull, err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"import", csv, "--yes", "-sqlite-path=" + db}, env(nil), strings.NewReader(""), &out, &logs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "新增人员 1 人") {
		t.Errorf("the import without a terminal wrote the member:\n%s", out.String())
	}
}

// TestRun_ConsoleFirstLine: what the console's user sees first, on a
// terminal where its standard output and error meet, is the hint: at the
// default log level the console logs nothing before it (no "store open",
// no "demo roster loaded"); at debug the configuration is logged.
func TestRun_ConsoleFirstLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "huifang.db")
	var term bytes.Buffer // one writer for both, as a terminal shows them
	if err := run(context.Background(), []string{"console", "--demo", "-sqlite-path", db}, env(nil), strings.NewReader("/help\n"), &term, &term); err != nil {
		t.Fatalf("console: %v\n%s", err, term.String())
	}
	if first, _, _ := strings.Cut(term.String(), "\n"); first != consoleHint {
		t.Fatalf("first line %q, want the hint:\n%s", first, term.String())
	}
	var out, logs bytes.Buffer
	debug := env(map[string]string{"HUIFANG_LOG_LEVEL": "debug"})
	if err := run(context.Background(), []string{"console", "--user", "10002", "-sqlite-path", db}, debug, strings.NewReader(""), &out, &logs); err != nil {
		t.Fatalf("console at debug: %v", err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); first != consoleHint {
		t.Errorf("first line at debug %q", first)
	}
	for _, want := range []string{"level=DEBUG msg=starting command=console", "config.sqlite_path=" + db, "store open"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("debug log lacks %q:\n%s", want, logs.String())
		}
	}
}
