package kit

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Callback is parsed conversation button data:
// "v1:<seq>:<ns>:<action>[:<arg>]". Seq ties a button to the prompt that
// issued it (older buttons expire); NS names the feature that owns the
// button, Action what it does there, Arg a code or an id.
type Callback struct {
	Seq    int
	NS     string
	Action string
	Arg    string
}

// CallbackPrefix starts every conversation button's data.
const CallbackPrefix = "v1"

// MaxCallbackBytes is Telegram's limit on callback_data.
const MaxCallbackBytes = 64

// String encodes c as callback data.
func (c Callback) String() string {
	s := CallbackPrefix + ":" + strconv.Itoa(c.Seq) + ":" + c.NS + ":" + c.Action
	if c.Arg != "" {
		s += ":" + c.Arg
	}
	return s
}

var errCallback = errors.New("malformed callback data")

// ParseCallback parses conversation button data; it is untrusted client
// input, so only the canonical form String writes is accepted.
func ParseCallback(s string) (Callback, error) {
	if s == "" || len(s) > MaxCallbackBytes || !utf8.ValidString(s) {
		return Callback{}, errCallback
	}
	parts := strings.SplitN(s, ":", 5)
	if len(parts) < 4 || parts[0] != CallbackPrefix {
		return Callback{}, errCallback
	}
	seq, err := strconv.Atoi(parts[1])
	if err != nil || seq < 0 || parts[1] != strconv.Itoa(seq) {
		return Callback{}, errCallback
	}
	c := Callback{Seq: seq, NS: parts[2], Action: parts[3]}
	if !IsToken(c.NS) || !IsToken(c.Action) {
		return Callback{}, errCallback
	}
	if len(parts) == 5 {
		c.Arg = parts[4]
		if !IsToken(c.Arg) {
			return Callback{}, errCallback
		}
	}
	return c, nil
}

// IsToken reports whether s is a non-empty run of [a-z0-9_].
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ParseID parses a positive decimal id from a callback argument or a
// typed number ("7", "#7" and " 7 " are 7).
func ParseID(s string) (uint64, bool) {
	id, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return id, err == nil && id > 0
}
