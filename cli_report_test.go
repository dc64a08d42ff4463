package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestRun_Report prints the demo roster's figures and writes the workbook
// and the chart; a unit that matches nothing exits with a one-line error.
func TestRun_Report(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "huifang.db")
	var out, logs bytes.Buffer
	if err := run(context.Background(), []string{"demo", "-sqlite-path", db}, env(nil), nil, &out, &logs); err != nil {
		t.Fatalf("demo: %v\n%s", err, logs.String())
	}
	out.Reset()
	xlsx, pngFile := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.png")
	err := run(context.Background(), []string{"report", "--unit", "东湖镇（演示）", "--xlsx", xlsx, "--png=" + pngFile, "-sqlite-path", db},
		env(nil), nil, &out, &logs)
	if err != nil {
		t.Fatalf("report: %v\n%s", err, logs.String())
	}
	for _, want := range []string{"东湖镇（演示）", "名受处分党员干部进行回访", "合计\tN=", xlsx, pngFile} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("汇总", "A1"); v != "单位" {
		t.Errorf("汇总!A1 = %q", v)
	}
	data, err := os.ReadFile(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("chart: %v", err)
	}
	err = run(context.Background(), []string{"report", "--unit", "没有", "-sqlite-path", db}, env(nil), nil, &out, &logs)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "matches 0 units") {
		t.Errorf("report --unit 没有 = %v", err)
	}
}
