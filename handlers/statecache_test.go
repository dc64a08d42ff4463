package handlers

import (
	"testing"

	"github.com/huifang/huifang/handlers/kit"
)

func TestDecodedStates(t *testing.T) {
	var c decodedStates
	saved := []byte(`{"v":2,"q":1}`)
	c.put(1, 1, saved, kit.State{V: kit.StateVersion, Seq: 1})

	if _, ok := c.take(1, 2, saved); ok {
		t.Error("another user's state was taken")
	}
	// Someone else wrote the chat since: its bytes differ, nothing is taken,
	// and the entry is gone.
	if _, ok := c.take(1, 1, []byte(`{"v":2,"q":2}`)); ok {
		t.Error("a state was taken for bytes it was not saved as")
	}
	if _, ok := c.take(1, 1, saved); ok {
		t.Error("an entry outlived a take")
	}

	c.put(1, 1, saved, kit.State{V: kit.StateVersion, Seq: 1})
	st, ok := c.take(1, 1, append([]byte(nil), saved...)) // equal bytes, another slice
	if !ok || st.Seq != 1 {
		t.Fatalf("take = %+v, %v; want the saved state", st, ok)
	}
	if _, ok := c.take(1, 1, saved); ok {
		t.Error("a state was taken twice: two updates would share it")
	}

	for i := range decodedMax + 10 {
		c.put(int64(i), int64(i), saved, kit.State{})
	}
	if n := len(c.m); n > decodedMax {
		t.Errorf("%d entries kept, want at most %d", n, decodedMax)
	}
}
