package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// stateVersion is the schema version of State; a stored state of another
// version is discarded (with a message) rather than misread.
const stateVersion = 1

// maxSeen is how many handled update ids a state remembers, so that an
// update Telegram delivers again after a crash is not applied twice.
const maxSeen = 16

// State is one chat's conversation state, kept in the state store as JSON.
type State struct {
	V       int          `json:"v"`
	Seq     int          `json:"q"`           // bumped whenever new buttons are issued; older buttons expire
	Flow    string       `json:"f,omitempty"` // "", flowVisit, flowStatus
	Step    string       `json:"s,omitempty"`
	Draft   *Draft       `json:"d,omitempty"` // an unfinished visit, kept even while another command runs
	Choices []uint64     `json:"c,omitempty"` // member ids offered as buttons
	Pending string       `json:"p,omitempty"` // a command typed mid-visit, waiting for keep/drop
	Seen    []int        `json:"u,omitempty"`
	Lang    string       `json:"l,omitempty"` // language of a bootstrap admin with no users row
	Roster  *RosterState `json:"r,omitempty"` // a member, sanction or import wizard
	Access  *AccessState `json:"a,omitempty"` // a units, invitation or users wizard

	// The answer to the last update, sent again if Telegram re-delivers
	// that update after a crash between saving this state and replying.
	LastUpdate int       `json:"lu,omitempty"`
	LastReply  []Message `json:"lr,omitempty"`
}

// Flows.
const (
	flowVisit  = "visit"
	flowStatus = "status"
	flowRoster = "roster"
	flowAccess = "access"
)

// Draft is a visit being logged. Dates are "2006-01-02".
type Draft struct {
	ID           string          `json:"id"`
	Step         string          `json:"s"`
	Review       bool            `json:"rv,omitempty"` // editing a field from the review card
	MemberID     uint64          `json:"m"`
	MemberName   string          `json:"mn"`
	UnitName     string          `json:"un"`
	Key          bool            `json:"k,omitempty"`
	Avail        []SanctionBrief `json:"av"`
	Sel          []uint64        `json:"sel,omitempty"`
	Date         string          `json:"dt,omitempty"`
	Methods      []string        `json:"me,omitempty"`
	Type         string          `json:"ty,omitempty"`
	Inspectors   string          `json:"in,omitempty"`
	Participants string          `json:"pa,omitempty"`
	Thinking     string          `json:"th,omitempty"`
	Work         string          `json:"wo,omitempty"`
	Difficulties string          `json:"di,omitempty"`
	Opinions     string          `json:"op,omitempty"`
	Help         string          `json:"he,omitempty"`
	EnfSet       bool            `json:"es,omitempty"`
	EnfOK        bool            `json:"eo,omitempty"`
	EnfProblem   string          `json:"ep,omitempty"`
	PayFen       int64           `json:"pf,omitempty"`
	Conclusion   string          `json:"co,omitempty"`
	Recommend    string          `json:"re,omitempty"`
	FeedbackSet  bool            `json:"fs,omitempty"`
	Feedback     bool            `json:"fb,omitempty"`
	BranchSet    bool            `json:"bs,omitempty"`
	Branch       bool            `json:"br,omitempty"`
	Next         string          `json:"nx,omitempty"`
	EditOf       uint64          `json:"ed,omitempty"` // id of the saved visit being edited; 0 for a new visit
	EditReason   string          `json:"er,omitempty"`
}

// SanctionBrief is what a draft needs of a sanction.
type SanctionBrief struct {
	ID           uint64 `json:"id"`
	Kind         string `json:"k"`
	DecisionNo   string `json:"no"`
	DecisionDate string `json:"dd"`
	PeriodEnd    string `json:"pe,omitempty"`
	Lifted       bool   `json:"l,omitempty"`
}

func decodeState(b []byte) (State, error) {
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("decode state: %w", err)
	}
	if s.V != stateVersion {
		return State{}, fmt.Errorf("state schema version %d: %w", s.V, errStateVersion)
	}
	return s, nil
}

var errStateVersion = errors.New("unsupported state version")

func (s State) encode() ([]byte, error) {
	s.V = stateVersion
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return b, nil
}

func (s *State) seen(updateID int) bool {
	for _, id := range s.Seen {
		if id == updateID {
			return true
		}
	}
	return false
}

func (s *State) markSeen(updateID int) {
	s.Seen = append(s.Seen, updateID)
	if len(s.Seen) > maxSeen {
		s.Seen = s.Seen[len(s.Seen)-maxSeen:]
	}
}

// Callback is parsed callback data: "v1:<seq>:<action>[:<arg>]". Seq ties a
// button to the prompt that issued it; Arg is a code or an id.
type Callback struct {
	Seq    int
	Action string
	Arg    string
}

const callbackPrefix = "v1"

// maxCallbackBytes is Telegram's limit on callback_data.
const maxCallbackBytes = 64

// String encodes c as callback data.
func (c Callback) String() string {
	s := callbackPrefix + ":" + strconv.Itoa(c.Seq) + ":" + c.Action
	if c.Arg != "" {
		s += ":" + c.Arg
	}
	return s
}

var errCallback = errors.New("malformed callback data")

// ParseCallback parses callback data; it is untrusted client input.
func ParseCallback(s string) (Callback, error) {
	if s == "" || len(s) > maxCallbackBytes {
		return Callback{}, errCallback
	}
	parts := strings.SplitN(s, ":", 4)
	if len(parts) < 3 || parts[0] != callbackPrefix {
		return Callback{}, errCallback
	}
	seq, err := strconv.Atoi(parts[1])
	if err != nil || seq < 0 || parts[1] != strconv.Itoa(seq) {
		return Callback{}, errCallback
	}
	c := Callback{Seq: seq, Action: parts[2]}
	if !isToken(c.Action) {
		return Callback{}, errCallback
	}
	if len(parts) == 4 {
		c.Arg = parts[3]
		if !isToken(c.Arg) {
			return Callback{}, errCallback
		}
	}
	return c, nil
}

// isToken reports whether s is a non-empty run of [a-z0-9_].
func isToken(s string) bool {
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

// parseID parses a positive decimal id from a callback argument.
func parseID(s string) (uint64, bool) {
	id, err := strconv.ParseUint(s, 10, 64)
	return id, err == nil && id > 0
}
