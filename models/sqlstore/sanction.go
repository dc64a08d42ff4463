package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// prepareSanction checks and normalises a sanction about to be written
// whole (inserted, or upserted by an import).
func prepareSanction(s *models.Sanction) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.Normalise()
	return nil
}

// CreateSanction adds a sanction to a member of the actor's subtree, with
// its "sanction_create" audit row in the same transaction. PeriodEnd is
// computed; a zero EffectiveDate is the decision date; ProbationMonths
// counts only for PartyProbation; an empty Category is the member's
// current one. Invalid fields are ErrInvalid, a member
// outside the subtree ErrNotFound, a decision number already recorded
// ErrDuplicate.
func (s *Store) CreateSanction(ctx context.Context, actor models.Viewer, in models.SanctionInput) (models.Sanction, error) {
	if !rosterWriter(actor) {
		return models.Sanction{}, s.deny(ctx, actor, models.AuditSanctionCreate, &denial{err: models.ErrForbidden, memberID: &in.MemberID})
	}
	in = in.Normalised()
	if err := in.Validate(); err != nil {
		return models.Sanction{}, fmt.Errorf("%s: %w", models.AuditSanctionCreate, err)
	}
	sn := models.Sanction{MemberID: in.MemberID, Kind: in.Kind, DecisionNo: in.DecisionNo, DecisionDate: in.DecisionDate,
		EffectiveDate: in.EffectiveDate, ProbationMonths: in.ProbationMonths, Category: in.Category}
	if err := prepareSanction(&sn); err != nil {
		return models.Sanction{}, fmt.Errorf("%s: %w", models.AuditSanctionCreate, err)
	}
	err := s.guarded(ctx, actor, models.AuditSanctionCreate, func(tx *gorm.DB) error {
		row, err := findMember(tx, actor, in.MemberID)
		if err != nil {
			return err
		}
		if in.Category == "" {
			sn.Category = row.Rank
		}
		taken, err := takenDecisionNos(tx, []string{in.DecisionNo})
		if err != nil {
			return err
		}
		if len(taken) > 0 {
			return fmt.Errorf("decision number recorded already: %w", models.ErrDuplicate)
		}
		sn.ID = 0
		if err := tx.Create(&sn).Error; err != nil {
			if isDuplicate(err) {
				return fmt.Errorf("decision number recorded already: %w", models.ErrDuplicate)
			}
			return fmt.Errorf("insert sanction: %w", err)
		}
		return writeAudit(tx, actor, models.AuditSanctionCreate, &sn.MemberID, nil, fmt.Sprintf("sanction=%d kind=%s", sn.ID, sn.Kind))
	})
	if err != nil {
		return models.Sanction{}, err
	}
	return sn, nil
}

// takenDecisionNos returns those of nos that some sanction already
// carries, whoever its member. Decision numbers are unique across the
// roster, so this existence probe is the one read of sanctions that no
// viewer's scope limits: it returns the numbers asked about and nothing
// else, as the unique index would by refusing the insert.
func takenDecisionNos(tx *gorm.DB, nos []string) (map[string]bool, error) {
	taken := make(map[string]bool)
	for start := 0; start < len(nos); start += lookupChunk {
		var found []string
		chunk := nos[start:min(start+lookupChunk, len(nos))]
		if err := tx.Model(&models.Sanction{}).Where("decision_no IN ?", chunk).Pluck("decision_no", &found).Error; err != nil {
			return nil, fmt.Errorf("check decision numbers: %w", err)
		}
		for _, no := range found {
			taken[no] = true
		}
	}
	return taken, nil
}

// lookupChunk bounds the values of one IN (...) list.
const lookupChunk = 1000

