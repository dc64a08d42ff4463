package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxFileSize is the largest file the public Bot API lets a bot download.
const MaxFileSize = 20 << 20

// ErrFileTooLarge is wrapped by GetFile's error for a file over MaxFileSize
// and by Send's for a document over MaxUploadSize.
var ErrFileTooLarge = errors.New("file too large for the Bot API")

const fileTimeout = 2 * time.Minute

// GetFile downloads a file a user sent (handlers.Document.FileID), up to
// MaxFileSize; a larger one fails with ErrFileTooLarge before any byte is
// downloaded (Telegram refuses getFile for it, a local Bot API server
// announces its size), or as soon as the download passes the limit. The
// download URL is derived from Config.Endpoint, not from tgbotapi's
// constant public host, so a local Bot API server or a test fake serves it
// too. Handlers that want to spare the call compare Input.Document.Size with
// MaxFileSize first.
func (t *Telegram) GetFile(ctx context.Context, fileID string) ([]byte, error) {
	resp, err := t.send.do(ctx, "getFile", tgbotapi.Params{"file_id": fileID})
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) && strings.Contains(strings.ToLower(tgErr.Message), "file is too big") {
		return nil, fmt.Errorf("get file: %w: %w", ErrFileTooLarge, err)
	}
	if err != nil {
		return nil, fmt.Errorf("get file: %w", err)
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil {
		return nil, fmt.Errorf("get file: decode: %w", err)
	}
	if f.FileSize > MaxFileSize {
		return nil, fmt.Errorf("get file: %d bytes, over the %d limit: %w", f.FileSize, MaxFileSize, ErrFileTooLarge)
	}
	if f.FilePath == "" {
		return nil, errors.New("get file: no file path in the answer")
	}
	base, ok := strings.CutSuffix(t.cfg.Endpoint, "/bot%s/%s")
	if !ok {
		return nil, fmt.Errorf("get file: endpoint %q does not end in /bot%%s/%%s", t.cfg.Endpoint)
	}
	data, err := t.download(ctx, fmt.Sprintf(base+"/file/bot%s/%s", t.cfg.Token, f.FilePath))
	if err != nil {
		return nil, fmt.Errorf("get file: %w", err)
	}
	return data, nil
}

func (t *Telegram) download(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, redactError(err, t.cfg.Token)
	}
	client := &http.Client{Transport: t.cfg.Transport, Timeout: fileTimeout}
	res, err := client.Do(req)
	if err != nil {
		return nil, redactError(err, t.cfg.Token)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: http status %d", res.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("download: %w", redactError(err, t.cfg.Token))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("download: over the %d byte limit: %w", MaxFileSize, ErrFileTooLarge)
	}
	return data, nil
}
