package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Audit actions of the calendar.
const (
	AuditViewDigest   = "view_digest"   // Detail "since=<date> items=<n>"
	AuditListMembers  = "list_members"  // Detail "n=<members returned>"
	AuditSnooze       = "snooze"        // Detail "key=<item key> until=<date>"
	AuditFollowUpDone = "followup_done" // Detail "fields=feedback_unit,branch_informed"
	AuditHolidaysSet  = "holidays_set"  // Detail "year=<y> off=<n> work=<n>"
)

// Digest frequencies (User.Digest).
const (
	DigestWeekly = "weekly"
	DigestDaily  = "daily"
	DigestOff    = "off"
)

// The horizons of a digest, in days.
const (
	digestSoonDays     = 14 // DueSoon: due within this many days
	digestExpiringDays = 30 // ExpiringNoVisit: the period ends within this many days
	digestEscalateDays = 14 // Escalations: overdue by more than this many days
)

// Digest gathers the digest of v's subtree (admins: everything): the open
// items of its members sorted into the digest's lists (most urgent first)
// and the visits dated in [since, today] per author. The view is audited
// ("view_digest"); when the audit row cannot be written, nothing is
// returned. A non-admin viewer whose unit does not exist is ErrNotFound.
func (s *Store) Digest(ctx context.Context, v Viewer, r CalendarRules, today, since time.Time) (DigestData, error) {
	today, since = DateOf(today), DateOf(since)
	db := s.db.WithContext(ctx)
	sc, err := viewerScope(db, v)
	if err != nil {
		return DigestData{}, fmt.Errorf("digest: %w", err)
	}
	items, err := s.dueItems(ctx, r, today, sc)
	if err != nil {
		return DigestData{}, fmt.Errorf("digest: %w", err)
	}
	d := sortDigest(items, today)
	d.Since = since
	if d.VisitsByInspector, err = visitsByAuthor(db, sc, since, today); err != nil {
		return DigestData{}, fmt.Errorf("digest: %w", err)
	}
	detail := fmt.Sprintf("since=%s items=%d", since.Format(time.DateOnly), len(items))
	err = s.inTx(ctx, func(tx *gorm.DB) error { return writeAudit(tx, v, AuditViewDigest, nil, nil, detail) })
	if err != nil {
		return DigestData{}, fmt.Errorf("digest: %w", err)
	}
	return d, nil
}

// sortDigest files sorted items into the lists of a digest.
func sortDigest(items []DueItem, today time.Time) DigestData {
	d := DigestData{Today: today}
	soon := today.AddDate(0, 0, digestSoonDays)
	expiring := today.AddDate(0, 0, digestExpiringDays)
	escalate := today.AddDate(0, 0, -digestEscalateDays)
	for _, it := range items {
		overdue := it.Due.Before(today)
		switch {
		case overdue:
			d.Overdue = append(d.Overdue, it)
		case !it.Due.After(soon):
			d.DueSoon = append(d.DueSoon, it)
		}
		if it.Reason == DueBeforeExpiry && !overdue && !it.Due.After(expiring) {
			d.ExpiringNoVisit = append(d.ExpiringNoVisit, it)
		}
		if it.Reason == DueKey && overdue {
			d.KeyNotVisited = append(d.KeyNotVisited, it)
		}
		if it.Reason == DueFollowUp {
			d.OpenFollowUps = append(d.OpenFollowUps, it)
		}
		if it.Due.Before(escalate) {
			d.Escalations = append(d.Escalations, it)
		}
	}
	return d
}

// visitsByAuthor counts the visits of the scope dated in [since, today]
// per author.
func visitsByAuthor(db *gorm.DB, sc unitScope, since, today time.Time) (map[int64]int, error) {
	var rows []struct {
		AuthorID int64
		N        int
	}
	err := scoped(db.Table("visits"), sc, "visits.member_id").
		Select("visits.author_id, COUNT(*) AS n").
		Where("visits.date >= ? AND visits.date <= ?", since, today).
		Group("visits.author_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count visits: %w", err)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.AuthorID] = r.N
	}
	return out, nil
}

// memberNamesChunk bounds the ids of one IN list.
const memberNamesChunk = 500

// MemberNames returns the names, units and posts of members v may see
// (scoped, audited as one "list_members" row), for rendering reminders.
// Ids outside v's scope or absent are left out of the map. When the audit
// row cannot be written, nothing is returned.
func (s *Store) MemberNames(ctx context.Context, v Viewer, ids []uint64) (map[uint64]MemberMatch, error) {
	ids = uniqueIDs(ids)
	out := make(map[uint64]MemberMatch, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		clear(out)
		for chunk := range slices.Chunk(ids, memberNamesChunk) {
			q, err := scopedMembers(tx, v)
			if errors.Is(err, ErrNotFound) { // the viewer's unit is gone: sees nothing
				break
			}
			if err != nil {
				return err
			}
			var rows []memberRow
			if err := q.Select(memberRowColumns).Where("members.id IN ?", chunk).Find(&rows).Error; err != nil {
				return fmt.Errorf("query members: %w", err)
			}
			for _, r := range rows {
				out[r.ID] = MemberMatch{Member: r.Member, UnitName: r.UnitName}
			}
		}
		return writeAudit(tx, v, AuditListMembers, nil, nil, fmt.Sprintf("n=%d", len(out)))
	})
	if err != nil {
		return nil, fmt.Errorf("member names: %w", err)
	}
	return out, nil
}

// SetDigestFrequency sets a user's digest: DigestWeekly, DigestDaily or
// DigestOff (else ErrInvalid). Any active user may have one; handlers
// decide whom to offer it. An absent or revoked user is ErrNotFound.
func (s *Store) SetDigestFrequency(ctx context.Context, telegramID int64, freq string) error {
	if freq != DigestWeekly && freq != DigestDaily && freq != DigestOff {
		return fmt.Errorf("set digest of user %d: frequency: %w", telegramID, ErrInvalid)
	}
	res := s.db.WithContext(ctx).Model(&User{}).Where("telegram_id = ? AND revoked_at IS NULL", telegramID).
		Update("digest", freq)
	if res.Error != nil {
		return fmt.Errorf("set digest of user %d: %w", telegramID, res.Error)
	}
	if res.RowsAffected == 0 { // MySQL reports matched rows (clientFoundRows)
		return fmt.Errorf("set digest of user %d: %w", telegramID, ErrNotFound)
	}
	return nil
}

// Recipients lists the active (not revoked) users by Telegram id, for the
// scheduler's pass.
func (s *Store) Recipients(ctx context.Context) ([]User, error) {
	var out []User
	if err := s.db.WithContext(ctx).Where("revoked_at IS NULL").Order("telegram_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	return out, nil
}
