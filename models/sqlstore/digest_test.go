package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func mustDigest(t *testing.T, s *sqlstore.Store, v models.Viewer, today time.Time) models.DigestData {
	t.Helper()
	d, err := s.Digest(context.Background(), v, models.CalendarRules{}, today, today.AddDate(0, 0, -30))
	if err != nil {
		t.Fatalf("Digest for %d: %v", v.TelegramID, err)
	}
	return d
}

// digestMembers returns the members named anywhere in a digest.
func digestMembers(d models.DigestData) map[uint64]bool {
	out := map[uint64]bool{}
	for _, list := range [][]models.DueItem{d.Overdue, d.DueSoon, d.ExpiringNoVisit, d.KeyNotVisited, d.OpenFollowUps, d.Escalations} {
		for _, it := range list {
			out[it.MemberID] = true
		}
	}
	return out
}

func TestStore_Digest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		today := models.DateOf(time.Now())
		all := mustDigest(t, s, r.admin, today)
		if !all.Today.Equal(today) || !all.Since.Equal(today.AddDate(0, 0, -30)) {
			t.Errorf("digest period %s..%s", all.Since, all.Today)
		}
		if findItem(all.KeyNotVisited, models.DueKey, r.liSi.ID) == nil || findItem(all.Escalations, models.DueKey, r.liSi.ID) == nil ||
			findItem(all.Overdue, models.DueKey, r.liSi.ID) == nil {
			t.Errorf("李四's key visit is not overdue, escalated and in KeyNotVisited: %+v", all)
		}
		if findItem(all.OpenFollowUps, models.DueFollowUp, r.wangWu.ID) == nil {
			t.Errorf("王五's follow-up is not open")
		}
		if findItem(all.ExpiringNoVisit, models.DueBeforeExpiry, r.zhangWest.ID) == nil {
			t.Errorf("张三 (west)'s sanction is not expiring without a visit")
		}
		later := today.AddDate(0, 0, 10) // the period ends within 14 days then
		if soon := mustDigest(t, s, r.admin, later); findItem(soon.DueSoon, models.DueBeforeExpiry, r.zhangWest.ID) == nil {
			t.Errorf("张三 (west)'s sanction is not due soon on %s", later.Format(time.DateOnly))
		}
		if all.VisitsByInspector[inspectorTG] != 2 || len(all.VisitsByInspector) != 1 {
			t.Errorf("VisitsByInspector = %v, want two visits of %d", all.VisitsByInspector, int64(inspectorTG))
		}

		east, west := digestMembers(mustDigest(t, s, r.east1, today)), digestMembers(mustDigest(t, s, r.westSup, today))
		if !east[r.liSi.ID] || east[r.zhangWest.ID] || !west[r.zhangWest.ID] || west[r.liSi.ID] || west[r.wangWu.ID] {
			t.Errorf("digests leak across sibling townships: east %v, west %v", east, west)
		}
		if w := mustDigest(t, s, r.westSup, today); len(w.VisitsByInspector) != 0 {
			t.Errorf("west digest counts east visits: %v", w.VisitsByInspector)
		}
		if n := count(t, s, "audit_events", "action = ?", models.AuditViewDigest); n != 5 {
			t.Errorf("view_digest audit rows = %d, want 5", n)
		}
		_, err := s.Digest(ctx, models.Viewer{TelegramID: 1, Role: models.RoleSupervisor, UnitID: 999_999}, models.CalendarRules{}, today, today)
		wantErr(t, "Digest of a missing unit", err, models.ErrNotFound)
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_events"); err != nil {
			t.Fatal(err)
		}
		if d, err := s.Digest(ctx, r.admin, models.CalendarRules{}, today, today); err == nil || d.Overdue != nil {
			t.Errorf("Digest without its audit row = %d overdue, %v; want an error and nothing", len(d.Overdue), err)
		}
	})
}

