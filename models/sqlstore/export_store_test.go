package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// sinkRecorder keeps what an export hands over, checking the order.
type sinkRecorder struct {
	t         *testing.T
	counts    models.ExportCounts
	members   []models.MemberMatch
	sanctions []models.ExportSanction
	visits    []models.ExportVisit
}

func (r *sinkRecorder) Begin(c models.ExportCounts) error { r.counts = c; return nil }
func (r *sinkRecorder) Member(m models.MemberMatch) error {
	if len(r.sanctions)+len(r.visits) > 0 {
		r.t.Error("member after sanctions or visits")
	}
	r.members = append(r.members, m)
	return nil
}
func (r *sinkRecorder) Sanction(s *models.ExportSanction) error {
	if len(r.visits) > 0 {
		r.t.Error("sanction after visits")
	}
	r.sanctions = append(r.sanctions, *s)
	return nil
}
func (r *sinkRecorder) Visit(v *models.ExportVisit) error {
	c := *v
	c.DecisionNos = slices.Clone(v.DecisionNos)
	r.visits = append(r.visits, c)
	return nil
}

func (r *sinkRecorder) memberIDs() []uint64 {
	var ids []uint64
	for _, m := range r.members {
		ids = append(ids, m.Member.ID)
	}
	return ids
}

func mustExport(t *testing.T, s *sqlstore.Store, v models.Viewer, scope models.ExportScope) *sinkRecorder {
	t.Helper()
	r := &sinkRecorder{t: t}
	counts, err := s.Export(context.Background(), v, scope, r)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if counts != r.counts || counts.Members != len(r.members) || counts.Sanctions != len(r.sanctions) || counts.Visits != len(r.visits) {
		t.Errorf("counts %+v, begun with %+v, rows %d/%d/%d", counts, r.counts, len(r.members), len(r.sanctions), len(r.visits))
	}
	return r
}

// exportAuditMembers returns the members named by the newest export
// audit row of actor.
func exportAuditMembers(t *testing.T, s *sqlstore.Store, actor int64) []uint64 {
	t.Helper()
	evs, err := sqlstore.AuditForTest(context.Background(), s, models.AuditExport)
	if err != nil {
		t.Fatal(err)
	}
	var last *models.AuditEvent
	for i := range evs {
		if evs[i].ActorID == actor {
			last = &evs[i]
		}
	}
	if last == nil {
		t.Fatal("no export audit row")
	}
	if last.MemberID != nil {
		return []uint64{*last.MemberID}
	}
	var ids []uint64
	if err := sqlstore.PluckForTest(context.Background(), s, "audit_members", "member_id", &ids, "event_id = ?", last.ID); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func TestStore_ExportScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		r := mustExport(t, s, d.east1, models.ExportScope{})
		ids := r.memberIDs()
		if len(ids) == 0 || slices.Contains(ids, d.zhangWest.ID) || !slices.Contains(ids, d.zhangEast.ID) {
			t.Errorf("east inspector exported members %v (west 张三 %d, east 张三 %d)", ids, d.zhangWest.ID, d.zhangEast.ID)
		}
		for _, sc := range r.sanctions {
			if !slices.Contains(ids, sc.MemberID) {
				t.Errorf("sanction %d of member %d not exported", sc.ID, sc.MemberID)
			}
		}
		for _, v := range r.visits {
			if !slices.Contains(ids, v.MemberID) {
				t.Errorf("visit %d of member %d not exported", v.ID, v.MemberID)
			}
		}
		if got := exportAuditMembers(t, s, inspectorTG); !slices.Equal(got, ids) {
			t.Errorf("audit row names %v, want the exported %v", got, ids)
		}

		west := mustExport(t, s, d.admin, models.ExportScope{UnitID: d.west})
		for _, m := range west.members {
			if m.Member.ID == d.zhangEast.ID || m.Member.ID == d.liSi.ID && d.liSi.UnitID != d.westPatrol {
				t.Errorf("admin's export of 西山 holds member %d", m.Member.ID)
			}
		}
		if !slices.Contains(west.memberIDs(), d.zhangWest.ID) {
			t.Error("admin's export of 西山 misses its 张三")
		}

		_, err := s.Export(ctx, d.east1, models.ExportScope{UnitID: d.west}, &sinkRecorder{t: t})
		wantErr(t, "export of a unit outside the scope", err, models.ErrNotFound)
		_, err = s.Export(ctx, d.east1, models.ExportScope{From: day(2026, 2, 1), To: day(2026, 1, 1)}, &sinkRecorder{t: t})
		wantErr(t, "export of a reversed period", err, models.ErrInvalid)
	})
}

