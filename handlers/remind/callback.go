package remind

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

// Prefix starts the data of reminder and settings buttons. Unlike the
// conversation's "v1:<seq>:…" buttons they carry no sequence number: they
// keep working days later and across restarts, and whatever they do is
// checked again against the presser's scope when pressed.
const Prefix = "r1:"

// Actions of reminder and settings buttons.
const (
	rcVisit     = "v" // r1:v:<member>:<sanction>: log a visit of the member
	rcNew       = "n" // r1:n:<member>:<sanction>:<draft>: drop that draft and log a visit
	rcSnooze    = "z" // r1:z:<reason>:<member>:<sanction>:<visit>:<yyyymmdd>: snooze an item
	rcDone      = "f" // r1:f:<visit>:<u|b>: the visit's feedback to the unit (u) or branch notice (b) is done; r1:f:<visit> (buttons sent before) shows the list anew
	rcRectified = "c" // r1:c:<visit>: the visit's enforcement problem was corrected (asks the date and pay)
	rcMet       = "m" // r1:m:<visit>: the visit's requests were met
	rcDigest    = "d" // r1:d:<weekly|daily|off>: digest frequency
	rcLang      = "l" // r1:l:<zh|en>: language
)

// ReminderCallback is the parsed data of a reminder or settings button.
type ReminderCallback struct {
	Action   string
	Member   uint64
	Sanction uint64 // 0: none
	Visit    uint64 // 0: none
	Reason   models.DueReason
	Due      time.Time
	Arg      string // draft tag (rcNew), frequency (rcDigest), language (rcLang), follow-up (rcDone: doneUnit, doneBranch, "" on buttons sent before)
}

// The follow-ups an rcDone button marks done.
const (
	doneUnit   = "u" // feedback to the member's unit
	doneBranch = "b" // the party branch informed
)

// dueDayLayout is the compact date of an item in snooze buttons.
const dueDayLayout = "20060102"

// reasonLetters are the one-letter codes of reasons in snooze buttons.
var reasonLetters = map[models.DueReason]string{
	models.DueAnnual: "a", models.DueInteractive: "i", models.DueBeforeExpiry: "b",
	models.DueAfterExpiry: "x", models.DueKey: "k", models.DueFollowUp: "f",
	models.DueEnforcement: "e", models.DueAgreed: "g", models.DueRectify: "c", models.DueRequest: "q",
}

// Digest frequencies (Store.SetDigestFrequency), the default first.
var digestFreqs = []string{models.DigestWeekly, models.DigestDaily, models.DigestOff}

// String encodes c as callback data; it may exceed Telegram's 64 bytes for
// huge ids, which callers check.
func (c ReminderCallback) String() string {
	u := func(n uint64) string { return strconv.FormatUint(n, 10) }
	parts := []string{"r1", c.Action}
	switch c.Action {
	case rcVisit:
		parts = append(parts, u(c.Member), u(c.Sanction))
	case rcNew:
		parts = append(parts, u(c.Member), u(c.Sanction), c.Arg)
	case rcSnooze:
		parts = append(parts, reasonLetters[c.Reason], u(c.Member), u(c.Sanction), u(c.Visit), c.Due.Format(dueDayLayout))
	case rcDone:
		parts = append(parts, u(c.Visit))
		if c.Arg != "" {
			parts = append(parts, c.Arg)
		}
	case rcRectified, rcMet:
		parts = append(parts, u(c.Visit))
	default:
		parts = append(parts, c.Arg)
	}
	return strings.Join(parts, ":")
}

var errReminderCallback = errors.New("malformed reminder button data")

