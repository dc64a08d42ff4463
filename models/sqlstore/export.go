package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// Export reads the members, sanctions and visits of scope that v may see
// into sink (see models.ExportScope for what a period selects), all in one
// transaction that ends with the audit row naming every member exported
// (models.AuditExport). Rows are read with database/sql cursors into
// reused destinations, not through GORM's reflection. A unit outside v's
// scope is ErrNotFound. When the audit row cannot be written the export
// fails, so the caller must not hand out what sink built (fail closed).
func (s *Store) Export(ctx context.Context, v models.Viewer, scope models.ExportScope, sink models.ExportSink) (models.ExportCounts, error) {
	if scope.Dated() != !scope.To.IsZero() || scope.Dated() && scope.To.Before(scope.From) {
		return models.ExportCounts{}, fmt.Errorf("export: period %v to %v: %w", scope.From, scope.To, models.ErrInvalid)
	}
	scope.From, scope.To = models.DateOf(scope.From), models.DateOf(scope.To)
	var counts models.ExportCounts
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		sc, err := exportUnits(tx, v, scope.UnitID)
		if err != nil {
			return err
		}
		x := &exporter{tx: tx, sc: sc, scope: scope, sink: sink}
		if counts, err = x.run(); err != nil {
			return err
		}
		detail := fmt.Sprintf("unit=%d since=%s until=%s members=%d sanctions=%d visits=%d", scope.UnitID,
			dateText(scope.From), dateText(scope.To), counts.Members, counts.Sanctions, counts.Visits)
		return writeAuditMembers(tx, v, models.AuditExport, x.members, nil, detail)
	})
	if err != nil {
		return models.ExportCounts{}, fmt.Errorf("export: %w", err)
	}
	return counts, nil
}

// dateText is a date for an audit detail, "0" for none.
func dateText(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return t.Format("2006-01-02")
}

// exportUnits is the scope of an export: v's, cut to unit's subtree when
// unit is set (ErrNotFound when v may not see it).
func exportUnits(tx *gorm.DB, v models.Viewer, unit uint64) (unitScope, error) {
	sc, err := viewerScope(tx, v)
	if err != nil || unit == 0 {
		return sc, err
	}
	var u models.Unit
	if err := tx.Select("path").Take(&u, "id = ?", unit).Error; err != nil {
		return unitScope{}, fmt.Errorf("unit %d: %w", unit, notFound(err))
	}
	if !sc.contains(u.Path) {
		return unitScope{}, fmt.Errorf("unit %d: %w", unit, models.ErrNotFound)
	}
	return unitScope{path: u.Path}, nil
}

// exporter is one export's reading.
type exporter struct {
	tx      *gorm.DB
	sc      unitScope
	scope   models.ExportScope
	sink    models.ExportSink
	members []uint64            // exported, for the audit row
	users   map[int64]string    // Telegram id → name, for authors and reviewers
	links   map[uint64][]string // visit id → decision numbers
}

func (x *exporter) run() (models.ExportCounts, error) {
	counts, err := x.count()
	if err != nil {
		return counts, err
	}
	if err := x.sink.Begin(counts); err != nil {
		return counts, err
	}
	if err := x.loadUsers(); err != nil {
		return counts, err
	}
	if err := x.readMembers(); err != nil {
		return counts, err
	}
	if err := x.readSanctions(); err != nil {
		return counts, err
	}
	if err := x.loadLinks(); err != nil {
		return counts, err
	}
	if err := x.readVisits(); err != nil {
		return counts, err
	}
	return counts, nil
}

// memberQuery starts a query on table (members, or one with a member_id
// column joined to members) limited to the scope's units and, with a
// period, to the members it selects.
func (x *exporter) memberQuery(table string) *gorm.DB {
	q := x.tx.Table(table)
	if table != "members" {
		q = q.Joins("JOIN members ON members.id = " + table + ".member_id")
	}
	q = x.sc.where(q.Joins("JOIN units ON units.id = members.unit_id"), "units.path")
	if x.scope.Dated() {
		q = q.Where("(EXISTS (SELECT 1 FROM visits pv WHERE pv.member_id = members.id AND pv.date BETWEEN ? AND ?) OR "+
			"EXISTS (SELECT 1 FROM sanctions ps WHERE ps.member_id = members.id AND ps.decision_date <= ? AND "+
			"(ps.period_end IS NULL OR ps.period_end >= ?)))", x.scope.From, x.scope.To, x.scope.To, x.scope.From)
	}
	return q
}

// visitQuery starts a query on the visits of the scope and period.
func (x *exporter) visitQuery() *gorm.DB {
	q := x.tx.Table("visits").Joins("JOIN members ON members.id = visits.member_id").
		Joins("JOIN units ON units.id = members.unit_id")
	q = x.sc.where(q, "units.path")
	if x.scope.Dated() {
		q = q.Where("visits.date BETWEEN ? AND ?", x.scope.From, x.scope.To)
	}
	return q
}

