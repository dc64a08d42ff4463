package bot

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
)

// Console runs the handler in a terminal: each line typed is a text message,
// a number presses that button of the latest message with buttons, and
// "/file <path>" sends that file as a document, which the handler then
// reads through the console's GetFile. Documents the bot sends are saved
// into Dir. A Console must not be copied after first use.
type Console struct {
	In        io.Reader
	Out       io.Writer
	ChatID    int64 // default 1
	UserID    int64 // default 1
	FirstName string
	Lang      string
	Handler   handlers.Handler
	// Apology is shown when the handler panics, as on Telegram.
	Apology func(in handlers.Input) handlers.Response
	// Logger receives panics; nil discards them.
	Logger *slog.Logger
	// Dir is where documents the bot sends are saved; "" is the current
	// directory.
	Dir string
	// Progress times the progress lines of long work (kit.Progress); zero
	// fields: kit's defaults.
	Progress kit.ProgressTiming

	mu    sync.Mutex
	files consoleFiles // documents sent with /file, for GetFile
}

// consoleState is what one Run remembers of the conversation.
type consoleState struct {
	w        *errWriter
	dir      string // where documents are saved
	updateID int
	nextID   int
	printed  map[int]bool
	kbID     int // message id of the latest keyboard, 0 if none
	kb       []handlers.Button
}

// Run reads lines until EOF or ctx is cancelled, both ending it with nil.
// It fails only when writing to Out fails.
func (c *Console) Run(ctx context.Context) error {
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := recoverer(log, c.Apology)(c.Handler)
	st := &consoleState{w: &errWriter{w: c.Out}, dir: c.Dir, printed: make(map[int]bool)}
	lines := readLines(ctx, c.In)
	for {
		st.w.print("> ")
		if st.w.err != nil {
			return fmt.Errorf("console: %w", st.w.err)
		}
		var line string
		select {
		case <-ctx.Done():
			st.w.print("\n")
			return nil
		case l, ok := <-lines:
			if !ok {
				st.w.print("\n")
				return nil
			}
			line = l
		}
		in, ok := c.input(st, strings.TrimSpace(line))
		if !ok {
			continue
		}
		pctx := kit.WithProgressSink(ctx, consoleProgress{mu: &c.mu, st: st}, c.Progress)
		st.show(h.Handle(pctx, in))
	}
}

// input makes the Input of a typed line: a button press, a document
// (/file) or a text. It reports false when there is nothing to handle.
func (c *Console) input(st *consoleState, line string) (handlers.Input, bool) {
	if line == "" {
		return handlers.Input{}, false
	}
	var doc *handlers.Document
	if arg, ok := fileCommand(line); ok {
		var err error
		if doc, err = c.readFile(arg); err != nil {
			st.w.print("（" + err.Error() + "）\n")
			return handlers.Input{}, false
		}
	}
	st.updateID++
	in := handlers.Input{
		UpdateID:  st.updateID,
		ChatID:    orOne(c.ChatID),
		ChatType:  handlers.ChatPrivate,
		UserID:    orOne(c.UserID),
		FirstName: c.FirstName,
		LangCode:  c.Lang,
	}
	switch n, err := strconv.Atoi(line); {
	case doc != nil:
		in.Document = doc
	case err == nil && n >= 1 && n <= len(st.kb):
		in.Callback = st.kb[n-1].Data
		in.CallbackID = "console-" + strconv.Itoa(st.updateID)
		in.MessageID = st.kbID
	default:
		in.Text = line
	}
	return in, true
}

// show prints a response: the callback toast, then each message with its
// buttons numbered across rows, then the notifications to other chats.
func (st *consoleState) show(resp handlers.Response) {
	if resp.CallbackText != "" {
		st.w.print("（提示）" + resp.CallbackText + "\n")
	}
	for _, m := range resp.Messages {
		id := m.EditID
		if id == 0 || m.Document != nil || !st.printed[id] {
			st.nextID++
			id = st.nextID
			st.printed[id] = true
		}
		if m.Document != nil {
			st.saveDocument(m.Document)
		}
		if text := PlainText(m.Text); text != "" || m.Document == nil {
			st.w.print(text + "\n")
		}
		var flat []handlers.Button
		for _, row := range m.Buttons {
			cells := make([]string, 0, len(row))
			for _, b := range row {
				flat = append(flat, b)
				cells = append(cells, fmt.Sprintf("[%d] %s", len(flat), b.Text))
			}
			if len(cells) > 0 {
				st.w.print(strings.Join(cells, "  ") + "\n")
			}
		}
		switch {
		case len(flat) > 0:
			st.kbID, st.kb = id, flat
		case id == st.kbID:
			st.kbID, st.kb = 0, nil
		}
	}
	for _, o := range resp.Notify {
		st.showNotification(o)
	}
}

// showNotification prints a message to another chat. Its buttons are
// listed but not numbered: they are that chat's to press, not ours.
func (st *consoleState) showNotification(o handlers.Outgoing) {
	st.w.print(fmt.Sprintf("（发给 %d 的通知）", o.ChatID))
	if o.Message.Document != nil {
		st.saveDocument(o.Message.Document)
	}
	if text := PlainText(o.Message.Text); text != "" || o.Message.Document == nil {
		st.w.print(text + "\n")
	}
	var cells []string
	for _, row := range o.Message.Buttons {
		for _, b := range row {
			cells = append(cells, "["+b.Text+"]")
		}
	}
	if len(cells) > 0 {
		st.w.print(strings.Join(cells, "  ") + "\n")
	}
}

// readLines delivers In's lines on a channel closed at EOF, so that Run can
// also stop on ctx while a read blocks.
func readLines(ctx context.Context, r io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	return lines
}

// errWriter keeps the first write error so printing needs no checks.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) print(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func orOne(id int64) int64 {
	if id == 0 {
		return 1
	}
	return id
}
