package sqlstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// YearReport computes the year-end figures (models.ComputeFigures) of
// year for v's scope, narrowed to the subtree of unitID when it is not 0
// (a unit outside v's scope is ErrNotFound, as a missing one). Everything
// is read in the transaction of its audit row ("view_report", naming the
// members the figures' lists name); when the row cannot be written,
// nothing is returned. Six queries, whatever the size of the scope:
// units, members, sanctions, the year's visits, their sanctions, and the
// visits before the year's liftings.
func (s *Store) YearReport(ctx context.Context, v models.Viewer, year int, unitID uint64) (models.Figures, error) {
	if year < 2000 || year > 2100 {
		return models.Figures{}, fmt.Errorf("report %d: %w", year, models.ErrInvalid)
	}
	var f models.Figures
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		in, sc, err := reportScope(tx, v, unitID)
		if err != nil {
			return err
		}
		in.Year = year
		if err := loadReport(tx, sc, &in); err != nil {
			return err
		}
		f = models.ComputeFigures(in)
		detail := fmt.Sprintf("year=%d n=%d", year, len(f.MemberIDs()))
		if unitID != 0 {
			detail += fmt.Sprintf(" unit=%d", unitID)
		}
		return writeAuditMembers(tx, v, models.AuditViewReport, f.MemberIDs(), nil, detail)
	})
	if err != nil {
		return models.Figures{}, fmt.Errorf("report %d unit %d: %w", year, unitID, err)
	}
	return f, nil
}

// reportScope returns the top unit of the report and its scope: the unit
// asked for, which must lie in v's scope, else v's own (none for an
// admin: the whole tree).
func reportScope(tx *gorm.DB, v models.Viewer, unitID uint64) (models.ReportInput, unitScope, error) {
	sc, err := viewerScope(tx, v)
	if err != nil {
		return models.ReportInput{}, unitScope{}, err
	}
	id := unitID
	if id == 0 && !sc.all {
		id = v.UnitID
	}
	var in models.ReportInput
	if id == 0 {
		return in, sc, nil
	}
	if err := tx.Take(&in.Root, "id = ?", id).Error; err != nil {
		return in, sc, fmt.Errorf("unit %d: %w", id, notFound(err))
	}
	if !sc.contains(in.Root.Path) {
		return in, sc, fmt.Errorf("unit %d: %w", id, models.ErrNotFound)
	}
	return in, unitScope{path: in.Root.Path}, nil
}

// loadReport reads what the figures of in.Year need inside sc.
func loadReport(tx *gorm.DB, sc unitScope, in *models.ReportInput) error {
	from := time.Date(in.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(in.Year, time.December, 31, 0, 0, 0, 0, time.UTC)
	if err := sc.where(tx.Table("units"), "units.path").Select("id, parent_id, name, path").Find(&in.Units).Error; err != nil {
		return fmt.Errorf("report units: %w", err)
	}
	members := func(table string) *gorm.DB {
		q := tx.Table(table)
		if table != "members" {
			q = q.Joins("JOIN members ON members.id = " + table + ".member_id")
		}
		return sc.where(q.Joins("JOIN units ON units.id = members.unit_id"), "units.path")
	}
	err := members("members").Select("members.id, members.name, members.unit_id, members.rank, members.`key`").
		Find(&in.Members).Error
	if err != nil {
		return fmt.Errorf("report members: %w", err)
	}
	err = members("sanctions").Select("sanctions.id, sanctions.member_id, sanctions.kind, sanctions.decision_no, " +
		"sanctions.decision_date, sanctions.effective_date, sanctions.lifted_on, sanctions.category").Find(&in.Sanctions).Error
	if err != nil {
		return fmt.Errorf("report sanctions: %w", err)
	}
	for i := range in.Sanctions {
		in.Sanctions[i].NormaliseDates()
	}
	if err := loadReportVisits(tx, members, from, to, in); err != nil {
		return err
	}
	return loadLiftVisits(tx, members, from, to, in)
}

// reportVisitColumns are the columns of a visit the figures read.
const reportVisitColumns = "visits.id, visits.member_id, visits.date, visits.methods, visits.type, visits.recommendation, " +
	"visits.enforcement_ok, visits.pay_corrected_fen, visits.rectified_on, visits.rectified_fen, visits.review"

// loadReportVisits reads the visits dated in [from, to] with the
// sanctions they were about.
func loadReportVisits(tx *gorm.DB, members func(string) *gorm.DB, from, to time.Time, in *models.ReportInput) error {
	err := members("visits").Select(reportVisitColumns).Where("visits.date BETWEEN ? AND ?", from, to).
		Find(&in.Visits).Error
	if err != nil {
		return fmt.Errorf("report visits: %w", err)
	}
	var links []models.VisitSanction
	err = members("visits").Joins("JOIN visit_sanctions ON visit_sanctions.visit_id = visits.id").
		Select("visit_sanctions.visit_id, visit_sanctions.sanction_id").
		Where("visits.date BETWEEN ? AND ?", from, to).Find(&links).Error
	if err != nil {
		return fmt.Errorf("report visit sanctions: %w", err)
	}
	at := make(map[uint64]int, len(in.Visits))
	for i := range in.Visits {
		in.Visits[i].Date = models.DateOf(in.Visits[i].Date)
		at[in.Visits[i].ID] = i
	}
	for _, l := range links {
		if i, ok := at[l.VisitID]; ok {
			in.Visits[i].Sanctions = append(in.Visits[i].Sanctions, l.SanctionID)
		}
	}
	return nil
}

// loadLiftVisits finds, for each sanction lifted in [from, to], the
// latest final visit about it on or before the lifting.
func loadLiftVisits(tx *gorm.DB, members func(string) *gorm.DB, from, to time.Time, in *models.ReportInput) error {
	var rows []struct {
		models.ReportVisit `gorm:"embedded"`
		SanctionID         uint64
	}
	err := members("sanctions").Joins("JOIN visit_sanctions ON visit_sanctions.sanction_id = sanctions.id").
		Joins("JOIN visits ON visits.id = visit_sanctions.visit_id").
		Select(reportVisitColumns+", sanctions.id AS sanction_id").
		Where("sanctions.lifted_on BETWEEN ? AND ? AND visits.review = ? AND visits.date <= sanctions.lifted_on",
			from, to, models.ReviewApproved).Find(&rows).Error
	if err != nil {
		return fmt.Errorf("report visits before liftings: %w", err)
	}
	in.LiftVisits = make(map[uint64]models.ReportVisit, len(rows))
	for _, r := range rows {
		r.Date = models.DateOf(r.Date)
		if p, ok := in.LiftVisits[r.SanctionID]; !ok || r.Date.After(p.Date) || r.Date.Equal(p.Date) && r.ID > p.ID {
			in.LiftVisits[r.SanctionID] = r.ReportVisit
		}
	}
	return nil
}