func (x *exporter) count() (models.ExportCounts, error) {
	var m, s, v int64
	if err := x.memberQuery("members").Count(&m).Error; err != nil {
		return models.ExportCounts{}, fmt.Errorf("count members: %w", err)
	}
	if err := x.memberQuery("sanctions").Count(&s).Error; err != nil {
		return models.ExportCounts{}, fmt.Errorf("count sanctions: %w", err)
	}
	if err := x.visitQuery().Count(&v).Error; err != nil {
		return models.ExportCounts{}, fmt.Errorf("count visits: %w", err)
	}
	return models.ExportCounts{Members: int(m), Sanctions: int(s), Visits: int(v)}, nil
}

// loadUsers reads every user's name (a few hundred rows at most), revoked
// ones too: they may have logged or reviewed visits.
func (x *exporter) loadUsers() error {
	rows, err := x.tx.Table("users").Select("telegram_id, name").Rows()
	if err != nil {
		return fmt.Errorf("query users: %w", err)
	}
	defer rows.Close()
	x.users = map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("scan user: %w", err)
		}
		x.users[id] = name
	}
	return rows.Err()
}

func (x *exporter) userName(id *int64) string {
	if id == nil {
		return ""
	}
	return x.users[*id]
}

const exportMemberColumns = "members.id, members.name, members.unit_id, units.name, members.post, members.`rank`, " +
	"members.`key`, members.key_reason, members.assignee_id, members.interval_months, members.unit_appraisal, " +
	"members.unit_appraisal_date"

func (x *exporter) readMembers() error {
	rows, err := x.memberQuery("members").Select(exportMemberColumns).Order("members.id").Rows()
	if err != nil {
		return fmt.Errorf("query members: %w", err)
	}
	defer rows.Close()
	var (
		m             models.MemberMatch
		rank          sql.RawBytes
		key, interval int64
		assignee      sql.NullInt64
		appraisal     sql.NullString
		appraisalDate sql.NullTime
	)
	dest := []any{&m.Member.ID, &m.Member.Name, &m.Member.UnitID, &m.UnitName, &m.Member.Post, &rank, &key,
		&m.Member.KeyReason, &assignee, &interval, &appraisal, &appraisalDate}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("scan member: %w", err)
		}
		m.Member.Rank, m.Member.Key, m.Member.IntervalMonths = internRank(rank), key != 0, int(interval)
		m.Member.AssigneeID = nil
		if assignee.Valid {
			id := assignee.Int64
			m.Member.AssigneeID = &id
		}
		m.Member.UnitAppraisal, m.Member.UnitAppraisalDate = appraisal.String, nullDate(appraisalDate)
		x.members = append(x.members, m.Member.ID)
		if err := x.sink.Member(m); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read members: %w", err)
	}
	return nil
}

const exportSanctionColumns = "sanctions.id, sanctions.member_id, members.name, units.name, sanctions.kind, " +
	"sanctions.decision_no, sanctions.decision_date, sanctions.effective_date, sanctions.probation_months, " +
	"sanctions.extension_no, sanctions.period_end, sanctions.category, sanctions.enforced, sanctions.lifted_on, " +
	"sanctions.lift_decision_no"

func (x *exporter) readSanctions() error {
	rows, err := x.memberQuery("sanctions").Select(exportSanctionColumns).
		Order("sanctions.id").Rows()
	if err != nil {
		return fmt.Errorf("query sanctions: %w", err)
	}
	defer rows.Close()
	var (
		s                models.ExportSanction
		kind, category   sql.RawBytes
		months, enforced int64
		end, lifted      sql.NullTime
	)
	dest := []any{&s.ID, &s.MemberID, &s.MemberName, &s.UnitName, &kind, &s.DecisionNo, &s.DecisionDate,
		&s.EffectiveDate, &months, &s.ExtensionNo, &end, &category, &enforced, &lifted, &s.LiftDecisionNo}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("scan sanction: %w", err)
		}
		s.Kind, s.Category, s.ProbationMonths, s.Enforced = internKind(kind), internRank(category), int(months), enforced != 0
		s.PeriodEnd, s.LiftedOn = nullDate(end), nullDate(lifted)
		s.DecisionDate, s.EffectiveDate = models.DateOf(s.DecisionDate), models.DateOf(s.EffectiveDate)
		if err := x.sink.Sanction(&s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sanctions: %w", err)
	}
	return nil
}

// loadLinks reads the decision numbers of the sanctions each visit of the
// export was about.
func (x *exporter) loadLinks() error {
	rows, err := x.visitQuery().Joins("JOIN visit_sanctions vs ON vs.visit_id = visits.id").
		Joins("JOIN sanctions ls ON ls.id = vs.sanction_id").
		Select("vs.visit_id, ls.decision_no").Order("vs.visit_id, ls.decision_date, ls.id").Rows()
	if err != nil {
		return fmt.Errorf("query visit sanctions: %w", err)
	}
	defer rows.Close()
	x.links = map[uint64][]string{}
	for rows.Next() {
		var id uint64
		var no string
		if err := rows.Scan(&id, &no); err != nil {
			return fmt.Errorf("scan visit sanction: %w", err)
		}
		x.links[id] = append(x.links[id], no)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read visit sanctions: %w", err)
	}
	return nil
}

