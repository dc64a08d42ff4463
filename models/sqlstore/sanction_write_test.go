package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestStore_CreateSanction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		in := models.SanctionInput{MemberID: r.liSi.ID, Kind: models.GovDemerit, DecisionNo: " 示监发〔2026〕1号 ",
			DecisionDate: day(2026, 1, 31), ProbationMonths: 24}
		sn, err := s.CreateSanction(ctx, r.eastSup, in)
		if err != nil {
			t.Fatalf("CreateSanction: %v", err)
		}
		wantEnd := day(2027, 1, 31)
		if sn.ID == 0 || sn.DecisionNo != "示监发〔2026〕1号" || !sn.EffectiveDate.Equal(in.DecisionDate) ||
			sn.ProbationMonths != 0 || sn.PeriodEnd == nil || !sn.PeriodEnd.Equal(wantEnd) {
			t.Errorf("sanction = %+v, want effective on the decision date, no probation, end %v", sn, wantEnd)
		}
		_, _, stored, _ := s.MemberSanctions(ctx, r.admin, r.liSi.ID)
		if len(stored) != 2 || stored[1].ID != sn.ID { // newest decision first
			t.Errorf("stored sanctions = %+v", stored)
		}
		if n := count(t, s, "audit_events", "action = ? AND member_id = ?", models.AuditSanctionCreate, r.liSi.ID); n != 1 {
			t.Errorf("sanction_create audit rows = %d, want 1", n)
		}
		_, err = s.CreateSanction(ctx, r.admin, in)
		wantErr(t, "decision number twice", err, models.ErrDuplicate)
		in.DecisionNo = "另一号"
		_, err = s.CreateSanction(ctx, r.westSup, in)
		wantErr(t, "supervisor of a sibling unit", err, models.ErrNotFound)
		_, err = s.CreateSanction(ctx, r.east1, in)
		wantDenied(t, s, "inspector creates a sanction", err, r.east1, models.AuditSanctionCreate)
		for name, mod := range map[string]func(*models.SanctionInput){
			"unknown kind":        func(i *models.SanctionInput) { i.Kind = "reprimand" },
			"probation 18":        func(i *models.SanctionInput) { i.Kind, i.ProbationMonths = models.PartyProbation, 18 },
			"empty number":        func(i *models.SanctionInput) { i.DecisionNo = " " },
			"long number":         func(i *models.SanctionInput) { i.DecisionNo = strings.Repeat("号", 65) },
			"year 1999":           func(i *models.SanctionInput) { i.DecisionDate = day(1999, 12, 31) },
			"no decision date":    func(i *models.SanctionInput) { i.DecisionDate = time.Time{} },
			"effective too early": func(i *models.SanctionInput) { i.EffectiveDate = day(2026, 1, 30) },
		} {
			bad := in
			mod(&bad)
			_, err := s.CreateSanction(ctx, r.admin, bad)
			wantErr(t, "CreateSanction with "+name, err, models.ErrInvalid)
		}
		future := in
		future.DecisionDate, future.EffectiveDate = day(2099, 1, 1), day(2099, 2, 1)
		if _, err := s.CreateSanction(ctx, r.admin, future); err != nil {
			t.Errorf("CreateSanction with future dates: %v", err)
		}
	})
}

func TestStore_LiftSanction(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		_, _, sanctions, _ := s.MemberSanctions(ctx, r.admin, r.liSi.ID)
		sn := sanctions[0]
		on := sn.DecisionDate.AddDate(1, 0, 0)
		wantErr(t, "lift from a sibling unit", s.LiftSanction(ctx, r.westSup, sn.ID, on, "解除〔1〕号"), models.ErrNotFound)
		wantDenied(t, s, "inspector lifts", s.LiftSanction(ctx, r.east1, sn.ID, on, "解除〔1〕号"), r.east1, models.AuditSanctionLift)
		wantErr(t, "lift without a number", s.LiftSanction(ctx, r.admin, sn.ID, on, " "), models.ErrInvalid)
		wantErr(t, "lift before the decision", s.LiftSanction(ctx, r.admin, sn.ID, sn.DecisionDate.AddDate(0, 0, -1), "解除〔1〕号"), models.ErrInvalid)
		if err := s.LiftSanction(ctx, r.eastSup, sn.ID, on, " 解除〔1〕号 "); err != nil {
			t.Fatalf("LiftSanction: %v", err)
		}
		_, _, after, _ := s.MemberSanctions(ctx, r.admin, r.liSi.ID)
		if got := after[0]; got.LiftedOn == nil || !got.LiftedOn.Equal(on) || got.LiftDecisionNo != "解除〔1〕号" || got.PeriodEnd == nil {
			t.Errorf("lifted sanction = %+v", got)
		}
		wantErr(t, "lift twice", s.LiftSanction(ctx, r.admin, sn.ID, on, "解除〔2〕号"), models.ErrDuplicate)
		if n := count(t, s, "audit_events", "action = ? AND member_id = ?", models.AuditSanctionLift, r.liSi.ID); n != 1 {
			t.Errorf("sanction_lift audit rows = %d, want 1", n)
		}
	})
}
