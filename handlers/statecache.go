package handlers

import (
	"bytes"
	"sync"

	"github.com/huifang/huifang/handlers/kit"
)

// decodedMax bounds the chats whose decoded state is kept.
const decodedMax = 1024

// decodedStates keeps, per chat, the state this process saved last,
// decoded, with the bytes it was saved as. When the store hands back
// exactly those bytes (the usual case: nobody else wrote the chat since),
// the next update takes the state from here instead of decoding it again;
// decoding the envelope was 2–3% of the bot's CPU at saturation and a
// copy of every part. Parts stay encoded (kit.State.Stored), so what is
// taken equals what decoding would give. An entry is removed when taken:
// the update owns the state, and only a successful save puts one back.
type decodedStates struct {
	mu sync.Mutex
	m  map[chatKey]decodedState
}

type chatKey struct{ chat, user int64 }

type decodedState struct {
	data []byte
	st   kit.State
}

// take returns the kept state of (chat, user) if it was saved as data.
func (c *decodedStates) take(chat, user int64, data []byte) (kit.State, bool) {
	k := chatKey{chat, user}
	c.mu.Lock()
	e, ok := c.m[k]
	if ok {
		delete(c.m, k)
	}
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.data, data) {
		return kit.State{}, false
	}
	return e.st, true
}

// put keeps st, just saved as data (which must not change afterwards).
func (c *decodedStates) put(chat, user int64, data []byte, st kit.State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[chatKey]decodedState)
	}
	if len(c.m) >= decodedMax {
		for k := range c.m { // any one: a bound, not a policy
			delete(c.m, k)
			break
		}
	}
	c.m[chatKey{chat, user}] = decodedState{data: data, st: st}
}
