package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// batch is one getUpdates answer, decoded update by update.
type batch struct {
	updates []tgbotapi.Update
	// highest is the highest update id seen, the undecodable ones
	// included, so that the offset moves past them; 0 when there was
	// nothing.
	highest int
}

// decodeBatch decodes the updates of a getUpdates answer (parseUpdates)
// one by one. tgbotapi decodes the whole array at once, so one update its
// types cannot hold (a field Telegram added or changed, an id beyond
// int64) failed every call and the offset never moved past it: here such
// an update is logged, by its id only, and skipped; it is confirmed with
// the rest of the batch.
//
// Updates known already (in hand or handled: a poll brings back what is
// not yet confirmed) are not decoded again when their id can be read
// from the head Telegram writes first.
func decodeBatch(raws []json.RawMessage, known func(id int) bool, log *slog.Logger) batch {
	b := batch{updates: make([]tgbotapi.Update, 0, len(raws))}
	for _, raw := range raws {
		if id, ok := headID(raw); ok && known(id) {
			b.highest = max(b.highest, id)
			continue
		}
		u, id, err := decodeUpdate(raw)
		if id != 0 {
			b.highest = max(b.highest, id)
		}
		if err != nil {
			logUndecodable(log, id, err)
			continue
		}
		b.updates = append(b.updates, u)
	}
	return b
}

// headID reads the update id of an update that starts {"update_id":N, as
// Telegram writes them; ok is false for any other shape.
func headID(raw []byte) (id int, ok bool) {
	const head = `{"update_id":`
	if len(raw) <= len(head) || string(raw[:len(head)]) != head {
		return 0, false
	}
	n := 0
	for i := len(head); i < len(raw) && i < len(head)+19; i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
		case c == ',' || c == '}':
			return n, i > len(head)
		default:
			return 0, false
		}
	}
	return 0, false
}

// wireUpdate is how decodeUpdate reads an update: as tgbotapi's Update,
// except that the message a pressed button sits on is read for its id,
// date and chat only. Telegram sends that message whole (its text, its
// entities, every button of its keyboard); nothing here reads them, and
// decoding them was most of the cost of decoding a button press.
type wireUpdate struct {
	tgbotapi.Update
	CallbackQuery *wireCallback `json:"callback_query,omitempty"` // hides Update's
}

type wireCallback struct {
	tgbotapi.CallbackQuery
	Message *wireMessage `json:"message,omitempty"` // hides CallbackQuery's
}

type wireMessage struct {
	MessageID int            `json:"message_id"`
	Date      int            `json:"date"`
	Chat      *tgbotapi.Chat `json:"chat"`
}

// decodeUpdate decodes one update. When it cannot, it still returns the
// update id if that much can be read (0 if not).
func decodeUpdate(raw []byte) (tgbotapi.Update, int, error) {
	var w wireUpdate
	err := json.Unmarshal(raw, &w)
	if err == nil {
		u := w.Update
		if wc := w.CallbackQuery; wc != nil {
			cq := wc.CallbackQuery
			if m := wc.Message; m != nil {
				cq.Message = &tgbotapi.Message{MessageID: m.MessageID, Date: m.Date, Chat: m.Chat}
			}
			u.CallbackQuery = &cq
		}
		return u, u.UpdateID, nil
	}
	var head struct {
		UpdateID int `json:"update_id"`
	}
	if json.Unmarshal(raw, &head) != nil {
		head.UpdateID = 0
	}
	return tgbotapi.Update{}, head.UpdateID, err
}

// logUndecodable logs a skipped update by its id and the shape of the
// error: never the update, nor the error's text (which may quote values).
func logUndecodable(log *slog.Logger, id int, err error) {
	log.Warn("undecodable update skipped", "update_id", id, "err", errorShape(err))
}

// errorShape is a JSON error reduced to where and what kind of failure,
// without the values json's messages may quote.
func errorShape(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		kind, _, _ := strings.Cut(typeErr.Value, " ") // "number 123": the kind only
		return fmt.Errorf("field %s: a JSON %s where %s was expected", typeErr.Field, kind, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("invalid JSON at byte %d", syntaxErr.Offset)
	default:
		return errors.New("invalid update")
	}
}
