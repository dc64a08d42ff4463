package bot

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/huifang/huifang/handlers"
)

// dateFlow asks for a date with two buttons and confirms the choice by
// editing the question.
func dateFlow(_ context.Context, in handlers.Input) handlers.Response {
	switch {
	case in.Text == "boom":
		panic("boom")
	case in.Callback != "":
		return handlers.Response{
			CallbackText: "已选择",
			Messages:     []handlers.Message{{Text: "日期：<b>" + in.Callback + "</b> &amp; 完成", EditID: in.MessageID}},
		}
	case in.Text == "/visit":
		return handlers.Response{Messages: []handlers.Message{{
			Text:    "<b>哪一天？</b>",
			Buttons: [][]handlers.Button{{{Text: "今天", Data: "today"}, {Text: "昨天", Data: "yday"}}, {{Text: "取消", Data: "cancel"}}},
		}}}
	default:
		return handlers.Response{Messages: []handlers.Message{{Text: "你说：" + in.Text}}}
	}
}

func TestConsole_Run(t *testing.T) {
	var inputs []handlers.Input
	var out strings.Builder
	c := &Console{
		In:        strings.NewReader("/visit\n2\n7\nboom\n"),
		Out:       &out,
		ChatID:    42,
		UserID:    7,
		FirstName: "小明",
		Lang:      "zh",
		Handler: handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) handlers.Response {
			inputs = append(inputs, in)
			return dateFlow(ctx, in)
		}),
		Apology: func(handlers.Input) handlers.Response {
			return handlers.Response{Messages: []handlers.Message{{Text: "抱歉，出错了"}}}
		},
	}
	if err := c.Run(t.Context()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := "> 哪一天？\n" +
		"[1] 今天  [2] 昨天\n" +
		"[3] 取消\n" +
		"> （提示）已选择\n" +
		"日期：yday & 完成\n" +
		"> 你说：7\n" +
		"> 抱歉，出错了\n" +
		"> \n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	press := inputs[1]
	if press.Callback != "yday" || press.MessageID != 1 || press.CallbackID == "" || press.ChatID != 42 || press.UserID != 7 || press.LangCode != "zh" {
		t.Errorf("button press input = %+v", press)
	}
	if inputs[2].Text != "7" {
		t.Errorf("after the edit removed the buttons, 7 should be text: %+v", inputs[2])
	}
}

func TestConsole_Run_Cancel(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	c := &Console{In: r, Out: &strings.Builder{}, Handler: handlers.HandlerFunc(dateFlow)}
	go func() { done <- c.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Run did not stop on cancel")
	}
}

func TestConsole_Run_SavesDocument(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "名单.csv"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	c := &Console{
		In:  strings.NewReader("/export\n/export\n1\n"),
		Out: &out,
		Dir: dir,
		Handler: handlers.HandlerFunc(func(_ context.Context, in handlers.Input) handlers.Response {
			if in.Callback != "" {
				return handlers.Response{Messages: []handlers.Message{{Text: "cb: " + in.Callback}}}
			}
			return handlers.Response{Messages: []handlers.Message{{
				Text:     "<b>名单</b> &amp; 说明",
				Buttons:  [][]handlers.Button{{{Text: "好", Data: "ok"}}},
				Document: &handlers.File{Name: "../名单.csv", Data: testCSV},
			}}}
		}),
	}
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	first, second := filepath.Join(dir, "名单 (1).csv"), filepath.Join(dir, "名单 (2).csv")
	want := "> （文件已保存：" + first + "）\n名单 & 说明\n[1] 好\n" +
		"> （文件已保存：" + second + "）\n名单 & 说明\n[1] 好\n" +
		"> cb: ok\n> \n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	for _, p := range []string{first, second} {
		data, err := os.ReadFile(p)
		if err != nil || string(data) != string(testCSV) {
			t.Errorf("%s = %q, %v", p, data, err)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, %v: want 0600", p, fi.Mode(), err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "名单.csv")); string(data) != "old" {
		t.Error("existing file overwritten")
	}
}

