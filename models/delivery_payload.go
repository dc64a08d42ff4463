package models

// The JSON payloads of Delivery rows: the scheduler writes them, handlers/
// renders them. They hold ids, codes and dates, never names: names are
// looked up, scoped to the recipient, when the message is rendered.

// ReminderPayload is the Payload of a reminder: the inspector's open
// items due within the reminder horizon or overdue, most urgent first.
type ReminderPayload struct {
	Items []ReminderItem `json:"items"`
	Total int            `json:"total"` // items before the cut at the scheduler's limit
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
	// Owed: a follow-up's open parts (nil in payloads written before).
	Owed *FollowUpOwed `json:"owed,omitempty"`
}

// DigestPayload is the Payload of a digest: DigestData as
// encoding/json writes it (so it decodes into DigestData), each
// list cut to the scheduler's limit, plus Counts, the lengths before the cut.
type DigestPayload struct {
	DigestData
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
	Problems        []Delivery `json:"problems"`
	ProblemCount    int        `json:"problem_count"`
	HolidaysUnknown []int      `json:"holidays_unknown"`
}
