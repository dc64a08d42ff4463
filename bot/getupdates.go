package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// getUpdates makes the getUpdates call itself rather than through
// tgbotapi's MakeRequest, which decodes the answer into memory twice (a
// stream decoder, then a copy of the result) before decodeBatch splits it
// a third time. A poll brings back every update still in hand (the offset
// cannot pass the oldest of them), some forty at saturation, so that was
// most of the poller's CPU and a sixth of all allocation. Here the body
// is read once into a buffer kept between polls and the result array is
// split in place (splitArray); errors are tgbotapi's, as MakeRequest
// returns them. The raw updates are only valid until the next call.
func (t *Telegram) getUpdates(ctx context.Context, p tgbotapi.Params) ([]json.RawMessage, error) {
	// The request may legitimately last the whole long-poll timeout.
	t.pollBuf.Reset()
	status, err := t.exchange(ctx, t.cfg.PollTimeout+10*time.Second, "getUpdates", formType, bytes.NewReader(appendForm(nil, p)), &t.pollBuf, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	return parseUpdates(t.pollBuf.Bytes(), status)
}

// parseUpdates reads a getUpdates answer: the raw updates, or the API's
// error (apiError). The usual shape is split in place; any other is
// decoded in full.
func parseUpdates(body []byte, httpStatus int) ([]json.RawMessage, error) {
	if result, ok := okResult(body); ok {
		if raws, ok := splitArray(result); ok {
			return raws, nil
		}
	}
	r, err := parseAnswer(body, httpStatus, true)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(r.Result, &raws); err != nil {
		return nil, fmt.Errorf("decode getUpdates result: %w", errorShape(err))
	}
	return raws, nil
}

// splitArray cuts a JSON array into its elements, in place, following
// strings and nesting; ok is false when b is not an array of that shape
// (the caller then decodes it properly). Each element is checked when it
// is decoded.
func splitArray(b []byte) (elems []json.RawMessage, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return elems, skipSpace(b, i+1) == len(b)
	}
	for {
		start, depth, inString := i, 0, false
	scan:
		for ; i < len(b); i++ {
			c := b[i]
			if inString {
				switch c {
				case '\\':
					i++
				case '"':
					inString = false
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				if depth == 0 {
					break scan
				}
				depth--
			case ',':
				if depth == 0 {
					break scan
				}
			}
		}
		if i >= len(b) {
			return nil, false
		}
		elem := bytes.TrimRight(b[start:i], " \t\r\n")
		if len(elem) == 0 {
			return nil, false
		}
		elems = append(elems, elem)
		if b[i] == ']' {
			return elems, skipSpace(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return nil, false
		}
		i = skipSpace(b, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}
