package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// formType is how Bot API calls send their parameters, as tgbotapi does.
const formType = "application/x-www-form-urlencoded"

// answers holds the buffers answers are read into; an answer is small
// (a callback's "true", a sent message) but every reply has one.
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// call makes one Bot API request bounded by ctx and the send timeout; the
// sender adds the method to its errors. It makes the request itself, like
// getUpdates, rather than through tgbotapi's MakeRequest: that sorts the
// parameters into url.Values, then decodes the answer with a stream decoder
// into an APIResponse whose result is a further copy; for two calls per
// user action (answerCallbackQuery and editMessageText) that was a third
// of the cost of the call, and most replies do not read the result. The
// parameters are encoded in one pass, the answer read into a pooled buffer
// and, in the usual shape, only checked. Errors are tgbotapi's, as
// MakeRequest returns them, and never hold the token.
func (t *Telegram) call(ctx context.Context, method string, p tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	buf.Reset()
	// The request body is not pooled: the transport may still hold it
	// after the answer is read.
	status, err := t.exchange(ctx, t.cfg.SendTimeout, method, formType, bytes.NewReader(appendForm(nil, p)), buf, maxAnswer)
	if err != nil {
		return nil, err
	}
	return parseAnswer(buf.Bytes(), status, !unreadResult[method])
}

// maxAnswer bounds the answer read: a sent message, a file's record.
const maxAnswer = 1 << 20

// unreadResult are the methods whose successful result no caller of call
// reads: the edited message an edit returns (the larger part of all
// answers) is neither checked nor copied, nor the update a confirming
// getUpdates brings back (the poller reads its own, getUpdates).
var unreadResult = map[string]bool{"editMessageText": true, "answerCallbackQuery": true, "getUpdates": true}

// parseAnswer reads a Bot API answer: the response, or the API's error
// (apiError); an answer that is not the API's JSON (a proxy's error page)
// is an error of its own, retried as a network failure. With keep, the
// result is checked and copied out of body; without, a successful answer
// has none.
func parseAnswer(body []byte, httpStatus int, keep bool) (*tgbotapi.APIResponse, error) {
	if result, ok := okResult(body); ok {
		if !keep {
			return &tgbotapi.APIResponse{Ok: true}, nil
		}
		if json.Valid(result) {
			return &tgbotapi.APIResponse{Ok: true, Result: bytes.Clone(result)}, nil
		}
	}
	var r tgbotapi.APIResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("decode answer (HTTP %d): %w", httpStatus, errorShape(err))
	}
	if err := apiError(&r, httpStatus); err != nil {
		return nil, err
	}
	if !keep {
		r.Result = nil
	}
	return &r, nil
}

// okHead is how the Bot API starts a successful answer.
const okHead = `{"ok":true,"result":`

// okResult returns the result of an answer in the usual successful shape,
// {"ok":true,"result":…}, as a slice of body; ok is false for any other
// shape, which the caller then decodes in full. The result is not checked.
func okResult(body []byte) (result []byte, ok bool) {
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(body), []byte(okHead))
	if !ok {
		return nil, false
	}
	return bytes.CutSuffix(rest, []byte("}"))
}

// appendForm appends p to b URL-encoded as a form, as url.Values.Encode
// would but unsorted and without the intermediate map and strings.
func appendForm(b []byte, p tgbotapi.Params) []byte {
	if b == nil {
		n := 0
		for k, v := range p {
			n += escapedLen(k) + escapedLen(v) + 2
		}
		b = make([]byte, 0, max(n-1, 0)) // exact (one & fewer than pairs): Chinese text triples when escaped
	}
	first := true
	for k, v := range p {
		if !first {
			b = append(b, '&')
		}
		first = false
		b = appendQueryEscape(b, k)
		b = append(b, '=')
		b = appendQueryEscape(b, v)
	}
	return b
}

// appendQueryEscape appends s escaped as url.QueryEscape does: letters,
// digits and -_.~ as they are, space as +, every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case unreserved(c):
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// escapedLen is the length of s after appendQueryEscape.
func escapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; !unreserved(c) && c != ' ' {
			n += 2
		}
	}
	return n
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
