package visit

import (
	"errors"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
)

// The persistent buttons of reading and reviewing visits carry
// "rv1:<action>:<visit no>[:<revisions read>]". They keep working days
// later (a digest, a notice), so they carry no sequence number; each press
// is checked like typed input and scoped to the presser by the store.

// ReviewPrefix starts the data of the review feature's persistent buttons.
const ReviewPrefix = "rv1:"

// Actions of the persistent buttons.
const (
	rvOpen    = "o" // show the visit
	rvApprove = "a" // approve it; N: the revisions read
	rvReturn  = "r" // return it with a comment; N: the revisions read
	rvEdit    = "e" // /visit edit <no>
	rvHistory = "h" // /history <no>
)

// ReviewData is a parsed persistent button of the review feature.
type ReviewData struct {
	Action string
	Visit  uint64
	N      int // the revisions the presser read (approve, return)
}

var errReviewData = errors.New("malformed review button data")

// String encodes d as callback data.
func (d ReviewData) String() string {
	s := ReviewPrefix + d.Action + ":" + strconv.FormatUint(d.Visit, 10)
	if d.Action == rvApprove || d.Action == rvReturn {
		s += ":" + strconv.Itoa(d.N)
	}
	return s
}

// ParseReviewData parses persistent button data; it is untrusted client
// input, so only the canonical form String writes is accepted.
func ParseReviewData(s string) (ReviewData, error) {
	if len(s) > kit.MaxCallbackBytes {
		return ReviewData{}, errReviewData
	}
	rest, ok := strings.CutPrefix(s, ReviewPrefix)
	if !ok {
		return ReviewData{}, errReviewData
	}
	parts := strings.Split(rest, ":")
	var d ReviewData
	switch {
	case len(parts) == 2 && (parts[0] == rvOpen || parts[0] == rvEdit || parts[0] == rvHistory):
	case len(parts) == 3 && (parts[0] == rvApprove || parts[0] == rvReturn):
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 0 || n > 1_000_000 {
			return ReviewData{}, errReviewData
		}
		d.N = n
	default:
		return ReviewData{}, errReviewData
	}
	id, err := strconv.ParseUint(parts[1], 10, 64)
	if err != nil || id == 0 {
		return ReviewData{}, errReviewData
	}
	d.Action, d.Visit = parts[0], id
	if d.String() != s {
		return ReviewData{}, errReviewData // "+1", "01": not as written
	}
	return d, nil
}

// OpenButton is a button that shows visit id whole, to anyone whose scope
// covers its member (lists of /status, /due, digests, /history).
func OpenButton(label string, id uint64) kit.Button {
	return kit.Button{Text: label, Data: ReviewData{Action: rvOpen, Visit: id}.String()}
}
