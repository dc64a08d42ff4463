package scheduler

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/models"
)

// The scheduler writes the JSON payloads of models (delivery_payload.go),
// which handlers/ renders.

const dateLayout = "2006-01-02"

// Payload limits: enough for any message that fits Telegram's 4096
// characters, small enough to keep a row of a huge roster light.
const (
	MaxReminderItems = 200 // items of one reminder, most urgent first
	MaxDigestItems   = 30  // items of each list of a digest
	MaxProblems      = 50  // delivery problems of an admin digest, newest first
)

func reminderPayload(items []models.DueItem) (string, error) {
	p := models.ReminderPayload{Total: len(items)}
	for _, it := range items[:min(len(items), MaxReminderItems)] {
		p.Items = append(p.Items, models.ReminderItem{
			Key: it.Key(), Member: it.MemberID, Sanction: it.SanctionID, Visit: it.VisitID,
			Reason: string(it.Reason), From: it.From.Format(dateLayout), Due: it.Due.Format(dateLayout),
			Owed: it.Owed,
		})
	}
	return marshal(p)
}

func digestPayload(d models.DigestData) (string, error) {
	p := models.DigestPayload{DigestData: d}
	p.Counts = models.DigestCounts{Overdue: len(d.Overdue), DueSoon: len(d.DueSoon), ExpiringNoVisit: len(d.ExpiringNoVisit),
		KeyNotVisited: len(d.KeyNotVisited), OpenFollowUps: len(d.OpenFollowUps), Escalations: len(d.Escalations)}
	for _, n := range d.VisitsByInspector {
		p.Counts.Visits += n
	}
	p.PendingReviews = p.PendingReviews[:min(len(p.PendingReviews), MaxDigestItems)]
	for _, l := range []*[]models.DueItem{&p.Overdue, &p.DueSoon, &p.ExpiringNoVisit, &p.KeyNotVisited, &p.OpenFollowUps, &p.Escalations} {
		*l = (*l)[:min(len(*l), MaxDigestItems)]
	}
	return marshal(p)
}

func adminDigestPayload(problems []models.Delivery, unknown []int) (string, error) {
	p := models.AdminDigestPayload{ProblemCount: len(problems), HolidaysUnknown: unknown}
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
		var p models.ReminderPayload
		if json.Unmarshal([]byte(d.Payload), &p) != nil {
			return "unreadable payload"
		}
		return plural(p.Total, "item")
	case models.DeliveryDigest:
		var p models.DigestPayload
		if json.Unmarshal([]byte(d.Payload), &p) != nil {
			return "unreadable payload"
		}
		c := p.Counts
		return fmt.Sprintf("%d overdue, %d due soon, %d escalated, %s since %s",
			c.Overdue, c.DueSoon, c.Escalations, plural(c.Visits, "visit"), p.Since.Format(dateLayout))
	case models.DeliveryAdminDigest:
		var p models.AdminDigestPayload
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
