package kit

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// StateVersion is the schema version of State; a stored state of another
// version is discarded rather than misread.
const StateVersion = 2

// maxSeen is how many handled update ids a state remembers. An update
// Telegram delivers again after a crash is either among them or older
// than all of them (see SeenUpdate), so replays are caught whatever the
// size of the batch that was not confirmed.
const maxSeen = 16

// idResetAfter is how long a chat may be silent before a lower update id
// is taken as new: Telegram restarts update ids at a random value after a
// week without updates for the bot.
const idResetAfter = 6 * 24 * time.Hour

// State is one chat's conversation state, kept in the state store as JSON.
// The envelope holds what the dispatcher needs; each feature keeps its own
// data in a part (see Part), which is decoded only when that feature asks
// for it.
type State struct {
	V       int      `json:"v"`
	Seq     int      `json:"q"`            // bumped whenever new buttons are issued; older buttons expire
	Flow    string   `json:"f,omitempty"`  // the flow typed text goes to ("" when idle)
	Step    string   `json:"s,omitempty"`  // where in that flow, for flows without a part of their own
	Choices []uint64 `json:"c,omitempty"`  // member ids offered as buttons
	Pending string   `json:"p,omitempty"`  // a command typed mid-form, waiting for keep/drop
	Seen    []int    `json:"u,omitempty"`  // the last handled update ids, in the order handled
	SeenAt  int64    `json:"ua,omitempty"` // when the last of them was handled (Unix seconds)
	Lang    string   `json:"l,omitempty"`  // language of a bootstrap admin with no users row

	// The last update handled. If Telegram delivers it again (a crash
	// between saving this state and replying), its answer is rendered
	// again: by Replay when the feature set one, else by showing the
	// current step. Only ids are kept, never the answer's text.
	LastUpdate int     `json:"lu,omitempty"`
	Replay     *Replay `json:"rp,omitempty"`
	// Lost: the answer to LastUpdate could not be delivered.
	Lost bool `json:"lo,omitempty"`
	// CutUntil (Unix ms): a text cut by Telegram into several messages
	// was refused; its other parts, arriving until then, are dropped.
	CutUntil int64 `json:"cu,omitempty"`

	Parts map[string]json.RawMessage `json:"x,omitempty"`
	live  map[string]any             // decoded parts; encoded again on save
}

// Replay tells the feature owning namespace NS how to render the answer
// to the last update again: Arg is its own token (an id).
type Replay struct {
	NS  string `json:"n"`
	Arg string `json:"a,omitempty"`
}

// ErrStateVersion reports a stored state of another schema version.
var ErrStateVersion = errors.New("unsupported state version")

// DecodeState reads a stored state.
func DecodeState(b []byte) (State, error) {
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("decode state: %w", err)
	}
	if s.V != StateVersion {
		return State{}, fmt.Errorf("state schema version %d: %w", s.V, ErrStateVersion)
	}
	return s, nil
}

// Encode writes the state with its parts.
func (s *State) Encode() ([]byte, error) {
	s.V = StateVersion
	for key, v := range s.live {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode state part %s: %w", key, err)
		}
		if s.Parts == nil {
			s.Parts = map[string]json.RawMessage{}
		}
		s.Parts[key] = b
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return b, nil
}

// Part returns the part key of st decoded as a T, or nil when there is none
// (or it cannot be read, which drops it). Changes through the pointer are
// saved with the state.
func Part[T any](st *State, key string) *T {
	if v, ok := st.live[key]; ok {
		p, _ := v.(*T)
		return p
	}
	raw, ok := st.Parts[key]
	if !ok {
		return nil
	}
	p := new(T)
	if err := json.Unmarshal(raw, p); err != nil {
		delete(st.Parts, key)
		return nil
	}
	st.keep(key, p)
	return p
}

// SetPart makes p the part key of st.
func SetPart[T any](st *State, key string, p *T) {
	if p == nil {
		st.Drop(key)
		return
	}
	st.keep(key, p)
}

// Drop removes the part key.
func (s *State) Drop(key string) {
	delete(s.Parts, key)
	delete(s.live, key)
}

// HasParts reports whether any feature keeps data in st.
func (s *State) HasParts() bool { return len(s.Parts) > 0 || len(s.live) > 0 }

// DropAll removes every part.
func (s *State) DropAll() { s.Parts, s.live = nil, nil }

// Has reports whether st holds the part key.
func (s *State) Has(key string) bool {
	if _, ok := s.live[key]; ok {
		return true
	}
	_, ok := s.Parts[key]
	return ok
}

func (s *State) keep(key string, v any) {
	if s.live == nil {
		s.live = map[string]any{}
	}
	s.live[key] = v
}

// SeenUpdate reports whether updateID was handled already at now: it is
// one of the last ids handled, or older than all of them. Update ids rise
// per bot; only two updates of one chat that arrive together (a message
// and a button press, in webhook mode) can be handled out of order, which
// the window of maxSeen ids absorbs. After a long silence ids may restart
// lower, so then only the remembered ids count.
func (s *State) SeenUpdate(updateID int, now time.Time) bool {
	if slices.Contains(s.Seen, updateID) {
		return true
	}
	if len(s.Seen) < maxSeen || now.Sub(time.Unix(s.SeenAt, 0)) > idResetAfter {
		return false
	}
	return updateID < slices.Min(s.Seen)
}

// MarkSeen remembers updateID as handled at now.
func (s *State) MarkSeen(updateID int, now time.Time) {
	s.SeenAt = now.Unix()
	s.Seen = append(s.Seen, updateID)
	if len(s.Seen) > maxSeen {
		s.Seen = s.Seen[len(s.Seen)-maxSeen:]
	}
}

// Stored returns the state as decoding what Encode last wrote would give
// it back: parts encoded only (none decoded), empty lists as absent. It
// is what a cache of decoded states may hand to the next update in place
// of decoding; s must have just been encoded and is not used afterwards
// (the result shares its parts).
func (s *State) Stored() State {
	c := *s
	c.live = nil
	if len(c.Choices) == 0 {
		c.Choices = nil
	}
	if len(c.Seen) == 0 {
		c.Seen = nil
	}
	if len(c.Parts) == 0 {
		c.Parts = nil
	}
	return c
}