// exportVisitColumns are the columns of a visit row (visitDest).
const exportVisitColumns = "visits.id, visits.member_id, members.name, units.name, visits.author_id, visits.date, " +
	"visits.methods, visits.type, visits.inspectors, visits.participants, visits.thinking, visits.work, " +
	"visits.difficulties, visits.opinions, visits.help, visits.enforcement_ok, visits.enforcement_problem, " +
	"visits.pay_corrected_fen, visits.conclusion, visits.recommendation, visits.feedback_unit, visits.branch_informed, " +
	"visits.next_visit, visits.created_at, visits.study, visits.rectification, visits.case_view, visits.loopholes, " +
	"visits.guidance, visits.requests, visits.requests_met_on, visits.appraisal_morality, visits.appraisal_ability, " +
	"visits.appraisal_diligence, visits.appraisal_results, visits.appraisal_integrity, visits.appraisal_note, " +
	"visits.rectified_on, visits.rectified_fen, visits.review, visits.reviewer_id, visits.reviewed_at, visits.review_note"

// visitRow holds the destinations of one visit row, reused for every row.
type visitRow struct {
	v                                   models.ExportVisit
	enfOK, feedback, branch             int64
	texts                               [12]sql.NullString // the nullable TEXT columns
	next, created, metOn, rectOn, revAt sql.NullTime
	reviewer                            sql.NullInt64
	review                              sql.RawBytes
	dest                                []any
}

func newVisitRow() *visitRow {
	r := &visitRow{}
	v, t := &r.v, &r.texts
	r.dest = []any{&v.ID, &v.MemberID, &v.MemberName, &v.UnitName, &v.AuthorID, &v.Date,
		&v.Methods, &v.Type, &v.Inspectors, &v.Participants, &v.Thinking, &v.Work,
		&t[0], &t[1], &t[2], &r.enfOK, &t[3],
		&v.PayCorrectedFen, &v.Conclusion, &v.Recommendation, &r.feedback, &r.branch,
		&r.next, &r.created, &t[4], &t[5], &t[6], &t[7],
		&t[8], &t[9], &r.metOn, &v.AppraisalMorality, &v.AppraisalAbility,
		&v.AppraisalDiligence, &v.AppraisalResults, &v.AppraisalIntegrity, &t[10],
		&r.rectOn, &v.RectifiedFen, &r.review, &r.reviewer, &r.revAt, &t[11]}
	return r
}

// fill completes r.v from the scanned destinations.
func (r *visitRow) fill() {
	v, t := &r.v, &r.texts
	v.Difficulties, v.Opinions, v.Help, v.EnforcementProblem = t[0].String, t[1].String, t[2].String, t[3].String
	v.Study, v.Rectification, v.CaseView, v.Loopholes = t[4].String, t[5].String, t[6].String, t[7].String
	v.Guidance, v.Requests, v.AppraisalNote, v.ReviewNote = t[8].String, t[9].String, t[10].String, t[11].String
	v.EnforcementOK, v.FeedbackUnit, v.BranchInformed = r.enfOK != 0, r.feedback != 0, r.branch != 0
	v.NextVisit, v.RequestsMetOn, v.RectifiedOn = nullDate(r.next), nullDate(r.metOn), nullDate(r.rectOn)
	v.CreatedAt = r.created.Time
	v.ReviewedAt = nil
	if r.revAt.Valid {
		at := r.revAt.Time
		v.ReviewedAt = &at
	}
	v.ReviewerID = nil
	if r.reviewer.Valid {
		id := r.reviewer.Int64
		v.ReviewerID = &id
	}
	v.Review = internReview(r.review)
	v.Date = models.DateOf(v.Date)
}

// internReview returns the review state b spells, without allocating for
// a known one.
func internReview(b sql.RawBytes) models.ReviewState {
	for _, s := range []models.ReviewState{models.ReviewApproved, models.ReviewPending, models.ReviewReturned} {
		if string(b) == string(s) {
			return s
		}
	}
	return models.ReviewState(b)
}

func (x *exporter) readVisits() error {
	rows, err := x.visitQuery().Select(exportVisitColumns).Order("visits.id").Rows()
	if err != nil {
		return fmt.Errorf("query visits: %w", err)
	}
	defer rows.Close()
	r := newVisitRow()
	for rows.Next() {
		if err := rows.Scan(r.dest...); err != nil {
			return fmt.Errorf("scan visit: %w", err)
		}
		r.fill()
		r.v.DecisionNos = x.links[r.v.ID]
		r.v.AuthorName = x.users[r.v.AuthorID]
		r.v.ReviewerName = x.userName(r.v.ReviewerID)
		if err := x.sink.Visit(&r.v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read visits: %w", err)
	}
	return nil
}
