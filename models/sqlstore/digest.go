package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Digest gathers the digest of v's subtree (admins: everything): the open
// items of its members sorted into the digest's lists (most urgent first)
// and the visits dated in [since, today] per author. Everything is read in
// the transaction of its audit row ("view_digest"); when the row cannot
// be written, nothing is returned. A non-admin viewer whose unit does not
// exist is ErrNotFound.
func (s *Store) Digest(ctx context.Context, v models.Viewer, r models.CalendarRules, today, since time.Time) (models.DigestData, error) {
	today, since = models.DateOf(today), models.DateOf(since)
	var d models.DigestData
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		sc, err := viewerScope(tx, v)
		if err != nil {
			return err
		}
		items, assignees, err := collectDueInTx(tx, r, today, sc)
		if err != nil {
			return err
		}
		if err := resolveInspectors(tx, items, assignees, today); err != nil {
			return err
		}
		slices.SortFunc(items, models.CompareDue)
		d = models.NewDigestData(items, today)
		d.Since = since
		if d.VisitsByInspector, err = visitsByAuthor(tx, sc, since, today); err != nil {
			return err
		}
		if models.MayReview(v) {
			if d.PendingReviews, d.PendingTotal, err = pendingVisits(tx, v, models.MaxPendingReviews); err != nil {
				return err
			}
			for i := range d.PendingReviews { // ids only: names are looked up when it is rendered
				d.PendingReviews[i].MemberName, d.PendingReviews[i].UnitName = "", ""
			}
		}
		detail := fmt.Sprintf("since=%s items=%d", since.Format(time.DateOnly), len(items))
		return writeAudit(tx, v, models.AuditViewDigest, nil, nil, detail)
	})
	if err != nil {
		return models.DigestData{}, fmt.Errorf("digest: %w", err)
	}
	return d, nil
}

// digestPart is how many member ids the digest's calendar reads at a time
// inside its transaction, whose one connection holds one part's
// sanctions and visits in memory (collectDue, buffered).
const digestPart = 5000

// collectDueInTx is collectDue for the members of sc inside a
// transaction, a range of member ids at a time, so that memory stays
// bounded however large the scope.
func collectDueInTx(tx *gorm.DB, r models.CalendarRules, today time.Time, sc unitScope) ([]models.DueItem, map[uint64]int64, error) {
	var lo, hi sql.NullInt64
	err := scoped(tx.Table("members"), sc, "members.id").Select("MIN(members.id), MAX(members.id)").Row().Scan(&lo, &hi)
	if err != nil {
		return nil, nil, fmt.Errorf("member id range: %w", err)
	}
	var items []models.DueItem
	assignees := map[uint64]int64{}
	for from := uint64(lo.Int64); hi.Valid && from <= uint64(hi.Int64); from += digestPart {
		part := sc
		part.from, part.to = from, min(from+digestPart-1, uint64(hi.Int64))
		got, as, err := collectDue(tx, r, today, part, true)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, got...)
		maps.Copy(assignees, as)
	}
	return items, assignees, nil
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
// (scoped, audited as one row of action naming them: list_members when a
// reminder or digest is rendered, else the command's own, view_due or
// view_digest), for rendering lists of due items. Ids outside v's scope
// or absent are left out of the map. When the audit row cannot be
// written, nothing is returned.
func (s *Store) MemberNames(ctx context.Context, v models.Viewer, action string, ids []uint64) (map[uint64]models.MemberMatch, error) {
	ids = uniqueIDs(ids)
	out := make(map[uint64]models.MemberMatch, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		clear(out)
		for chunk := range slices.Chunk(ids, memberNamesChunk) {
			q, err := scopedMembers(tx, v)
			if errors.Is(err, models.ErrNotFound) { // the viewer's unit is gone: sees nothing
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
				out[r.ID] = models.MemberMatch{Member: r.Member, UnitName: r.UnitName}
			}
		}
		shown := make([]uint64, 0, len(out))
		for id := range out {
			shown = append(shown, id)
		}
		return writeAuditMembers(tx, v, action, shown, nil, fmt.Sprintf("n=%d", len(out)))
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
	if freq != models.DigestWeekly && freq != models.DigestDaily && freq != models.DigestOff {
		return fmt.Errorf("set digest of user %d: frequency: %w", telegramID, models.ErrInvalid)
	}
	res := s.db.WithContext(ctx).Model(&models.User{}).Where("telegram_id = ? AND revoked_at IS NULL", telegramID).
		Update("digest", freq)
	if res.Error != nil {
		return fmt.Errorf("set digest of user %d: %w", telegramID, res.Error)
	}
	if res.RowsAffected == 0 { // MySQL reports matched rows (clientFoundRows)
		return fmt.Errorf("set digest of user %d: %w", telegramID, models.ErrNotFound)
	}
	return nil
}

// Recipients lists the active (not revoked) users by Telegram id, for the
// scheduler's pass.
func (s *Store) Recipients(ctx context.Context) ([]models.User, error) {
	var out []models.User
	if err := s.db.WithContext(ctx).Where("revoked_at IS NULL").Order("telegram_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	return out, nil
}
