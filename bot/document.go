package bot

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"mime/multipart"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
)

// MaxUploadSize is the largest file the public Bot API accepts from a bot.
const MaxUploadSize = 50 << 20

// maxCaption is Telegram's caption limit, 1024 characters after entity
// parsing; splitHTML's measure (UTF-16 units, entities as 2) never counts
// fewer than Telegram does.
const maxCaption = 1024

// maxFileName bounds the bytes of a file name we send or save.
const maxFileName = 200

var _ handlers.FileGetter = (*Telegram)(nil)

// sendDocument sends m.Document with m.Text as its caption and m.Buttons
// under it. A text too long for a caption goes first as messages of its own
// and the document follows without caption. EditID is ignored: a text
// message cannot be edited into a document. A File marked Photo goes by
// sendPhoto, shown in the chat.
func (t *Telegram) sendDocument(ctx context.Context, c *chatCall, m handlers.Message) error {
	chatID := c.id
	doc := m.Document
	if len(doc.Data) > MaxUploadSize {
		return fmt.Errorf("send document to chat %d: %d bytes, over the %d upload limit: %w", chatID, len(doc.Data), MaxUploadSize, ErrFileTooLarge)
	}
	markup, err := keyboard(m.Buttons)
	if err != nil {
		t.log.Error("dropping invalid keyboard", "chat_id", chatID, "err", err)
		markup = ""
	}
	caption := ""
	switch parts := splitHTML(m.Text, maxCaption); len(parts) {
	case 0: // no text: no caption
	case 1:
		caption = parts[0]
	default:
		for _, part := range splitHTML(m.Text, maxText) {
			if err := t.sendText(ctx, c, part, "", m.Protect); err != nil {
				return err
			}
		}
	}
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10)}
	if caption != "" {
		p["caption"] = caption
		p["parse_mode"] = tgbotapi.ModeHTML
	}
	p.AddNonEmpty("reply_markup", markup)
	p.AddBool("protect_content", m.Protect)
	name := safeFileName(doc.Name)
	method, field := "sendDocument", "document"
	if doc.Photo {
		method, field = "sendPhoto", "photo"
	}
	_, err = c.doFunc(ctx, method, func(ctx context.Context) (*tgbotapi.APIResponse, error) {
		return t.upload(ctx, method, p, field, name, doc.Data)
	})
	return err
}

// upload makes one multipart Bot API request carrying one file. tgbotapi's
// UploadFiles leaves the error code of a failed upload empty, and the sender
// needs it (403 blocked, 5xx retried), so the request is built here. The
// body is in memory, so that a retry can send it again.
func (t *Telegram) upload(ctx context.Context, method string, p tgbotapi.Params, field, name string, data []byte) (*tgbotapi.APIResponse, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, k := range slices.Sorted(maps.Keys(p)) {
		if err := w.WriteField(k, p[k]); err != nil {
			return nil, fmt.Errorf("encode upload: %w", err)
		}
	}
	part, err := w.CreateFormFile(field, name)
	if err != nil {
		return nil, fmt.Errorf("encode upload: %w", err)
	}
	if _, err := part.Write(data); err != nil {
		return nil, fmt.Errorf("encode upload: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encode upload: %w", err)
	}
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	buf.Reset()
	status, err := t.exchange(ctx, fileTimeout, method, w.FormDataContentType(), &body, buf, maxAnswer)
	if err != nil {
		return nil, err
	}
	return parseAnswer(buf.Bytes(), status, true)
}

// safeFileName makes name fit to send or to save: the base name only (no
// directory, whichever separator), no control characters or characters
// Windows forbids, no leading dots or spaces, at most maxFileName bytes with
// the extension kept. An empty result becomes "document".
func safeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f:
			return -1
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRight(strings.TrimLeft(name, ". "), " ")
	if len(name) > maxFileName {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:len(name)-len(ext)]
		cut := maxFileName - len(ext)
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		name = stem[:cut] + ext
	}
	if name == "" {
		return "document"
	}
	return name
}
