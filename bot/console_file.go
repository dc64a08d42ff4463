package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers"
)

// consoleKeep is how many /file documents the console keeps for GetFile.
const consoleKeep = 8

// consoleFilePrefix starts the file ids of documents sent with /file.
const consoleFilePrefix = "console:"

var _ handlers.FileGetter = (*Console)(nil)

// consoleFiles holds the latest documents sent with /file.
type consoleFiles struct {
	next  int
	order []string
	data  map[string][]byte
}

func (f *consoleFiles) add(data []byte) string {
	if f.data == nil {
		f.data = make(map[string][]byte)
	}
	f.next++
	id := consoleFilePrefix + strconv.Itoa(f.next)
	f.data[id] = data
	f.order = append(f.order, id)
	if len(f.order) > consoleKeep {
		delete(f.data, f.order[0])
		f.order = f.order[1:]
	}
	return id
}

// GetFile returns the bytes of a document sent with /file (its
// Input.Document.FileID), so that the console can be the handlers'
// FileGetter as Telegram is. The console keeps the latest few.
func (c *Console) GetFile(_ context.Context, fileID string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data, ok := c.files.data[fileID]
	if !ok {
		return nil, fmt.Errorf("console: no file %q", fileID)
	}
	return bytes.Clone(data), nil
}

// fileCommand reports whether line is "/file …" and returns its argument.
func fileCommand(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "/file")
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// readFile reads the file a /file line names and keeps it for GetFile. Its
// errors are printed to the console user as they are.
func (c *Console) readFile(arg string) (*handlers.Document, error) {
	path := unquote(arg)
	if path == "" {
		return nil, errors.New("用法：/file <文件路径>")
	}
	if rest, ok := strings.CutPrefix(path, "~"+string(filepath.Separator)); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法读取文件：%w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return nil, fmt.Errorf("无法读取文件：%w", err)
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("无法读取文件：%s 不是普通文件", path)
	case info.Size() > MaxFileSize:
		return nil, fmt.Errorf("文件太大：%d 字节，上限 %d MB", info.Size(), MaxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("无法读取文件：%w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("文件太大：上限 %d MB", MaxFileSize>>20)
	}
	c.mu.Lock()
	id := c.files.add(data)
	c.mu.Unlock()
	return &handlers.Document{FileID: id, FileName: filepath.Base(path), Size: int64(len(data))}, nil
}

// unquote strips one pair of matching quotes, as terminals add around a
// dragged-in path.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// saveDocument saves a document the bot sent and says where.
func (st *consoleState) saveDocument(f *handlers.File) {
	path, err := saveFile(st.dir, f.Name, f.Data)
	if err != nil {
		st.w.print("（文件保存失败：" + err.Error() + "）\n")
		return
	}
	st.w.print("（文件已保存：" + path + "）\n")
}

// saveFile writes data into dir ("" is the current directory) under name
// made safe, never over an existing file: "a.csv" becomes "a (1).csv" and
// so on. The file is readable by its owner only, as it may hold member
// data. It returns the absolute path.
func saveFile(dir, name string, data []byte) (string, error) {
	if dir == "" {
		dir = "."
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("save file: %w", err)
	}
	name = safeFileName(name)
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 0; i < 1000; i++ {
		n := name
		if i > 0 {
			n = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		path := filepath.Join(dir, n)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("save file: %w", err)
		}
		_, werr := f.Write(data)
		if err := errors.Join(werr, f.Close()); err != nil {
			_ = os.Remove(path)
			return "", fmt.Errorf("save file: %w", err)
		}
		return path, nil
	}
	return "", fmt.Errorf("save file: too many files named %q in %s", name, dir)
}
