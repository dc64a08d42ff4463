package bot

import (
	"encoding/json"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"
)

func TestHeadID(t *testing.T) {
	for _, c := range []struct {
		raw string
		id  int
		ok  bool
	}{
		{`{"update_id":123,"message":{}}`, 123, true},
		{`{"update_id":7}`, 7, true},
		{`{"update_id":,"message":{}}`, 0, false},
		{`{"update_id":"123","message":{}}`, 0, false},
		{`{"update_id":-1}`, 0, false},
		{`{ "update_id":123}`, 0, false},
		{`{"message":{},"update_id":123}`, 0, false},
		{`{"update_id":12345678901234567890123}`, 0, false},
		{`{"update_id":123`, 0, false},
		{``, 0, false},
	} {
		id, ok := headID([]byte(c.raw))
		if id != c.id || ok != c.ok {
			t.Errorf("headID(%s) = %d, %v; want %d, %v", c.raw, id, ok, c.id, c.ok)
		}
	}
}

// FuzzHeadID: whatever headID reads is what encoding/json reads.
func FuzzHeadID(f *testing.F) {
	for _, s := range []string{`{"update_id":123,"message":{"text":"x"}}`, `{"update_id":0}`, `{"update_id":9e3}`, `{"update_id":12,}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		id, ok := headID(raw)
		if !ok {
			return
		}
		var head struct {
			UpdateID int `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &head); err == nil && head.UpdateID != id {
			t.Fatalf("headID read %d, json %d from %q", id, head.UpdateID, raw)
		}
	})
}

// TestDecodeBatch_SkipsKnown: updates in hand are not decoded again but
// still move the offset; the others are decoded.
func TestDecodeBatch_SkipsKnown(t *testing.T) {
	result := json.RawMessage(`[{"update_id":10,"message":{"message_id":1,"text":"a","chat":{"id":5,"type":"private"}}},` +
		`{"update_id":11,"message":{"message_id":2,"text":"b","chat":{"id":5,"type":"private"}}}]`)
	raws, err := parseUpdates([]byte(okHead+string(result)+"}"), 200)
	if err != nil {
		t.Fatal(err)
	}
	b := decodeBatch(raws, func(id int) bool { return id == 10 }, nil)
	if len(b.updates) != 1 || b.updates[0].UpdateID != 11 || b.updates[0].Message.Text != "b" || b.highest != 11 {
		t.Fatalf("batch %+v", b)
	}
	b = decodeBatch(raws, func(id int) bool { return id == 11 }, nil)
	if len(b.updates) != 1 || b.updates[0].UpdateID != 10 || b.highest != 11 {
		t.Fatalf("batch %+v", b)
	}
}

// TestDecodeUpdate_Callback: a button press keeps what is read of it (its
// id, presser, data, and the id, date and chat of its message) and drops
// the message's text and keyboard; a message keeps everything.
func TestDecodeUpdate_Callback(t *testing.T) {
	raw := `{"update_id":41,"callback_query":{"id":"4000000000000000001","from":{"id":77,"is_bot":false,"first_name":"王五","language_code":"zh-hans"},` +
		`"message":{"message_id":9,"from":{"id":1,"is_bot":true,"first_name":"bot"},"chat":{"id":77,"type":"private"},"date":1800000000,` +
		`"text":"第一步 <b>x</b>","entities":[{"type":"bold","offset":4,"length":1}],` +
		`"reply_markup":{"inline_keyboard":[[{"text":"确认","callback_data":"v1:3:vi:cf"}]]}},` +
		`"chat_instance":"-609783","data":"v1:3:vi:cf"}}`
	u, id, err := decodeUpdate([]byte(raw))
	if err != nil || id != 41 {
		t.Fatalf("decodeUpdate = %d, %v", id, err)
	}
	want := tgbotapi.Update{UpdateID: 41, CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "4000000000000000001", From: &tgbotapi.User{ID: 77, FirstName: "王五", LanguageCode: "zh-hans"},
		Message:      &tgbotapi.Message{MessageID: 9, Date: 1800000000, Chat: &tgbotapi.Chat{ID: 77, Type: "private"}},
		ChatInstance: "-609783", Data: "v1:3:vi:cf",
	}}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("callback update differs (-want +got):\n%s", diff)
	}

	msg := `{"update_id":42,"message":{"message_id":10,"from":{"id":77,"is_bot":false,"first_name":"王五"},"chat":{"id":77,"type":"private"},"date":1800000001,"text":"/visit 王五"}}`
	u, _, err = decodeUpdate([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	var full tgbotapi.Update
	if err := json.Unmarshal([]byte(msg), &full); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(full, u); diff != "" {
		t.Errorf("message update differs from tgbotapi's decoding (-tgbotapi +got):\n%s", diff)
	}
}

// FuzzDecodeUpdate: no input panics, and whatever decodes reads the same
// ids, chat and data as tgbotapi's own decoding of the whole update.
func FuzzDecodeUpdate(f *testing.F) {
	f.Add(`{"update_id":41,"callback_query":{"id":"1","from":{"id":77},"message":{"message_id":9,"chat":{"id":77,"type":"private"},"date":1,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}},"data":"v1:3:vi:cf"}}`)
	f.Add(`{"update_id":42,"message":{"message_id":10,"from":{"id":77},"chat":{"id":77,"type":"private"},"date":1,"text":"/visit"}}`)
	f.Add(`{"update_id":43,"callback_query":{"id":"1","from":{"id":77},"inline_message_id":"x","data":"d"}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		u, id, err := decodeUpdate([]byte(raw))
		if err != nil {
			return
		}
		var full tgbotapi.Update
		if json.Unmarshal([]byte(raw), &full) != nil {
			return // tgbotapi refuses something in a part not read here
		}
		if id != full.UpdateID || u.UpdateID != full.UpdateID {
			t.Fatalf("update id %d/%d, tgbotapi %d", id, u.UpdateID, full.UpdateID)
		}
		if !cmp.Equal(u.Message, full.Message) {
			t.Fatalf("message differs: %s", cmp.Diff(full.Message, u.Message))
		}
		if (u.CallbackQuery == nil) != (full.CallbackQuery == nil) {
			t.Fatalf("callback %v, tgbotapi %v", u.CallbackQuery, full.CallbackQuery)
		}
		if cq, fq := u.CallbackQuery, full.CallbackQuery; cq != nil {
			if cq.ID != fq.ID || cq.Data != fq.Data || !cmp.Equal(cq.From, fq.From) || (cq.Message == nil) != (fq.Message == nil) {
				t.Fatalf("callback differs: %+v, tgbotapi %+v", cq, fq)
			}
			if cq.Message != nil && (cq.Message.MessageID != fq.Message.MessageID || !cmp.Equal(cq.Message.Chat, fq.Message.Chat)) {
				t.Fatalf("callback message differs: %+v, tgbotapi %+v", cq.Message, fq.Message)
			}
		}
	})
}
