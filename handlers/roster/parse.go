package roster

// Reading an import file: download, parse within the importer's limits
// and time budget, and the words for each refusal. The preview's parse is
// kept in process for the confirm (parsedFiles), so that a file is
// downloaded and parsed once.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/importer"
)

// parseRefusals map the importer's refusals of a whole file to their
// messages, the narrow ones first: each limit refusal also matches
// ErrTooLarge, and ErrEncoding matches ErrFileType.
var parseRefusals = []struct {
	err  error
	id   string
	data []any
}{
	{importer.ErrUnpackedTooLarge, "ro_file_unpacked", []any{"Limit", byteSize(importer.MaxUnpackedBytes)}},
	{importer.ErrTooManySharedStrings, "ro_file_strings", []any{"N", importer.MaxSharedStrings}},
	{importer.ErrTooManyRows, "ro_file_rows", []any{"N", importer.MaxDataRows, "Span", importer.MaxSheetRows}},
	{importer.ErrCellBeyondHeader, "ro_file_wide", []any{"N", importer.MaxColumns}},
	{importer.ErrTooComplex, "ro_file_complex", []any{"N", importer.MaxSheets}},
	{importer.ErrTimeBudget, "ro_file_slow", []any{"Seconds", int(importer.ParseTimeout / time.Second)}},
	{importer.ErrEncoding, "ro_file_encoding", nil},
	{importer.ErrFileType, "ro_file_type", nil},
	{importer.ErrEmpty, "ro_file_empty", nil},
	{importer.ErrHeaders, "ro_file_headers", nil},
	{importer.ErrTooLarge, "ro_file_too_big", []any{"Limit", byteSize(int64(importer.MaxFileBytes))}},
}

// parseImport returns the rows of the draft's file. A preview downloads
// and parses it and keeps the parse; its confirm takes that parse when
// this process still has it, else (another replica, a restart, expired)
// it downloads and parses the file again. ok is false when the user has
// been told why the file cannot be imported.
func (r *Roster) parseImport(t *kit.Turn, d *Draft, confirm bool) (importer.Result, bool, error) {
	key := parsedKeyOf(t, d)
	if res, ok := r.parsed.get(key, t.Env.Now()); ok && confirm {
		return res, true, nil
	}
	if t.Env.Files == nil {
		t.Say("ro_download_unavailable")
		return importer.Result{}, false, nil
	}
	data, err := t.Env.Files.GetFile(t.Ctx, d.FileID)
	if err != nil {
		t.Env.Log.Warn("download import file", "chat_id", t.In.ChatID, "err", err)
		t.Say("ro_download_failed")
		return importer.Result{}, false, nil
	}
	res, ok, err := parseFile(t, d.FileName, data, importer.ParseTimeout)
	if ok {
		r.parsed.put(key, res, t.Env.Now())
	}
	return res, ok, err
}

// parseFile parses data within budget, taken from the update's context
// so that the update's own deadline bounds it too.
func parseFile(t *kit.Turn, name string, data []byte, budget time.Duration) (importer.Result, bool, error) {
	ctx, cancel := context.WithTimeout(t.Ctx, budget)
	defer cancel()
	res, err := importer.ParseContext(ctx, name, data, t.Today())
	if err == nil {
		return res, true, nil
	}
	if t.Ctx.Err() != nil {
		// The update's own time ran out (or the bot is stopping): not
		// the file's fault.
		return importer.Result{}, false, fmt.Errorf("parse import file: %w", err)
	}
	if id, data, ok := parseRefusal(err); ok {
		t.Say(id, data...)
		return importer.Result{}, false, nil
	}
	return importer.Result{}, false, fmt.Errorf("parse import file: %w", err)
}

// parseRefusal is the message of a refusal of the whole file, and false
// for any other error.
func parseRefusal(err error) (string, []any, bool) {
	for _, e := range parseRefusals {
		if errors.Is(err, e.err) {
			return e.id, e.data, true
		}
	}
	return "", nil, false
}

// How long, and how much of, the parses of previews are kept for their
// confirm. A full file is 40,000 rows; the budget keeps a few of them.
const (
	parsedTTL     = 15 * time.Minute
	maxParsedRows = 5 * 2 * importer.MaxDataRows
)

// parsedKey names a parse: whose preview (a file id another user forwards
// is theirs to import), which file, and the day it was parsed on (dates
// are checked against today).
type parsedKey struct {
	user int64
	file string
	day  string
}

func parsedKeyOf(t *kit.Turn, d *Draft) parsedKey {
	return parsedKey{user: t.In.UserID, file: d.FileID, day: t.Today().Format(kit.DateLayout)}
}

type parsedEntry struct {
	res  importer.Result
	rows int
	at   time.Time
}

// parsedFiles keeps the parses of import previews in process. Another
// replica or a restart does not have them: the confirm then downloads and
// parses the file again.
type parsedFiles struct {
	mu   sync.Mutex
	m    map[parsedKey]parsedEntry
	rows int
}

func (c *parsedFiles) get(k parsedKey, now time.Time) (importer.Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || now.Sub(e.at) >= parsedTTL {
		return importer.Result{}, false
	}
	return e.res, true
}

// put keeps res, dropping expired parses and then the oldest ones while
// the rows kept would exceed maxParsedRows.
func (c *parsedFiles) put(k parsedKey, res importer.Result, now time.Time) {
	rows := len(res.Members) + len(res.Sanctions) + len(res.Rejected)
	if rows > maxParsedRows {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[parsedKey]parsedEntry{}
	}
	c.remove(k)
	for key, e := range c.m {
		if now.Sub(e.at) >= parsedTTL {
			c.remove(key)
		}
	}
	for c.rows+rows > maxParsedRows && len(c.m) > 0 {
		c.remove(c.oldest())
	}
	c.m[k] = parsedEntry{res: res, rows: rows, at: now}
	c.rows += rows
}

// drop forgets the parse of k (its import was written or cancelled).
func (c *parsedFiles) drop(k parsedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(k)
}

// remove forgets k; c.mu is held.
func (c *parsedFiles) remove(k parsedKey) {
	if e, ok := c.m[k]; ok {
		c.rows -= e.rows
		delete(c.m, k)
	}
}

// oldest is the key of the parse kept longest; c.mu is held and c.m is
// not empty.
func (c *parsedFiles) oldest() parsedKey {
	var (
		key   parsedKey
		first = true
		at    time.Time
	)
	for k, e := range c.m {
		if first || e.at.Before(at) {
			key, at, first = k, e.at, false
		}
	}
	return key
}
