package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huifang/huifang/documents"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// TestRun_FormArchive: `huifang form` and `huifang archive` write the
// documents the chat sends, read as the command line's administrator and
// audited so; the office is HUIFANG_OFFICE_NAME; wrong arguments exit
// non-zero with one line and write nothing.
func TestRun_FormArchive(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "huifang.db")
	ctx := context.Background()
	var out, logs bytes.Buffer
	settings := []string{"-sqlite-path=" + db, "-office-name=示范区纪委监委案件审理室"}
	if err := run(ctx, append([]string{"demo"}, settings...), env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("demo: %v\n%s", err, logs.String())
	}
	form, archive := filepath.Join(dir, "记录表.docx"), filepath.Join(dir, "档案.docx")
	if err := run(ctx, append([]string{"form", "1", form}, settings...), env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("form: %v\n%s", err, logs.String())
	}
	if err := run(ctx, append([]string{"archive", "4", archive}, settings...), env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("archive: %v\n%s", err, logs.String())
	}
	for file, want := range map[string][]string{
		form:    {"受纪律处分人员谈心回访情况登记表", "示范区纪委监委案件审理室", "王五", "回访人员签字"},
		archive: {"回访教育档案", "示范区纪委监委案件审理室", "王五", "三、回访记录（已审核）"},
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text, err := documents.BodyText(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q", file, w)
			}
		}
	}
	if !strings.Contains(out.String(), form) || !strings.Contains(out.String(), archive) {
		t.Errorf("the files written were not named: %q", out.String())
	}

	store, err := sqlstore.Open(ctx, "", db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	evs, err := store.ListAudit(ctx, models.Viewer{TelegramID: 1, Role: models.RoleAdmin}, models.AuditFilter{ActorID: cliActorID})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, ev := range evs {
		actions[ev.Action] = true
	}
	if !actions[models.AuditDocForm] || !actions[models.AuditDocArchive] {
		t.Errorf("command line's audit rows: %v, want doc_form and doc_archive", actions)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"form"}, "usage: huifang form VISIT-NO FILE.docx"},
		{[]string{"form", "1"}, "usage: huifang form VISIT-NO FILE.docx"},
		{[]string{"archive", "4", "a.docx", "b.docx"}, "usage: huifang archive MEMBER-NO FILE.docx"},
		{[]string{"form", "x", "a.docx"}, `"x" is not a number`},
		{[]string{"archive", "4", "a.pdf"}, "does not end in .docx"},
		{[]string{"form", "9999", filepath.Join(dir, "none.docx")}, "no visit number 9999"},
		{[]string{"archive", "9999", filepath.Join(dir, "none.docx")}, "no member number 9999"},
	} {
		err := run(ctx, append(tc.args, settings...), env(nil), nil, &out, &logs)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: err = %v, want one line with %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.docx")); !os.IsNotExist(err) {
		t.Errorf("a refused command wrote a file: %v", err)
	}
}
