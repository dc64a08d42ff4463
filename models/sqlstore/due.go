package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// DueItems computes the open items of every member (set-based: a few
// ordered queries merged in Go, never a query per member) and resolves the
// responsible inspectors; an inspector who snoozed an item until after
// today is left out of its Inspectors (the item stays for digests). Items
// come most urgent first. The zero CalendarRules means the defaults.
// Items of the same unit may share their Inspectors slice: treat it as
// read-only.
func (s *Store) DueItems(ctx context.Context, r models.CalendarRules, today time.Time) ([]models.DueItem, error) {
	items, err := s.dueItems(ctx, r, models.DateOf(today), unitScope{all: true})
	if err != nil {
		return nil, fmt.Errorf("due items: %w", err)
	}
	return items, nil
}

// dueItems is DueItems for the members of a scope.
func (s *Store) dueItems(ctx context.Context, r models.CalendarRules, today time.Time, sc unitScope) ([]models.DueItem, error) {
	var (
		items     []models.DueItem
		assignees map[uint64]int64
	)
	err := s.streaming(ctx, func(db *gorm.DB) error {
		var err error
		items, assignees, err = collectDue(db, r, today, sc, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := resolveInspectors(s.db.WithContext(ctx), items, assignees, today); err != nil {
		return nil, err
	}
	slices.SortFunc(items, models.CompareDue)
	return items, nil
}

// streaming runs fn with a handle on which several result sets may be
// read at once: the pool on MySQL (one connection per open cursor), a
// single connection on SQLite, whose driver steps several statements on
// one connection (and whose in-memory database has only one).
func (s *Store) streaming(ctx context.Context, fn func(db *gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	if s.dialect == DialectSQLite {
		return db.Connection(func(conn *gorm.DB) error {
			return fn(conn.Session(&gorm.Session{})) // a new statement per chain
		})
	}
	return fn(db)
}

// memberScan is the part of a member row the calendar reads (not the
// member's category: the one recorded with each sanction counts); one per
// pass, its destinations reused for every row.
type memberScan struct {
	id, unitID    uint64
	key, interval int64
	assignee      sql.NullInt64
	assignedAt    sql.NullTime
	updatedAt     sql.NullTime
	dest          []any
}

func newMemberScan() *memberScan {
	m := &memberScan{}
	m.dest = []any{&m.id, &m.unitID, &m.key, &m.assignee, &m.interval, &m.assignedAt, &m.updatedAt}
	return m
}

// dueStreams are the three result sets the calendar merges, each ordered
// by member id.
type dueStreams struct {
	members   *sql.Rows
	sanctions *cursor[models.Sanction]
	visits    *cursor[models.VisitMark]
}

// openDueStreams opens the three result sets; buffered reads sanctions
// and visits into memory first, for a transaction, whose one connection
// reads one result set at a time.
func openDueStreams(db *gorm.DB, sc unitScope, buffered bool) (*dueStreams, error) {
	st := &dueStreams{}
	rows, err := sanctionRows(db, sc)
	if err != nil {
		return nil, fmt.Errorf("query sanctions: %w", err)
	}
	st.sanctions = openCursor(rows, newSanctionScan().scan, buffered)
	if rows, err = visitRows(db, sc); err != nil {
		st.close()
		return nil, fmt.Errorf("query visits: %w", err)
	}
	st.visits = openCursor(rows, newVisitScan().scan, buffered)
	if st.members, err = memberRows(db, sc); err != nil {
		st.close()
		return nil, fmt.Errorf("query members: %w", err)
	}
	return st, nil
}

func (st *dueStreams) close() {
	for _, rows := range []*sql.Rows{st.members, cursorRows(st.sanctions), cursorRows(st.visits)} {
		if rows != nil {
			_ = rows.Close()
		}
	}
}

// err returns the first error met reading the streams.
func (st *dueStreams) err() error {
	if err := st.members.Err(); err != nil {
		return fmt.Errorf("read members: %w", err)
	}
	if st.sanctions.err != nil {
		return fmt.Errorf("read sanctions: %w", st.sanctions.err)
	}
	if st.visits.err != nil {
		return fmt.Errorf("read visits: %w", st.visits.err)
	}
	return nil
}

// collectDue streams members, their sanctions and their visits, each
// ordered by member id, and evaluates the rules member by member: only
// one member's sanctions and visits are held at a time. It returns the
// items (unsorted, without inspectors) and the assignees of the members
// that have items.
func collectDue(db *gorm.DB, r models.CalendarRules, today time.Time, sc unitScope, buffered bool) ([]models.DueItem, map[uint64]int64, error) {
	st, err := openDueStreams(db, sc, buffered)
	if err != nil {
		return nil, nil, err
	}
	defer st.close()
	var (
		items     []models.DueItem
		assignees = map[uint64]int64{}
		cal       models.MemberCalendar
		m         = newMemberScan()
	)
	for st.members.Next() {
		if err := st.members.Scan(m.dest...); err != nil {
			return nil, nil, fmt.Errorf("scan member: %w", err)
		}
		cal.Member, cal.Assigned = m.member(), time.Time{}
		if m.assignedAt.Valid {
			cal.Assigned = m.assignedAt.Time
		}
		id := cal.Member.ID
		cal.Sanctions = st.sanctions.take(id, cal.Sanctions[:0])
		cal.Visits = st.visits.take(id, cal.Visits[:0])
		n := len(items)
		if items = models.AppendDue(r, &cal, today, items); len(items) > n && m.assignee.Valid {
			assignees[id] = m.assignee.Int64
		}
	}
	if err := st.err(); err != nil {
		return nil, nil, err
	}
	return items, assignees, nil
}

func (m *memberScan) member() models.Member {
	out := models.Member{ID: m.id, UnitID: m.unitID, Key: m.key != 0, IntervalMonths: int(m.interval)}
	if m.assignee.Valid {
		id := m.assignee.Int64
		out.AssigneeID = &id
	}
	if m.updatedAt.Valid {
		out.UpdatedAt = m.updatedAt.Time
	}
	return out
}

// scoped limits q, on a table with a member_id column (or members
// itself, memberCol "members.id"), to the members of the scope.
func scoped(q *gorm.DB, sc unitScope, memberCol string) *gorm.DB {
	if sc.to != 0 {
		q = q.Where(memberCol+" BETWEEN ? AND ?", sc.from, sc.to)
	}
	if sc.all {
		return q
	}
	if memberCol != "members.id" {
		q = q.Joins("JOIN members ON members.id = " + memberCol)
	}
	return sc.where(q.Joins("JOIN units ON units.id = members.unit_id"), "units.path")
}

func memberRows(db *gorm.DB, sc unitScope) (*sql.Rows, error) {
	// key is a reserved word in MySQL; backquotes work on SQLite too.
	return scoped(db.Table("members"), sc, "members.id").
		Select("members.id, members.unit_id, members.`key`, members.assignee_id, " +
			"members.interval_months, members.assigned_at, members.updated_at").
		Order("members.id").Rows()
}

// sanctionColumns are the columns of a sanction the calendar reads
// (scanSanction).
const sanctionColumns = "sanctions.member_id, sanctions.id, sanctions.kind, sanctions.decision_date, " +
	"sanctions.effective_date, sanctions.period_end, sanctions.lifted_on, sanctions.enforced, sanctions.category"

func sanctionRows(db *gorm.DB, sc unitScope) (*sql.Rows, error) {
	return scoped(db.Table("sanctions"), sc, "sanctions.member_id").Select(sanctionColumns).
		Order("sanctions.member_id, sanctions.decision_date, sanctions.id").Rows()
}

// visitMarkColumns are what the calendar reads of a visit (visitScan).
// Its flags are one number computed in the query (visitFeedback, ...).
// The query reads no text column: with one, MySQL's sort of the 300,000
// rows of the benchmark takes twice as long (requests_open stands for
// the requests' text).
const visitMarkColumns = "visits.member_id, visits.id, visits.date, visits.next_visit, " +
	"CASE WHEN visits.feedback_unit = 1 THEN 1 ELSE 0 END + CASE WHEN visits.branch_informed = 1 THEN 2 ELSE 0 END + " +
	"CASE WHEN visits.enforcement_ok = 0 AND visits.rectified_on IS NULL THEN 4 ELSE 0 END + " +
	"CASE WHEN visits.requests_open = 1 THEN 8 ELSE 0 END"

// The bits of a visit's flags.
const (
	visitFeedback    = 1 << iota // feedback given to the unit
	visitBranch                  // branch informed
	visitOpenProblem             // an enforcement problem not yet corrected
	visitOpenRequest             // requests not yet met
)

// visitRows reads visits without their sanction links: any visit of the
// member satisfies an item, so the rules do not need them.
func visitRows(db *gorm.DB, sc unitScope) (*sql.Rows, error) {
	return scoped(db.Table("visits"), sc, "visits.member_id").Select(visitMarkColumns).
		Order("visits.member_id, visits.date, visits.id").Rows()
}

// sanctionScan holds the columns of a sanction row; one per pass, its
// destinations reused for every row.
type sanctionScan struct {
	member, id         uint64
	enforced           int64
	kind, category     sql.RawBytes
	decided, effective time.Time
	end, lifted        sql.NullTime
	dest               []any
}

func newSanctionScan() *sanctionScan {
	r := &sanctionScan{}
	r.dest = []any{&r.member, &r.id, &r.kind, &r.decided, &r.effective, &r.end, &r.lifted, &r.enforced, &r.category}
	return r
}

func (r *sanctionScan) scan(rows *sql.Rows, s *models.Sanction) (uint64, error) {
	if err := rows.Scan(r.dest...); err != nil {
		return 0, err
	}
	*s = models.Sanction{ID: r.id, MemberID: r.member, Kind: internKind(r.kind), Category: internRank(r.category),
		DecisionDate: r.decided, EffectiveDate: r.effective, Enforced: r.enforced != 0,
		PeriodEnd: nullDate(r.end), LiftedOn: nullDate(r.lifted)}
	return s.MemberID, nil
}

// visitScan holds the columns of a visit row (visitMarkColumns); one per
// pass, its destinations reused for every row.
type visitScan struct {
	member, id uint64
	flags      int64
	date       time.Time
	next       sql.NullTime
	dest       []any
}

func newVisitScan() *visitScan {
	r := &visitScan{}
	r.dest = []any{&r.member, &r.id, &r.date, &r.next, &r.flags}
	return r
}

func (r *visitScan) scan(rows *sql.Rows, v *models.VisitMark) (uint64, error) {
	if err := rows.Scan(r.dest...); err != nil {
		return 0, err
	}
	f := r.flags
	*v = models.VisitMark{ID: r.id, Date: r.date, Next: nullDate(r.next),
		FeedbackUnit: f&visitFeedback != 0, BranchInformed: f&visitBranch != 0,
		OpenProblem: f&visitOpenProblem != 0, OpenRequest: f&visitOpenRequest != 0}
	return r.member, nil
}

func nullDate(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	d := models.DateOf(t.Time)
	return &d
}

// cursor reads an open result set ordered by member id, one row ahead,
// or the rows it read into memory when buffered.
type cursor[T any] struct {
	rows   *sql.Rows
	scan   func(*sql.Rows, *T) (uint64, error)
	cur    T
	member uint64
	ok     bool
	err    error

	buf []bufferedRow[T] // buffered: the rows left
}

type bufferedRow[T any] struct {
	member uint64
	row    T
}

// openCursor reads the first row of rows (all of them and closes rows,
// when buffered); an error is kept in err.
func openCursor[T any](rows *sql.Rows, scan func(*sql.Rows, *T) (uint64, error), buffered bool) *cursor[T] {
	c := &cursor[T]{rows: rows, scan: scan}
	if buffered {
		c.next()
		for c.ok {
			c.buf = append(c.buf, bufferedRow[T]{c.member, c.cur})
			c.next()
		}
		if err := rows.Close(); err != nil && c.err == nil {
			c.err = err
		}
		c.rows = nil
		if c.err != nil {
			return c
		}
	}
	c.next()
	return c
}

func cursorRows[T any](c *cursor[T]) *sql.Rows {
	if c == nil {
		return nil
	}
	return c.rows
}

func (c *cursor[T]) next() {
	if c.rows == nil { // buffered
		if c.ok = len(c.buf) > 0; c.ok {
			c.member, c.cur, c.buf = c.buf[0].member, c.buf[0].row, c.buf[1:]
		}
		return
	}
	if c.ok = c.rows.Next(); !c.ok {
		c.err = c.rows.Err()
		return
	}
	var zero T
	c.cur = zero
	if c.member, c.err = c.scan(c.rows, &c.cur); c.err != nil {
		c.ok = false
	}
}

// take skips the rows of members before member (whose member row was
// not read: deleted meanwhile, or out of scope) and appends the rows of
// member to buf.
func (c *cursor[T]) take(member uint64, buf []T) []T {
	for c.ok && c.member < member {
		c.next()
	}
	for c.ok && c.member == member {
		buf = append(buf, c.cur)
		c.next()
	}
	return buf
}

// responsible answers who is responsible for a member: the assignee if
// still an active user whose unit's subtree holds the member's unit, else
// the active inspectors of the member's unit or, when it has none, of its
// nearest ancestor that has any.
type responsible struct {
	home       map[int64]uint64   // active user → their unit
	paths      map[uint64]string  // unit id → materialised path
	inspectors map[uint64][]int64 // unit id → its own inspectors
	nearest    map[uint64][]int64 // unit id → the answer, computed once per unit
	snoozed    map[string][]int64 // item key → recipients who snoozed it
}

// loadResponsible reads the unit tree, the active users and the snoozes
// still running on today.
func loadResponsible(db *gorm.DB, today time.Time) (*responsible, error) {
	var units []models.Unit
	if err := db.Select("id", "path").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	var users []models.User
	if err := db.Select("telegram_id", "role", "unit_id").Where("revoked_at IS NULL").
		Order("telegram_id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	var snoozes []snooze
	if err := db.Select("recipient", "item_key").Where("`until` > ?", today).Find(&snoozes).Error; err != nil {
		return nil, fmt.Errorf("load snoozes: %w", err)
	}
	rs := &responsible{home: map[int64]uint64{}, paths: map[uint64]string{}, inspectors: map[uint64][]int64{},
		nearest: map[uint64][]int64{}, snoozed: map[string][]int64{}}
	for _, u := range units {
		rs.paths[u.ID] = u.Path
	}
	for _, u := range users {
		rs.home[u.TelegramID] = u.UnitID
		if u.Role == models.RoleInspector {
			rs.inspectors[u.UnitID] = append(rs.inspectors[u.UnitID], u.TelegramID)
		}
	}
	for _, sn := range snoozes {
		rs.snoozed[sn.ItemKey] = append(rs.snoozed[sn.ItemKey], sn.Recipient)
	}
	return rs, nil
}

// ofUnit returns the inspectors of the unit or of its nearest ancestor
// that has any. The slice is shared: callers must not change it.
func (rs *responsible) ofUnit(unit uint64) []int64 {
	if got, ok := rs.nearest[unit]; ok {
		return got
	}
	var found []int64
	ids := pathIDs(rs.paths[unit])
	for i := len(ids) - 1; i >= 0 && found == nil; i-- {
		found = rs.inspectors[ids[i]]
	}
	found = slices.Clip(found)
	rs.nearest[unit] = found
	return found
}

// covers reports whether user id is active and unit lies in their unit's
// subtree: an assignment counts only while the member is in the
// assignee's scope (a unit moved away leaves it behind).
func (rs *responsible) covers(id int64, unit uint64) bool {
	home, ok := rs.home[id]
	path := rs.paths[home]
	return ok && path != "" && (unitScope{path: path}).contains(rs.paths[unit])
}

// pathIDs splits a materialised path "/1/4/9/" into its unit ids.
func pathIDs(path string) []uint64 {
	var ids []uint64
	var cur uint64
	for i := 1; i < len(path); i++ {
		if c := path[i]; c >= '0' && c <= '9' {
			cur = cur*10 + uint64(c-'0')
		} else {
			ids, cur = append(ids, cur), 0
		}
	}
	return ids
}

// resolveInspectors fills the Inspectors of every item and leaves out
// those who snoozed it.
func resolveInspectors(db *gorm.DB, items []models.DueItem, assignees map[uint64]int64, today time.Time) error {
	rs, err := loadResponsible(db, today)
	if err != nil {
		return err
	}
	for i := range items {
		it := &items[i]
		if a, ok := assignees[it.MemberID]; ok && rs.covers(a, it.UnitID) {
			it.Inspectors = []int64{a}
		} else {
			it.Inspectors = rs.ofUnit(it.UnitID)
		}
		if len(rs.snoozed) == 0 || len(it.Inspectors) == 0 {
			continue
		}
		if who := rs.snoozed[it.Key()]; len(who) > 0 {
			it.Inspectors = slices.DeleteFunc(slices.Clone(it.Inspectors), func(id int64) bool {
				return slices.Contains(who, id)
			})
		}
	}
	return nil
}