func TestStore_ExportPeriodAndFields(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		// Decided in 2020, its year of influence long over: in a 2026
		// export only through a 2026 visit.
		old, oldSanction := mustMember(t, s, d.eastOffice, "旧处分", day(2020, 1, 10))
		quiet, quietSanction := mustMember(t, s, d.eastOffice, "无回访", day(2020, 1, 10))
		v := newVisit(old.ID, "export-"+randomID(t), day(2026, 3, 5))
		v.Thinking, v.Study, v.Requests, v.PayCorrectedFen = "=1+1", "学习情况", "诉求", 12345
		v.EnforcementOK, v.EnforcementProblem = false, "工资未调整"
		v.NextVisit = ptr(day(2026, 9, 1))
		if _, err := s.CreateVisit(ctx, d.east1, v, []uint64{oldSanction.ID}); err != nil {
			t.Fatal(err)
		}
		before := newVisit(quiet.ID, "export-"+randomID(t), day(2025, 12, 31))
		if _, err := s.CreateVisit(ctx, d.east1, before, []uint64{quietSanction.ID}); err != nil {
			t.Fatal(err)
		}
		r := mustExport(t, s, d.east1, models.ExportScope{From: day(2026, 1, 1), To: day(2026, 12, 31)})
		ids := r.memberIDs()
		if !slices.Contains(ids, old.ID) || slices.Contains(ids, quiet.ID) {
			t.Errorf("2026 members %v: want %d (visited in 2026), not %d (visited in 2025)", ids, old.ID, quiet.ID)
		}
		var got *models.ExportVisit
		for i := range r.visits {
			if r.visits[i].Date.Year() != 2026 {
				t.Errorf("visit %d of %v in a 2026 export", r.visits[i].ID, r.visits[i].Date)
			}
			if r.visits[i].MemberID == old.ID {
				got = &r.visits[i]
			}
		}
		if got == nil {
			t.Fatal("the 2026 visit is not exported")
		}
		want, _, err := s.GetVisit(ctx, d.east1, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		got.CreatedAt, want.CreatedAt = got.CreatedAt.UTC().Truncate(1e9), want.CreatedAt.UTC().Truncate(1e9)
		want.IdemKey = "" // not exported
		if g := got.Visit; g.Thinking != want.Thinking || g.Study != want.Study || g.Requests != want.Requests ||
			g.PayCorrectedFen != want.PayCorrectedFen || g.EnforcementProblem != want.EnforcementProblem ||
			!g.Date.Equal(want.Date) || g.NextVisit == nil || !g.NextVisit.Equal(*want.NextVisit) ||
			g.Methods != want.Methods || g.Review != want.Review || g.FeedbackUnit != want.FeedbackUnit {
			t.Errorf("exported visit\n%+v\nwant\n%+v", g, want)
		}
		if !slices.Equal(got.DecisionNos, []string{oldSanction.DecisionNo}) || got.MemberName != "旧处分" || got.UnitName == "" {
			t.Errorf("exported visit's sanctions %v, member %q, unit %q", got.DecisionNos, got.MemberName, got.UnitName)
		}
		if got.AuthorName == "" {
			t.Error("the author's name is missing")
		}
		var oldOnes int
		for _, sc := range r.sanctions {
			if sc.MemberID == old.ID {
				oldOnes++
			}
		}
		if oldOnes != 1 {
			t.Errorf("%d sanctions of the visited member, want its 1", oldOnes)
		}
	})
}

func TestStore_ExportFailsClosed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_members"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Export(ctx, d.east1, models.ExportScope{}, &sinkRecorder{t: t}); err == nil {
			t.Error("an export without its audit row succeeded")
		}
	})
}
