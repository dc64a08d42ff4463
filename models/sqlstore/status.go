package sqlstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// maxOpenVisits bounds each list of open tasks in a Status.
const maxOpenVisits = 10

// maxStatusVisits bounds the visits a Status lists.
const maxStatusVisits = 10

// MemberStatus returns the status of a member v may see on today, with
// the next visit the calendar (rules r; zero: the defaults) owes; out of
// scope is ErrNotFound. The view is audited ("view_status") in the same
// transaction; if the audit row cannot be written, nothing is returned.
func (s *Store) MemberStatus(ctx context.Context, v models.Viewer, r models.CalendarRules, memberID uint64, today time.Time) (models.Status, error) {
	var (
		st  models.Status
		cal models.MemberCalendar
	)
	err := s.viewAudited(ctx, v, models.AuditViewStatus, memberID, func(tx *gorm.DB) error {
		st = models.Status{}
		row, err := findMember(tx, v, memberID)
		if err != nil {
			return err
		}
		st.Member, st.UnitName = row.Member, row.UnitName
		if st.Sanctions, err = memberSanctions(tx, memberID); err != nil {
			return err
		}
		if cal, err = memberCalendar(tx, row.Member, st.Sanctions); err != nil {
			return err
		}
		return loadVisitSummary(tx, &st)
	})
	if err != nil {
		return models.Status{}, err
	}
	for _, it := range models.Upcoming(r, cal, today) {
		switch {
		case !it.Reason.Visit():
		case !st.HasNext:
			st.Next, st.HasNext = it, true
		default:
			st.Later = append(st.Later, it)
		}
	}
	return st, nil
}

// memberCalendar reads m's visits as the calendar pass reads them.
func memberCalendar(tx *gorm.DB, m models.Member, sanctions []models.Sanction) (models.MemberCalendar, error) {
	cal := models.MemberCalendar{Member: m, Sanctions: sanctions}
	if m.AssignedAt != nil {
		cal.Assigned = *m.AssignedAt
	}
	rows, err := tx.Table("visits").Select(visitMarkColumns).Where("visits.member_id = ?", m.ID).
		Order("visits.date, visits.id").Rows()
	if err != nil {
		return cal, fmt.Errorf("load visits of member %d: %w", m.ID, err)
	}
	defer func() { _ = rows.Close() }()
	scan := newVisitScan()
	for rows.Next() {
		var mark models.VisitMark
		if _, err := scan.scan(rows, &mark); err != nil {
			return cal, fmt.Errorf("scan visit of member %d: %w", m.ID, err)
		}
		cal.Visits = append(cal.Visits, mark)
	}
	if err := rows.Err(); err != nil {
		return cal, fmt.Errorf("read visits of member %d: %w", m.ID, err)
	}
	return cal, nil
}

// loadVisitSummary fills the visit fields of st for st.Member.
func loadVisitSummary(tx *gorm.DB, st *models.Status) error {
	id := st.Member.ID
	var n int64
	if err := tx.Model(&models.Visit{}).Where("member_id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("count visits of member %d: %w", id, err)
	}
	st.VisitCount = int(n)
	if n == 0 {
		return nil
	}
	err := tx.Select("id", "member_id", "date", "methods", "review").Where("member_id = ?", id).
		Order("date DESC, id DESC").Limit(maxStatusVisits).Find(&st.Visits).Error
	if err != nil {
		return fmt.Errorf("list visits of member %d: %w", id, err)
	}
	for i := range st.Visits {
		st.Visits[i].NormaliseDates()
	}
	var last []models.Visit
	err = tx.Where("member_id = ?", id).Order("date DESC, id DESC").Limit(1).Find(&last).Error
	if err != nil {
		return fmt.Errorf("load last visit of member %d: %w", id, err)
	}
	if len(last) == 1 {
		last[0].NormaliseDates()
		st.LastVisit = &last[0]
		var names []string
		err := tx.Model(&models.User{}).Where("telegram_id = ?", last[0].AuthorID).Limit(1).Pluck("name", &names).Error
		if err != nil {
			return fmt.Errorf("load author of visit %d: %w", last[0].ID, err)
		}
		if len(names) == 1 {
			st.LastAuthor = names[0]
		}
	}
	return loadOpenVisits(tx, st)
}

// loadOpenVisits fills the lists of visits with open tasks.
func loadOpenVisits(tx *gorm.DB, st *models.Status) error {
	for _, l := range []struct {
		list *[]models.Visit
		cond string
		args []any
	}{
		{&st.OpenFollowUps, "feedback_unit = ? OR branch_informed = ?", []any{false, false}},
		{&st.OpenProblems, "enforcement_ok = ? AND rectified_on IS NULL", []any{false}},
		{&st.OpenRequests, "requests_open = ?", []any{true}},
	} {
		err := tx.Where("member_id = ?", st.Member.ID).Where(l.cond, l.args...).
			Order("date DESC, id DESC").Limit(maxOpenVisits).Find(l.list).Error
		if err != nil {
			return fmt.Errorf("load open tasks of member %d: %w", st.Member.ID, err)
		}
		for i := range *l.list {
			(*l.list)[i].NormaliseDates()
		}
	}
	return nil
}
