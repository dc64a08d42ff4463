package bot

import (
	"context"
	"sync"

	"github.com/huifang/huifang/handlers/kit"
)

// consoleProgress prints the progress message of long work (kit.Progress)
// on the console: the first message and each edit as a line of its own,
// marked as progress.
type consoleProgress struct {
	mu *sync.Mutex
	st *consoleState
}

var _ kit.ProgressSink = consoleProgress{}

// Post prints the first progress message.
func (c consoleProgress) Post(_ context.Context, text string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.nextID++
	c.st.printed[c.st.nextID] = true
	c.st.w.print("（进度）" + PlainText(text) + "\n")
	return c.st.nextID, nil
}

// Edit prints the progress message's new text.
func (c consoleProgress) Edit(_ context.Context, _ int, text string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.w.print("（进度）" + PlainText(text) + "\n")
	return nil
}
