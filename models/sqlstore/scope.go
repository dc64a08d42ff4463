package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// txAttempts bounds how often a transaction that InnoDB rolled back for a
// deadlock is run again.
const txAttempts = 3

// unavailable marks err, from a statement made under ctx, as the database
// not answering (models.ErrUnavailable) when ctx ended or the connection
// failed: the handlers then say "try again later" rather than apologise.
func unavailable(ctx context.Context, err error) error {
	if ctx.Err() != nil || isConnection(err) {
		return fmt.Errorf("%w: %w", models.ErrUnavailable, err)
	}
	return err
}

// inTx runs fn in one transaction, again if MySQL reports a deadlock.
// opts (at most one) sets the transaction's isolation level. A deadlock
// that outlives the retries is ErrStale: the caller may start over on
// fresh data.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	for attempt := 1; ; attempt++ {
		err := s.db.WithContext(ctx).Transaction(fn, opts...)
		switch {
		case err != nil && (ctx.Err() != nil || isConnection(err)):
			return unavailable(ctx, err)
		case err == nil || !isRetryable(err):
			return err
		case attempt == txAttempts:
			return fmt.Errorf("rolled back %d times: %w: %w", txAttempts, models.ErrStale, err)
		}
	}
}

// likeEscape escapes s for a LIKE pattern used with likeEscapeClause. '!'
// rather than '\' is the escape character because a backslash means
// different things in MySQL and SQLite string literals.
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// likeEscapeClause goes right after "LIKE ?".
const likeEscapeClause = " ESCAPE '!'"

// unitScope is the set of units a viewer may see: every unit, or the
// subtree of the unit whose materialised path is path. It is the one place
// that decides whether a unit lies inside a viewer's subtree: SQL queries
// use where, in-memory checks use contains, and both test the same path
// prefix.
type unitScope struct {
	all  bool
	path string

	// The calendar's queries may be cut to the members with ids in
	// [from, to] (to 0: all), to read a large scope a part at a time.
	from, to uint64
}

// viewerScope returns v's scope: everything for an admin, else the subtree
// of v's unit. A non-admin viewer whose unit does not exist sees nothing
// (ErrNotFound).
func viewerScope(tx *gorm.DB, v models.Viewer) (unitScope, error) {
	if v.Role == models.RoleAdmin {
		return unitScope{all: true}, nil
	}
	var u models.Unit
	if err := tx.Select("path").Take(&u, "id = ?", v.UnitID).Error; err != nil {
		return unitScope{}, fmt.Errorf("viewer unit %d: %w", v.UnitID, notFound(err))
	}
	return unitScope{path: u.Path}, nil
}

// where limits q to the rows whose unit path, in column pathColumn, lies
// inside the scope.
func (sc unitScope) where(q *gorm.DB, pathColumn string) *gorm.DB {
	if sc.all {
		return q
	}
	return q.Where(pathColumn+" LIKE ?"+likeEscapeClause, likeEscape(sc.path)+"%")
}

// contains reports whether a unit with the given path lies inside the
// scope; it is the in-memory twin of where.
func (sc unitScope) contains(unitPath string) bool {
	return sc.all || strings.HasPrefix(unitPath, sc.path)
}

// scopedMembers starts a query on members joined with their units, limited
// to what v may see. A non-admin viewer whose unit does not exist sees
// nothing (ErrNotFound). Sanctions and visits are read through it, joined
// to their member.
func scopedMembers(tx *gorm.DB, v models.Viewer) (*gorm.DB, error) {
	return scopedMembersJoin(tx, v, "JOIN")
}

// scopedMembersFirst is scopedMembers for look-ups by a selective column
// of members (a list of names): on MySQL the join is a STRAIGHT_JOIN, so
// that members lead whatever the table statistics say; they lag behind a
// bulk insert, and then the optimiser would scan every member of a unit.
func scopedMembersFirst(tx *gorm.DB, v models.Viewer) (*gorm.DB, error) {
	return scopedMembersJoin(tx, v, leadingJoin(tx))
}

func scopedMembersJoin(tx *gorm.DB, v models.Viewer, join string) (*gorm.DB, error) {
	sc, err := viewerScope(tx, v)
	if err != nil {
		return nil, err
	}
	return sc.where(tx.Table("members").Joins(join+" units ON units.id = members.unit_id"), "units.path"), nil
}

// leadingJoin is the join operator that keeps the left table first.
func leadingJoin(tx *gorm.DB) string {
	if tx.Dialector.Name() == DialectMySQL {
		return "STRAIGHT_JOIN"
	}
	return "JOIN"
}

