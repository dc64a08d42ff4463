package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// FormData loads what the record form of visit id holds: the visit, its
// member and unit, the sanctions it was about and the names of its author
// and reviewer. A visit outside v's scope is ErrNotFound, like an absent
// one. The document is audited ("doc_form", naming the member and the
// visit; also when nothing is found) in the same transaction; if the audit
// row cannot be written, nothing is returned.
func (s *Store) FormData(ctx context.Context, v models.Viewer, id uint64) (models.VisitDoc, error) {
	var doc models.VisitDoc
	err := s.visitViewAudited(ctx, v, models.AuditDocForm, id, func(tx *gorm.DB) (*uint64, error) {
		rec, names, err := loadVisitRecord(tx, v, id)
		if err != nil {
			return nil, err
		}
		doc = models.VisitDoc{Member: rec.Member, UnitName: rec.UnitName, Visit: rec.Visit, Sanctions: rec.Sanctions, Names: names}
		return &doc.Visit.MemberID, nil
	})
	if err != nil {
		return models.VisitDoc{}, err
	}
	return doc, nil
}

// ArchiveData loads what member memberID's archive holds: the member and
// unit, every sanction, every visit (date order) with the sanctions each
// was about, and the names of the visits' authors and reviewers. A member
// outside v's scope is ErrNotFound, like an absent one. The document is
// audited ("doc_archive", naming the member, with the number of visits and
// sanctions; also when nothing is found) in the same transaction; if the
// audit row cannot be written, nothing is returned.
func (s *Store) ArchiveData(ctx context.Context, v models.Viewer, memberID uint64) (models.ArchiveDoc, error) {
	var (
		doc     models.ArchiveDoc
		missing bool
	)
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		doc, missing = models.ArchiveDoc{}, false
		err := loadArchive(tx, v, memberID, &doc)
		detail := fmt.Sprintf("visits=%d sanctions=%d", len(doc.Visits), len(doc.Sanctions))
		if errors.Is(err, models.ErrNotFound) {
			missing, detail = true, "result=not_found"
		} else if err != nil {
			return err
		}
		return writeAudit(tx, v, models.AuditDocArchive, &memberID, nil, detail)
	})
	if err == nil && missing {
		err = models.ErrNotFound
	}
	if err != nil {
		return models.ArchiveDoc{}, fmt.Errorf("%s %d: %w", models.AuditDocArchive, memberID, err)
	}
	return doc, nil
}

// loadArchive fills doc for member id of v's scope.
func loadArchive(tx *gorm.DB, v models.Viewer, id uint64, doc *models.ArchiveDoc) error {
	row, err := findMember(tx, v, id)
	if err != nil {
		return err
	}
	doc.Member, doc.UnitName = normaliseMember(row.Member), row.UnitName
	if doc.Sanctions, err = memberSanctions(tx, id); err != nil {
		return err
	}
	if err := tx.Where("member_id = ?", id).Order("date, id").Find(&doc.Visits).Error; err != nil {
		return fmt.Errorf("load visits of member %d: %w", id, err)
	}
	doc.VisitSanctions = make(map[uint64][]uint64, len(doc.Visits))
	ids := make([]uint64, len(doc.Visits))
	for i := range doc.Visits {
		doc.Visits[i].NormaliseDates()
		ids[i] = doc.Visits[i].ID
	}
	if len(ids) > 0 {
		var links []models.VisitSanction
		if err := tx.Where("visit_id IN ?", ids).Order("visit_id, sanction_id").Find(&links).Error; err != nil {
			return fmt.Errorf("load sanctions of the visits of member %d: %w", id, err)
		}
		for _, l := range links {
			doc.VisitSanctions[l.VisitID] = append(doc.VisitSanctions[l.VisitID], l.SanctionID)
		}
	}
	doc.Names, err = visitNames(tx, doc.Visits)
	return err
}

// normaliseMember makes the member's appraisal date a UTC midnight.
func normaliseMember(m models.Member) models.Member {
	if m.UnitAppraisalDate != nil {
		d := models.DateOf(*m.UnitAppraisalDate)
		m.UnitAppraisalDate = &d
	}
	return m
}

// visitNames are the names of the authors and reviewers of visits, by
// Telegram id (revoked users included: their rows stay for this).
func visitNames(tx *gorm.DB, visits []models.Visit) (map[int64]string, error) {
	var ids []int64
	for _, v := range visits {
		ids = append(ids, v.AuthorID)
		if v.ReviewerID != nil {
			ids = append(ids, *v.ReviewerID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	names := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	var users []models.User
	if err := tx.Select("telegram_id", "name").Where("telegram_id IN ?", ids).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("load names of %d users: %w", len(ids), err)
	}
	for _, u := range users {
		names[u.TelegramID] = u.Name
	}
	return names, nil
}
