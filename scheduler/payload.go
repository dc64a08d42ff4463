package scheduler

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// The JSON payloads of the deliveries the scheduler records, which
// handlers/ renders (its remind_payload.go reads the same shapes). They
// hold ids, codes and dates, never names.

const dateLayout = "2006-01-02"

// Payload limits: enough for any message that fits Telegram's 4096
// characters, small enough to keep a row of a huge roster light.
const (
	MaxReminderItems = 200 // items of one reminder, most urgent first
	MaxDigestItems   = 30  // items of each list of a digest
	MaxProblems      = 50  // delivery problems of an admin digest, newest first
)

// ReminderPayload is the Payload of a reminder: the inspector's open
// items due within ReminderDays or overdue, most urgent first.
type ReminderPayload struct {
	Items []ReminderItem `json:"items"`
	Total int            `json:"total"` // items before the cut at MaxReminderItems
}

// ReminderItem is one item of a reminder; From and Due are "2006-01-02".
type ReminderItem struct {
	Key      string `json:"key"`
	Member   uint64 `json:"member"`
	Sanction uint64 `json:"sanction"`
	Visit    uint64 `json:"visit"`
	Reason   string `json:"reason"`
	From     string `json:"from"`
	Due      string `json:"due"`
}

// DigestPayload is the Payload of a digest: models.DigestData as
// encoding/json writes it (so it decodes into models.DigestData), each
// list cut to MaxDigestItems, plus Counts, the lengths before the cut.
type DigestPayload struct {
	models.DigestData
	Counts DigestCounts
}

// DigestCounts are the full sizes of a digest's lists and its total of
// visits logged.
type DigestCounts struct {
	Overdue, DueSoon, ExpiringNoVisit, KeyNotVisited, OpenFollowUps, Escalations, Visits int
}

// AdminDigestPayload is the Payload of an admin digest. Problems are the
// blocked, failed and uncertain deliveries since the last week (without
// their payloads), HolidaysUnknown the years among this one and the next
// that have no official workday calendar (Monday to Friday is assumed).
type AdminDigestPayload struct {
	Problems        []models.Delivery `json:"problems"`
	ProblemCount    int               `json:"problem_count"`
	HolidaysUnknown []int             `json:"holidays_unknown"`
}

func reminderPayload(items []models.DueItem) (string, error) {
	p := ReminderPayload{Total: len(items)}
	for _, it := range items[:min(len(items), MaxReminderItems)] {
		p.Items = append(p.Items, ReminderItem{
			Key: it.Key(), Member: it.MemberID, Sanction: it.SanctionID, Visit: it.VisitID,
			Reason: string(it.Reason), From: it.From.Format(dateLayout), Due: it.Due.Format(dateLayout),
		})
	}
	return marshal(p)
}

func digestPayload(d models.DigestData) (string, error) {
	p := DigestPayload{DigestData: d}
	p.Counts = DigestCounts{Overdue: len(d.Overdue), DueSoon: len(d.DueSoon), ExpiringNoVisit: len(d.ExpiringNoVisit),
		KeyNotVisited: len(d.KeyNotVisited), OpenFollowUps: len(d.OpenFollowUps), Escalations: len(d.Escalations)}
	for _, n := range d.VisitsByInspector {
		p.Counts.Visits += n
	}
	for _, l := range []*[]models.DueItem{&p.Overdue, &p.DueSoon, &p.ExpiringNoVisit, &p.KeyNotVisited, &p.OpenFollowUps, &p.Escalations} {
		*l = (*l)[:min(len(*l), MaxDigestItems)]
	}
	return marshal(p)
}

func adminDigestPayload(problems []models.Delivery, unknown []int) (string, error) {
	p := AdminDigestPayload{ProblemCount: len(problems), HolidaysUnknown: unknown}
	for _, d := range problems[:min(len(problems), MaxProblems)] {
		d.Payload = ""
		p.Problems = append(p.Problems, d)
	}
	return marshal(p)
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode payload: %w", err)
	}
	return string(b), nil
}

// Summary describes a delivery's payload in a few words, for the
// operator's terminal and logs: "3 items", "2 overdue, 5 due soon".
func Summary(d models.Delivery) string {
	switch d.Kind {
	case models.DeliveryReminder:
		var p ReminderPayload
		if json.Unmarshal([]byte(d.Payload), &p) != nil {
			return "unreadable payload"
		}
		return plural(p.Total, "item")
	case models.DeliveryDigest:
		var p DigestPayload
		if json.Unmarshal([]byte(d.Payload), &p) != nil {
			return "unreadable payload"
		}
		c := p.Counts
		return fmt.Sprintf("%d overdue, %d due soon, %d escalated, %s since %s",
			c.Overdue, c.DueSoon, c.Escalations, plural(c.Visits, "visit"), p.Since.Format(dateLayout))
	case models.DeliveryAdminDigest:
		var p AdminDigestPayload
		if json.Unmarshal([]byte(d.Payload), &p) != nil {
			return "unreadable payload"
		}
		s := plural(p.ProblemCount, "delivery problem")
		if len(p.HolidaysUnknown) > 0 {
			years := strings.Trim(fmt.Sprint(p.HolidaysUnknown), "[]")
			s += ", no holiday calendar for " + years
		}
		return s
	}
	return d.Kind
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// weekPeriod is the ISO week of day, "2027-W09".
func weekPeriod(day time.Time) string {
	y, w := day.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}