// ParseReminderCallback parses reminder and settings button data, which is
// untrusted client input. Only the canonical form String writes is
// accepted.
func ParseReminderCallback(s string) (ReminderCallback, error) {
	p := strings.Split(s, ":")
	if len(s) > kit.MaxCallbackBytes || len(p) < 3 || p[0] != "r1" {
		return ReminderCallback{}, errReminderCallback
	}
	c := ReminderCallback{Action: p[1]}
	ok := false
	switch {
	case c.Action == rcVisit && len(p) == 4:
		c.Member, ok = canonID(p[2], true)
		c.Sanction, ok = canonIDAnd(ok, p[3], false)
	case c.Action == rcNew && len(p) == 5:
		c.Member, ok = canonID(p[2], true)
		c.Sanction, ok = canonIDAnd(ok, p[3], false)
		c.Arg, ok = p[4], ok && isDraftTag(p[4])
	case c.Action == rcSnooze && len(p) == 7:
		return parseSnooze(p)
	case (c.Action == rcDone || c.Action == rcRectified || c.Action == rcMet) && len(p) == 3:
		c.Visit, ok = canonID(p[2], true)
	case c.Action == rcDone && len(p) == 4:
		c.Visit, ok = canonID(p[2], true)
		c.Arg, ok = p[3], ok && (p[3] == doneUnit || p[3] == doneBranch)
	case c.Action == rcDigest && len(p) == 3:
		c.Arg, ok = p[2], slices.Contains(digestFreqs, p[2])
	case c.Action == rcLang && len(p) == 3:
		c.Arg, ok = p[2], p[2] == kit.LangZH || p[2] == kit.LangEN
	}
	if !ok {
		return ReminderCallback{}, errReminderCallback
	}
	return c, nil
}

// parseSnooze parses the parts of "r1:z:<reason>:<member>:<sanction>:<visit>:<yyyymmdd>".
func parseSnooze(p []string) (ReminderCallback, error) {
	c := ReminderCallback{Action: rcSnooze}
	for r, l := range reasonLetters {
		if l == p[2] {
			c.Reason = r
		}
	}
	var ok bool
	c.Member, ok = canonID(p[3], true)
	c.Sanction, ok = canonIDAnd(ok, p[4], false)
	c.Visit, ok = canonIDAnd(ok, p[5], false)
	due, err := time.Parse(dueDayLayout, p[6])
	if !ok || c.Reason == "" || err != nil || due.Format(dueDayLayout) != p[6] {
		return ReminderCallback{}, errReminderCallback
	}
	c.Due = due
	return c, nil
}

// canonID parses a decimal id written without sign or leading zeros; 0 is
// allowed unless positive is set.
func canonID(s string, positive bool) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != s || positive && n == 0 {
		return 0, false
	}
	return n, true
}

// canonIDAnd is canonID after an earlier check that must have passed.
func canonIDAnd(ok bool, s string, positive bool) (uint64, bool) {
	if !ok {
		return 0, false
	}
	return canonID(s, positive)
}

// isDraftTag reports whether s is what visit.DraftTag makes of a draft id:
// its first lower-case hex digits.
func isDraftTag(s string) bool {
	if len(s) != visit.DraftTagLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// itemKey is the key models gives the item a snooze button names.
func (c ReminderCallback) itemKey() string {
	return models.DueItem{MemberID: c.Member, SanctionID: c.Sanction, VisitID: c.Visit, Reason: c.Reason, Due: c.Due}.Key()
}

// snoozeData is the data of an item's snooze button; ok is false when the
// item cannot have one (an unknown reason, or ids too long for 64 bytes).
func snoozeData(it models.DueItem) (string, bool) {
	if reasonLetters[it.Reason] == "" {
		return "", false
	}
	return buttonData(ReminderCallback{Action: rcSnooze, Reason: it.Reason, Member: it.MemberID,
		Sanction: it.SanctionID, Visit: it.VisitID, Due: it.Due})
}

// buttonData encodes c, or reports that it does not fit in 64 bytes.
func buttonData(c ReminderCallback) (string, bool) {
	d := c.String()
	return d, len(d) <= kit.MaxCallbackBytes
}