func TestStore_MemberNames(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		got, err := s.MemberNames(ctx, d.east1, models.AuditListMembers, []uint64{d.zhangEast.ID, d.zhangWest.ID, d.liSi.ID, d.liSi.ID, 999_999})
		if err != nil {
			t.Fatalf("MemberNames: %v", err)
		}
		if len(got) != 2 || got[d.liSi.ID].Member.Name != "李四" || got[d.zhangEast.ID].UnitName != "东湖镇机关党支部（演示）" {
			t.Errorf("MemberNames = %+v", got)
		}
		if n := count(t, s, "audit_events", "action = ? AND actor_id = ? AND detail = ?", models.AuditListMembers, inspectorTG, "n=2"); n != 1 {
			t.Errorf("list_members audit rows = %d, want 1", n)
		}
		if got, err := s.MemberNames(ctx, models.Viewer{TelegramID: 5, Role: models.RoleInspector, UnitID: 999_999}, models.AuditListMembers, []uint64{d.liSi.ID}); err != nil || len(got) != 0 {
			t.Errorf("MemberNames of a viewer without unit = %v, %v", got, err)
		}
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_events"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.MemberNames(ctx, d.east1, models.AuditListMembers, []uint64{d.liSi.ID}); err == nil || got != nil {
			t.Errorf("MemberNames without its audit row = %v, %v; want an error and nothing", got, err)
		}
	})
}

func TestStore_DigestFrequencyAndRecipients(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		if u, err := s.FindUser(ctx, inspectorTG); err != nil || u.Digest != models.DigestWeekly {
			t.Errorf("default digest = %q, %v", u.Digest, err)
		}
		if err := s.SetDigestFrequency(ctx, eastSupTG, models.DigestDaily); err != nil {
			t.Fatalf("SetDigestFrequency: %v", err)
		}
		if u, _ := s.FindUser(ctx, eastSupTG); u.Digest != models.DigestDaily {
			t.Errorf("digest = %q, want daily", u.Digest)
		}
		wantErr(t, "SetDigestFrequency hourly", s.SetDigestFrequency(ctx, eastSupTG, "hourly"), models.ErrInvalid)
		wantErr(t, "SetDigestFrequency absent", s.SetDigestFrequency(ctx, 42, models.DigestOff), models.ErrNotFound)

		if _, err := s.RevokeUser(ctx, r.admin, westTG); err != nil {
			t.Fatal(err)
		}
		users, err := s.Recipients(ctx)
		if err != nil {
			t.Fatalf("Recipients: %v", err)
		}
		var ids []int64
		for _, u := range users {
			ids = append(ids, u.TelegramID)
		}
		want := []int64{adminTG, inspectorTG, rootTG, eastSupTG, westSupTG}
		if len(ids) != len(want) || ids[0] != adminTG || ids[len(ids)-1] != westSupTG {
			t.Errorf("Recipients = %v, want %v (sorted, without the revoked one)", ids, want)
		}
	})
}

// TestStore_DigestInParts: the digest reads its calendar a range of member
// ids at a time inside its transaction; members far apart in id land in
// different parts and the digest still holds every item DueItems finds.
func TestStore_DigestInParts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		r := loadRoster(t, s)
		decided := models.DateOf(time.Now()).AddDate(-1, -1, 0)
		far := models.Member{ID: r.liSi.ID + 12_345, Name: "远号", UnitID: r.eastOffice, Rank: models.RankCivilServant}
		if err := sqlstore.InsertForTest(ctx, s, &far); err != nil {
			t.Fatal(err)
		}
		sn := models.Sanction{MemberID: far.ID, Kind: models.PartyWarning, DecisionNo: "远〔1〕号", DecisionDate: decided, EffectiveDate: decided,
			Category: models.RankCivilServant} // a mandatory target of last year: an annual visit
		if err := sqlstore.InsertForTest(ctx, s, &sn); err != nil {
			t.Fatal(err)
		}
		today := models.DateOf(time.Now())
		want := map[string]bool{}
		for _, it := range mustDue(t, s, today) {
			want[it.Key()] = true
		}
		d := mustDigest(t, s, r.admin, today)
		got := map[string]bool{}
		for _, l := range [][]models.DueItem{d.Overdue, d.DueSoon, d.ExpiringNoVisit, d.KeyNotVisited, d.OpenFollowUps} {
			for _, it := range l {
				got[it.Key()] = true
			}
		}
		if !digestMembers(d)[far.ID] || !digestMembers(d)[r.liSi.ID] {
			t.Errorf("digest lacks a part: members %v", digestMembers(d))
		}
		for k := range got {
			if !want[k] {
				t.Errorf("digest item %s is not a due item", k)
			}
		}
	})
}
