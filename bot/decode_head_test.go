package bot

import (
	"encoding/json"
	"testing"
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
