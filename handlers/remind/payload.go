package remind

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// Reading the JSON payloads of models.Delivery rows (models/delivery_payload.go).

// ErrBadPayload reports a delivery whose payload cannot be read, or of a
// kind this package does not render.
var ErrBadPayload = errors.New("unreadable delivery payload")

// dueItemOf converts a payload item back into the item it was made from.
func dueItemOf(it models.ReminderItem) (models.DueItem, error) {
	from, err1 := time.Parse(kit.DateLayout, it.From)
	due, err2 := time.Parse(kit.DateLayout, it.Due)
	if err1 != nil || err2 != nil || it.Member == 0 {
		return models.DueItem{}, fmt.Errorf("item %q: %w", it.Key, ErrBadPayload)
	}
	return models.DueItem{MemberID: it.Member, SanctionID: it.Sanction, VisitID: it.Visit,
		Reason: models.DueReason(it.Reason), From: from, Due: due, Owed: it.Owed}, nil
}

// decodeReminder reads a reminder payload: its items and how many there
// were before the scheduler's cut.
func decodeReminder(payload string) ([]models.DueItem, int, error) {
	var p models.ReminderPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return nil, 0, fmt.Errorf("reminder payload: %w: %w", ErrBadPayload, err)
	}
	items := make([]models.DueItem, 0, len(p.Items))
	for _, it := range p.Items {
		d, err := dueItemOf(it)
		if err != nil {
			return nil, 0, err
		}
		items = append(items, d)
	}
	return items, max(p.Total, len(items)), nil
}

// decodeDigest reads a digest payload.
func decodeDigest(payload string) (models.DigestPayload, error) {
	var d models.DigestPayload
	if err := json.Unmarshal([]byte(payload), &d); err != nil {
		return models.DigestPayload{}, fmt.Errorf("digest payload: %w: %w", ErrBadPayload, err)
	}
	return d, nil
}

// decodeAdminDigest reads an admin digest payload.
func decodeAdminDigest(payload string) (models.AdminDigestPayload, error) {
	var p models.AdminDigestPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return models.AdminDigestPayload{}, fmt.Errorf("admin digest payload: %w: %w", ErrBadPayload, err)
	}
	return p, nil
}