// LiftSanction records the end of a sanction of a member of the actor's
// subtree, with its "sanction_lift" audit row in the same transaction:
// for a probation, party rights restored (恢复党员权利) on the day on by
// the decision decisionNo; for a governmental sanction with a period, its
// lifting (解除), which took effect by itself at the end of the period
// (LiftedOn is the period's last day; on is the day it is recorded and
// decisionNo may be empty). Either only on or after the period's last day
// (ValidateLift); nothing else is lifted. A sanction outside the subtree
// is ErrNotFound, one whose end is recorded already ErrDuplicate; any
// other refusal ErrInvalid.
func (s *Store) LiftSanction(ctx context.Context, actor models.Viewer, sanctionID uint64, on time.Time, decisionNo string) error {
	if !rosterWriter(actor) {
		return s.deny(ctx, actor, models.AuditSanctionLift, &denial{err: models.ErrForbidden})
	}
	decisionNo = strings.TrimSpace(decisionNo)
	on = models.DateOf(on)
	return s.guarded(ctx, actor, models.AuditSanctionLift, func(tx *gorm.DB) error {
		sn, err := findSanction(tx, actor, sanctionID)
		if err != nil {
			return err
		}
		if sn.LiftedOn != nil {
			return fmt.Errorf("sanction %d lifted already: %w", sanctionID, models.ErrDuplicate)
		}
		if err := models.ValidateLift(sn, decisionNo, on); err != nil {
			return err
		}
		lifted := on
		if models.EndingOf(sn.Kind) == models.EndsLifted {
			lifted = *sn.End()
		}
		err = tx.Model(&models.Sanction{ID: sn.ID}).Updates(map[string]any{"lifted_on": lifted, "lift_decision_no": decisionNo}).Error
		if err != nil {
			return fmt.Errorf("lift sanction %d: %w", sanctionID, err)
		}
		return writeAudit(tx, actor, models.AuditSanctionLift, &sn.MemberID, nil, fmt.Sprintf("sanction=%d", sn.ID))
	})
}

// ExtendProbation records the one extension, by a year, of a one-year
// probation of a member of the actor's subtree, by the decision
// decisionNo, with its "sanction_extend" audit row in the same
// transaction; the period's end moves a year later. A sanction outside
// the subtree is ErrNotFound; anything but a one-year probation not yet
// extended or restored, or a decision number empty or over 64
// characters, is ErrInvalid.
func (s *Store) ExtendProbation(ctx context.Context, actor models.Viewer, sanctionID uint64, decisionNo string) error {
	if !rosterWriter(actor) {
		return s.deny(ctx, actor, models.AuditSanctionExtend, &denial{err: models.ErrForbidden})
	}
	decisionNo = strings.TrimSpace(decisionNo)
	return s.guarded(ctx, actor, models.AuditSanctionExtend, func(tx *gorm.DB) error {
		sn, err := findSanction(tx, actor, sanctionID)
		if err != nil {
			return err
		}
		if err := models.ValidateExtension(sn, decisionNo); err != nil {
			return err
		}
		sn.ExtensionNo = decisionNo
		sn.Normalise()
		err = tx.Model(&models.Sanction{ID: sn.ID}).Updates(map[string]any{"extension_no": decisionNo, "period_end": sn.PeriodEnd}).Error
		if err != nil {
			return fmt.Errorf("extend sanction %d: %w", sanctionID, err)
		}
		return writeAudit(tx, actor, models.AuditSanctionExtend, &sn.MemberID, nil, fmt.Sprintf("sanction=%d", sn.ID))
	})
}

// findSanction loads a sanction of the actor's scope, locked for update;
// out of scope is ErrNotFound.
func findSanction(tx *gorm.DB, actor models.Viewer, id uint64) (models.Sanction, error) {
	q, err := scopedSanctions(tx, actor)
	if err != nil {
		return models.Sanction{}, err
	}
	var found []models.Sanction
	err = q.Select("sanctions.*").Where("sanctions.id = ?", id).Clauses(clause.Locking{Strength: "UPDATE"}).Limit(1).Find(&found).Error
	if err != nil {
		return models.Sanction{}, fmt.Errorf("find sanction %d: %w", id, err)
	}
	if len(found) == 0 {
		return models.Sanction{}, fmt.Errorf("sanction %d: %w", id, models.ErrNotFound)
	}
	found[0].NormaliseDates()
	return found[0], nil
}