// scopedSanctions starts a query on sanctions joined with their members and
// units, limited to what v may see. Sanctions lead (see scopedMembersFirst):
// it serves look-ups by id or decision number.
func scopedSanctions(tx *gorm.DB, v models.Viewer) (*gorm.DB, error) {
	sc, err := viewerScope(tx, v)
	if err != nil {
		return nil, err
	}
	join := leadingJoin(tx)
	q := tx.Table("sanctions").Joins(join + " members ON members.id = sanctions.member_id").
		Joins(join + " units ON units.id = members.unit_id")
	return sc.where(q, "units.path"), nil
}

// scopedUnits starts a query on the units v may see.
func scopedUnits(tx *gorm.DB, v models.Viewer) (*gorm.DB, error) {
	sc, err := viewerScope(tx, v)
	if err != nil {
		return nil, err
	}
	return sc.where(tx.Table("units"), "units.path"), nil
}

// scopedUsers starts a query on the active (not revoked) users v may see,
// joined with their units.
func scopedUsers(tx *gorm.DB, v models.Viewer) (*gorm.DB, error) {
	sc, err := viewerScope(tx, v)
	if err != nil {
		return nil, err
	}
	q := tx.Table("users").Joins("JOIN units ON units.id = users.unit_id").Where("users.revoked_at IS NULL")
	return sc.where(q, "units.path"), nil
}

// memberRow is a member with its unit's name.
type memberRow struct {
	models.Member `gorm:"embedded"`
	UnitName      string
}

const memberRowColumns = "members.*, units.name AS unit_name"

// findMember loads one member inside v's scope; out of scope is ErrNotFound.
func findMember(tx *gorm.DB, v models.Viewer, id uint64) (memberRow, error) {
	q, err := scopedMembers(tx, v)
	if err != nil {
		return memberRow{}, err
	}
	var rows []memberRow
	if err := q.Select(memberRowColumns).Where("members.id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return memberRow{}, fmt.Errorf("find member %d: %w", id, err)
	}
	if len(rows) == 0 {
		return memberRow{}, fmt.Errorf("member %d: %w", id, models.ErrNotFound)
	}
	return rows[0], nil
}

func nowUTC() time.Time { return time.Now().UTC() }

// writeAudit appends one audit row to the chain in tx; it must be the
// transaction's last statement but for the commit (see auditchain.go).
func writeAudit(tx *gorm.DB, v models.Viewer, action string, memberID, visitID *uint64, detail string) error {
	return insertAudit(tx, &models.AuditEvent{ActorID: v.TelegramID, Action: action, MemberID: memberID,
		VisitID: visitID, Detail: detail})
}

// writeAuditMembers is writeAudit for an action that showed or changed the
// members ids: a single one is the row's member, several are linked in
// audit_members (none: the row names no member).
func writeAuditMembers(tx *gorm.DB, v models.Viewer, action string, ids []uint64, visitID *uint64, detail string) error {
	ev := &models.AuditEvent{ActorID: v.TelegramID, Action: action, VisitID: visitID, Detail: detail}
	ids = uniqueIDs(ids)
	if len(ids) == 1 {
		ev.MemberID = &ids[0]
	} else {
		ev.Members = ids
	}
	return insertAudit(tx, ev)
}

func insertAudit(tx *gorm.DB, ev *models.AuditEvent) error {
	ev.At, ev.Detail = nowUTC(), truncateRunes(ev.Detail, maxDetail)
	if err := appendAudit(tx, ev); err != nil {
		return fmt.Errorf("write audit %s: %w", ev.Action, err)
	}
	return nil
}

// viewAudited runs read and writes the audit row of the view in the same
// transaction, so that no data leaves the store without its audit row (fail
// closed). A view that finds nothing is audited too, with detail
// "result=not_found": probing outside one's scope is worth a record.
func (s *Store) viewAudited(ctx context.Context, v models.Viewer, action string, memberID uint64, read func(tx *gorm.DB) error) error {
	var missing bool
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		missing = false
		detail := ""
		if err := read(tx); errors.Is(err, models.ErrNotFound) {
			missing, detail = true, "result=not_found"
		} else if err != nil {
			return err
		}
		return writeAudit(tx, v, action, &memberID, nil, detail)
	})
	if err != nil {
		return fmt.Errorf("%s %d: %w", action, memberID, err)
	}
	if missing {
		return fmt.Errorf("%s %d: %w", action, memberID, models.ErrNotFound)
	}
	return nil
}
