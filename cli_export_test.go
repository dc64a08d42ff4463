package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestRun_Export: huifang export writes the workbook of a unit and a
// year, the same sheets as the chat's.
func TestRun_Export(t *testing.T) {
	dir := t.TempDir()
	env := func(k string) string {
		if k == "HUIFANG_SQLITE_PATH" {
			return filepath.Join(dir, "huifang.db")
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"demo"}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("demo: %v", err)
	}
	file := filepath.Join(dir, "out.xlsx")
	out.Reset()
	if err := run(t.Context(), []string{"export", "--unit", "西山街道（演示）", file}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("export: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "exported") {
		t.Errorf("stdout %q", out.String())
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "人员,处分,回访记录,统计" {
		t.Errorf("sheets %s", got)
	}
	rows, _ := f.GetRows("人员")
	if len(rows) < 2 {
		t.Fatal("no members exported")
	}
	for _, r := range rows[1:] {
		if !strings.Contains(r[2], "西山") {
			t.Errorf("member of %s in the 西山 export", r[2])
		}
	}
}
