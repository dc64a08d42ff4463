package bot

import (
	"context"
	"io"
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