func TestConsole_Run_File(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "导入 名单.csv")
	if err := os.WriteFile(path, testCSV, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var inputs []handlers.Input
	c := &Console{In: strings.NewReader("/file\n/file " + filepath.Join(dir, "missing.csv") + "\n/file " + big + "\n" +
		"/file '" + path + "'\n/files\n"), Out: &out}
	c.Handler = handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) handlers.Response {
		inputs = append(inputs, in)
		if in.Document == nil {
			return handlers.Response{Messages: []handlers.Message{{Text: "text: " + in.Text}}}
		}
		data, err := c.GetFile(ctx, in.Document.FileID)
		if err != nil {
			return handlers.Response{Messages: []handlers.Message{{Text: err.Error()}}}
		}
		return handlers.Response{Messages: []handlers.Message{{Text: fmt.Sprintf("got %d bytes", len(data))}}}
	})
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) != 7 ||
		!strings.HasPrefix(lines[0], "> （用法：/file") ||
		!strings.HasPrefix(lines[1], "> （无法读取文件：") ||
		!strings.HasPrefix(lines[2], "> （文件太大：") ||
		lines[3] != fmt.Sprintf("> got %d bytes", len(testCSV)) ||
		lines[4] != "> text: /files" {
		t.Errorf("output:\n%s", out.String())
	}
	want := []handlers.Input{
		{UpdateID: 1, ChatID: 1, ChatType: "private", UserID: 1, Document: &handlers.Document{FileID: "console:1", FileName: "导入 名单.csv", Size: int64(len(testCSV))}},
		{UpdateID: 2, ChatID: 1, ChatType: "private", UserID: 1, Text: "/files"},
	}
	if diff := cmp.Diff(want, inputs); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	if _, err := c.GetFile(t.Context(), "console:9"); err == nil {
		t.Error("GetFile of an unknown id succeeded")
	}
}

func TestConsole_GetFile_KeepsLatest(t *testing.T) {
	c := &Console{}
	var ids []string
	for i := range consoleKeep + 2 {
		ids = append(ids, c.files.add([]byte{byte(i)}))
	}
	if _, err := c.GetFile(t.Context(), ids[0]); err == nil {
		t.Error("the oldest file is still kept")
	}
	got, err := c.GetFile(t.Context(), ids[len(ids)-1])
	if err != nil || len(got) != 1 || got[0] != consoleKeep+1 {
		t.Errorf("GetFile(latest) = %v, %v", got, err)
	}
	got[0] = 99 // a copy: the console's bytes stay as they were
	if again, _ := c.GetFile(t.Context(), ids[len(ids)-1]); again[0] != consoleKeep+1 {
		t.Error("GetFile returned the console's own slice")
	}
}

func TestConsole_Run_Notify(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	c := &Console{In: strings.NewReader("hi\n1\n"), Out: &out, Dir: dir, Handler: handlers.HandlerFunc(func(_ context.Context, in handlers.Input) handlers.Response {
		if in.Callback != "" {
			return handlers.Response{Messages: []handlers.Message{{Text: "pressed " + in.Callback}}}
		}
		return handlers.Response{
			Messages: []handlers.Message{{Text: "好的", Buttons: [][]handlers.Button{{{Text: "mine", Data: "m"}}}}},
			Notify: []handlers.Outgoing{
				{ChatID: 99, Message: handlers.Message{Text: "<b>邀请</b>已使用", Buttons: [][]handlers.Button{{{Text: "查看", Data: "v"}}}}},
				{ChatID: 98, Message: handlers.Message{Text: "附件", Document: &handlers.File{Name: "n.txt", Data: []byte("x")}}},
			},
		}
	})}
	if err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := "> 好的\n[1] mine\n" +
		"（发给 99 的通知）邀请已使用\n[查看]\n" +
		"（发给 98 的通知）（文件已保存：" + filepath.Join(dir, "n.txt") + "）\n附件\n" +
		"> pressed m\n> \n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
