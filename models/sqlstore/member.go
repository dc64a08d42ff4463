package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// Search limits.
const (
	defaultSearchLimit = 20
	maxSearchLimit     = 100
)

// SearchMembers finds the members v may see. A query of digits is a member
// id. A query of ASCII letters only (any case) is also pinyin: it matches
// names that contain it, pinyin initials equal to it or starting with it
// ("zs", "ZS" find 张三) and full pinyin starting with it ("zhang",
// "zhangsan"); exact matches (name, initials or full pinyin) come first.
// Anything else matches names exactly or, when no name is equal to it,
// names that contain it. Results are ordered by name then id, at most limit
// of them (20 when limit ≤ 0, never more than 100). No match, or an empty
// query, is ErrNotFound. Every search writes one "search_member" audit row
// naming the members found and their number (never the query) in the same
// transaction; if that fails, no results are returned.
func (s *Store) SearchMembers(ctx context.Context, v models.Viewer, query string, limit int) ([]models.MemberMatch, error) {
	return s.searchMembers(ctx, v, query, limit, false)
}

// LookupMembers is SearchMembers for a caller that opens the member at
// once when only one matches (/status 张三): then it returns that member's
// id alone, no name, unit or post, and writes no row of its own, since
// the view that follows writes the one row of the action, naming the
// member. No match or several are audited as by SearchMembers.
func (s *Store) LookupMembers(ctx context.Context, v models.Viewer, query string, limit int) ([]models.MemberMatch, error) {
	return s.searchMembers(ctx, v, query, limit, true)
}

func (s *Store) searchMembers(ctx context.Context, v models.Viewer, query string, limit int, viewsOne bool) ([]models.MemberMatch, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, fmt.Errorf("search members: empty query: %w", models.ErrNotFound)
	}
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	limit = min(limit, maxSearchLimit)
	if viewsOne {
		// One match is answered with its id only (nothing shown: opening
		// it is audited), so it needs no transaction: two round trips
		// fewer on the way into every form. Several are read again below
		// in the transaction that audits the list.
		rows, err := searchRows(s.db.WithContext(ctx), v, query, limit)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return nil, fmt.Errorf("search members: %w", unavailable(ctx, err))
		}
		if len(rows) == 0 {
			return nil, fmt.Errorf("search members: %w", models.ErrNotFound)
		}
		if len(rows) == 1 {
			return []models.MemberMatch{{Member: models.Member{ID: rows[0].ID}}}, nil
		}
	}
	var rows []memberRow
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		rows, err = searchRows(tx, v, query, limit)
		if errors.Is(err, models.ErrNotFound) { // the viewer's unit is gone: sees nothing
			rows, err = nil, nil
		}
		if err != nil || viewsOne && len(rows) == 1 {
			return err
		}
		ids := make([]uint64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		return writeAuditMembers(tx, v, models.AuditSearch, ids, nil, fmt.Sprintf("results=%d", len(rows)))
	})
	if err != nil {
		return nil, fmt.Errorf("search members: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("search members: %w", models.ErrNotFound)
	}
	if viewsOne && len(rows) == 1 {
		return []models.MemberMatch{{Member: models.Member{ID: rows[0].ID}}}, nil
	}
	matches := make([]models.MemberMatch, len(rows))
	for i, r := range rows {
		matches[i] = models.MemberMatch{Member: r.Member, UnitName: r.UnitName}
	}
	return matches, nil
}

// searchRows runs the id, exact-name and substring searches in turn.
func searchRows(tx *gorm.DB, v models.Viewer, query string, limit int) ([]memberRow, error) {
	find := func(cond string, arg any) ([]memberRow, error) {
		q, err := scopedMembers(tx, v)
		if err != nil {
			return nil, err
		}
		var rows []memberRow
		err = q.Select(memberRowColumns).Where(cond, arg).
			Order("members.name, members.id").Limit(limit).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("query members: %w", err)
		}
		return rows, nil
	}
	if allDigits(query) {
		id, err := strconv.ParseUint(query, 10, 64)
		if err != nil {
			return nil, nil // too large to be an id
		}
		return find("members.id = ?", id)
	}
	if asciiLetters(query) {
		return pinyinRows(tx, v, query, limit)
	}
	rows, err := find("members.name = ?", query)
	if err != nil || len(rows) > 0 {
		return rows, err
	}
	return find("members.name LIKE ?"+likeEscapeClause, "%"+likeEscape(query)+"%")
}

// pinyinRows runs the search of a query of ASCII letters.
func pinyinRows(tx *gorm.DB, v models.Viewer, query string, limit int) ([]memberRow, error) {
	q, err := scopedMembers(tx, v)
	if err != nil {
		return nil, err
	}
	lower := strings.ToLower(query)
	prefix := likeEscape(lower) + "%"
	exactFirst := clause.OrderBy{Expression: clause.Expr{
		SQL:                "CASE WHEN members.name = ? OR members.name_initials = ? OR members.name_pinyin = ? THEN 0 ELSE 1 END, members.name, members.id",
		Vars:               []any{query, lower, lower},
		WithoutParentheses: true,
	}}
	var rows []memberRow
	err = q.Select(memberRowColumns).
		Where("members.name LIKE ?"+likeEscapeClause+" OR members.name_initials LIKE ?"+likeEscapeClause+
			" OR members.name_pinyin LIKE ?"+likeEscapeClause, "%"+likeEscape(query)+"%", prefix, prefix).
		Order(exactFirst).Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("query members by pinyin: %w", err)
	}
	return rows, nil
}

func asciiLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// MemberSanctions returns a member v may see, the name of their unit and
// their sanctions, newest decision first. A member outside v's scope is
// ErrNotFound, exactly like an absent one. The view is audited
// ("open_member") in the same transaction; if the audit row cannot be
// written, nothing is returned.
func (s *Store) MemberSanctions(ctx context.Context, v models.Viewer, memberID uint64) (models.Member, string, []models.Sanction, error) {
	var (
		row       memberRow
		sanctions []models.Sanction
	)
	err := s.viewAudited(ctx, v, models.AuditOpenMember, memberID, func(tx *gorm.DB) error {
		var err error
		if row, err = findMember(tx, v, memberID); err != nil {
			return err
		}
		sanctions, err = memberSanctions(tx, memberID)
		return err
	})
	if err != nil {
		return models.Member{}, "", nil, err
	}
	return row.Member, row.UnitName, sanctions, nil
}

// memberSanctions loads a member's sanctions, newest decision first.
func memberSanctions(tx *gorm.DB, memberID uint64) ([]models.Sanction, error) {
	var out []models.Sanction
	err := tx.Where("member_id = ?", memberID).Order("decision_date DESC, id DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("load sanctions of member %d: %w", memberID, err)
	}
	for i := range out {
		out[i].NormaliseDates()
	}
	return out, nil
}
