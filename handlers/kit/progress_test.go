package kit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
)

// sinkLog records the progress sends with their times.
type sinkLog struct {
	mu    sync.Mutex
	posts []string
	edits []string
	times []time.Time // of every send
}

func (s *sinkLog) Post(_ context.Context, text string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts = append(s.posts, text)
	s.times = append(s.times, time.Now())
	return 42, nil
}

func (s *sinkLog) Edit(_ context.Context, id int, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != 42 {
		panic("edit of another message")
	}
	s.edits = append(s.edits, text)
	s.times = append(s.times, time.Now())
	return nil
}

func TestProgress_QuickWorkShowsNothing(t *testing.T) {
	sink := &sinkLog{}
	ctx := kit.WithProgressSink(context.Background(), sink, kit.ProgressTiming{Delay: time.Hour, Every: time.Hour})
	p := kit.StartProgress(ctx, "正在生成…")
	p.Set("已处理 1/2 条")
	p.Finish("完成")
	if len(sink.posts)+len(sink.edits) != 0 || p.Shown() != 0 {
		t.Errorf("quick work sent %v and edited %v", sink.posts, sink.edits)
	}
}

// TestProgress_Throttled: slow work that reports often gets one message,
// edited never more often than the throttle, and finally the last text.
func TestProgress_Throttled(t *testing.T) {
	sink := &sinkLog{}
	every := 60 * time.Millisecond
	ctx := kit.WithProgressSink(context.Background(), sink, kit.ProgressTiming{Delay: 30 * time.Millisecond, Every: every})
	p := kit.StartProgress(ctx, "正在生成…")
	start := time.Now()
	for i := 0; time.Since(start) < 400*time.Millisecond; i++ {
		p.Set("已处理 " + time.Since(start).String())
		time.Sleep(2 * time.Millisecond)
	}
	p.Finish("完成")
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.posts) != 1 {
		t.Fatalf("posts %q, want the one first message", sink.posts)
	}
	if len(sink.edits) < 2 || sink.edits[len(sink.edits)-1] != "完成" {
		t.Fatalf("edits %q, want progress then the final text", sink.edits)
	}
	for i := 1; i < len(sink.times); i++ {
		if gap := sink.times[i].Sub(sink.times[i-1]); gap < every-time.Millisecond {
			t.Errorf("send %d came %v after the one before, under the throttle %v", i, gap, every)
		}
	}
	if p.Shown() != 42 {
		t.Errorf("Shown() = %d", p.Shown())
	}
}

func TestProgress_NoSink(t *testing.T) {
	p := kit.StartProgress(context.Background(), "x")
	if p != nil {
		t.Fatal("progress without a sink")
	}
	p.Set("y") // no-ops on nil
	p.Finish("z")
}
