package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/models"
)

// The JSON payloads of models.Delivery rows, as scheduler/ writes them.
// They hold ids, codes and dates, never names: names are looked up, scoped
// to the recipient, when the message is rendered.

// ReminderPayload is the Payload of a reminder delivery: the items, most
// urgent first.
type ReminderPayload struct {
	Items []ReminderItem `json:"items"`
	Total int            `json:"total"` // items before the scheduler's cut; 0: Items are all
}

// ReminderItem is one due item of a reminder payload. Reason is a
// models.DueReason; From and Due are dates "2006-01-02".
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
// encoding/json writes it, its lists possibly cut, and Counts, the lengths
// before the cut (all zero: the lists are whole).
type DigestPayload struct {
	models.DigestData
	Counts DigestCounts
}

// DigestCounts are the full sizes of a digest's lists and its total of
// visits logged.
type DigestCounts struct {
	Overdue, DueSoon, ExpiringNoVisit, KeyNotVisited, OpenFollowUps, Escalations, Visits int
}

// AdminDigestPayload is the Payload of an admin digest: the deliveries
// that went wrong (blocked, failed, uncertain; ProblemCount of them in
// all, newest first) and the years the workday calendar has no data for.
type AdminDigestPayload struct {
	Problems        []models.Delivery `json:"problems"`
	ProblemCount    int               `json:"problem_count"`
	HolidaysUnknown []int             `json:"holidays_unknown"`
}

var errBadPayload = errors.New("unreadable delivery payload")

// dueItem converts a payload item back into the item it was made from.
func (it ReminderItem) dueItem() (models.DueItem, error) {
	from, err1 := time.Parse(dateLayout, it.From)
	due, err2 := time.Parse(dateLayout, it.Due)
	if err1 != nil || err2 != nil || it.Member == 0 {
		return models.DueItem{}, fmt.Errorf("item %q: %w", it.Key, errBadPayload)
	}
	return models.DueItem{MemberID: it.Member, SanctionID: it.Sanction, VisitID: it.Visit,
		Reason: models.DueReason(it.Reason), From: from, Due: due}, nil
}

// decodeReminder reads a reminder payload: its items and how many there
// were before the scheduler's cut.
func decodeReminder(payload string) ([]models.DueItem, int, error) {
	var p ReminderPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return nil, 0, fmt.Errorf("reminder payload: %w: %w", errBadPayload, err)
	}
	items := make([]models.DueItem, 0, len(p.Items))
	for _, it := range p.Items {
		d, err := it.dueItem()
		if err != nil {
			return nil, 0, err
		}
		items = append(items, d)
	}
	return items, max(p.Total, len(items)), nil
}

// decodeDigest reads a digest payload.
func decodeDigest(payload string) (DigestPayload, error) {
	var d DigestPayload
	if err := json.Unmarshal([]byte(payload), &d); err != nil {
		return DigestPayload{}, fmt.Errorf("digest payload: %w: %w", errBadPayload, err)
	}
	return d, nil
}

// decodeAdminDigest reads an admin digest payload.
func decodeAdminDigest(payload string) (AdminDigestPayload, error) {
	var p AdminDigestPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return AdminDigestPayload{}, fmt.Errorf("admin digest payload: %w: %w", errBadPayload, err)
	}
	return p, nil
}
