package kit

import (
	"context"
	"sync"
	"time"

	"github.com/huifang/huifang/internal/ctxsleep"
)

// Progress of long work. Work that may take more than a couple of seconds
// (an export, a report) shows where it stands in one message of the chat:
// nothing while it is quick, then, after ProgressDelay, a first message,
// which is edited as the work goes on, at most once every ProgressEvery
// (Telegram allows about one message a second per chat, edits included).
// The transport supplies the ProgressSink through the context of the
// update (WithProgressSink); without one, progress is not shown.

// Default timing of progress messages.
const (
	ProgressDelay = 2 * time.Second
	ProgressEvery = 2 * time.Second
)

// ProgressSink sends and edits the progress message in the chat being
// answered, as replies to the user's own action (never held back like
// bulk messages). bot/ and the console implement it.
type ProgressSink interface {
	// Post sends a new protected message with text and returns its id.
	Post(ctx context.Context, text string) (int, error)
	// Edit replaces the text of message id.
	Edit(ctx context.Context, id int, text string) error
}

// ProgressTiming is when progress is shown: the first message after
// Delay, edits at most once every Every.
type ProgressTiming struct {
	Delay, Every time.Duration
}

type progressKey struct{}

type progressSetting struct {
	sink   ProgressSink
	timing ProgressTiming
}

// WithProgressSink returns ctx carrying sink, for the turns handled with
// it; a zero timing field is its default.
func WithProgressSink(ctx context.Context, sink ProgressSink, timing ProgressTiming) context.Context {
	if timing.Delay <= 0 {
		timing.Delay = ProgressDelay
	}
	if timing.Every <= 0 {
		timing.Every = ProgressEvery
	}
	return context.WithValue(ctx, progressKey{}, progressSetting{sink, timing})
}

// Progress is the progress message of one piece of work. Its methods are
// safe for concurrent use and do nothing on a nil *Progress.
type Progress struct {
	sink   ProgressSink
	timing ProgressTiming
	ctx    context.Context // the turn's, for the final edit
	runCtx context.Context // the loop's sends, cancelled when the work ends
	cancel context.CancelFunc

	mu    sync.Mutex
	text  string // the latest text
	shown string // the text the message shows
	id    int    // the message, 0 before it is sent
	last  time.Time
	kick  chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

// StartProgress starts showing the progress of work begun now, with first
// as the text of the first message, if ctx carries a sink (else it
// returns nil, on which every method does nothing). Finish it.
func StartProgress(ctx context.Context, first string) *Progress {
	set, ok := ctx.Value(progressKey{}).(progressSetting)
	if !ok || set.sink == nil {
		return nil
	}
	p := &Progress{sink: set.sink, timing: set.timing, text: first, ctx: ctx,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	// The loop's sends stop with the work; the turn's deadline bounds
	// them all.
	p.runCtx, p.cancel = context.WithCancel(ctx)
	go p.run()
	return p
}

// Progress starts the progress message of work of this turn (see
// StartProgress).
func (t *Turn) Progress(first string) *Progress { return StartProgress(t.Ctx, first) }

// Set makes text the progress to show; the message shows it at its next
// edit.
func (p *Progress) Set(text string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.text = text
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Finish ends the progress: if its message was sent, it is edited to
// final ("" leaves it as it is), once the throttle allows. Call it once,
// when the work is done.
func (p *Progress) Finish(final string) {
	if p == nil {
		return
	}
	close(p.stop)
	p.cancel()
	<-p.done
	p.mu.Lock()
	id, last := p.id, p.last
	p.mu.Unlock()
	if id == 0 || final == "" {
		return
	}
	if wait := p.timing.Every - time.Since(last); wait > 0 && !ctxsleep.Sleep(p.ctx, wait) {
		return
	}
	_ = p.sink.Edit(p.ctx, id, final) // progress is a courtesy: a failed edit is not the work's failure
}

// Shown reports the id of the progress message, 0 if none was sent.
func (p *Progress) Shown() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.id
}

// run sends the first message after the delay, then edits it when the
// text changed, no more often than the throttle, until Finish.
func (p *Progress) run() {
	defer close(p.done)
	if !p.wait(p.timing.Delay) {
		return
	}
	p.mu.Lock()
	text := p.text
	p.mu.Unlock()
	id, err := p.sink.Post(p.runCtx, text)
	if err != nil {
		return // no message: nothing to edit
	}
	p.mu.Lock()
	p.id, p.shown, p.last = id, text, time.Now()
	p.mu.Unlock()
	for {
		select {
		case <-p.stop:
			return
		case <-p.kick:
		}
		p.mu.Lock()
		wait := p.timing.Every - time.Since(p.last)
		p.mu.Unlock()
		if !p.wait(wait) {
			return
		}
		p.mu.Lock()
		text, changed := p.text, p.text != p.shown
		p.mu.Unlock()
		if !changed {
			continue
		}
		err := p.sink.Edit(p.runCtx, id, text)
		p.mu.Lock()
		p.last = time.Now()
		if err == nil {
			p.shown = text
		}
		p.mu.Unlock()
	}
}

// wait waits d; it reports false when the work finished first.
func (p *Progress) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-p.stop:
		return false
	case <-p.runCtx.Done():
		return false
	}
}
