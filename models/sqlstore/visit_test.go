package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

func TestStore_CreateVisit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		m, sn := mustMember(t, s, d.eastOffice, "回访对象", today)

		v := newVisit(m.ID, "draft-1", today)
		v.AuthorID, v.ID = 12345, 777 // both ignored
		created, err := s.CreateVisit(ctx, d.east1, v, []uint64{sn.ID, sn.ID})
		if err != nil || !created || v.ID == 0 || v.ID == 777 || v.AuthorID != inspectorTG || v.CreatedAt.IsZero() {
			t.Fatalf("CreateVisit = %v, %v; visit %+v", created, err, v)
		}
		if n := count(t, s, "visit_sanctions", "visit_id = ? AND sanction_id = ?", v.ID, sn.ID); n != 1 {
			t.Errorf("links = %d, want 1", n)
		}
		audit, err := sqlstore.AuditForTest(ctx, s, models.AuditCreateVisit)
		if err != nil || len(audit) != 1 {
			t.Fatalf("create_visit audit = %+v, %v", audit, err)
		}
		if a := audit[0]; a.ActorID != inspectorTG || *a.MemberID != m.ID || *a.VisitID != v.ID {
			t.Errorf("audit = %+v", a)
		}

		wantReplay := func(what string) {
			t.Helper()
			again := newVisit(m.ID, "draft-1", today)
			created, err := s.CreateVisit(ctx, d.east1, again, []uint64{sn.ID})
			if err != nil || created || again.ID != v.ID {
				t.Errorf("%s = %v, %v, id %d; want false, nil, %d", what, created, err, again.ID, v.ID)
			}
		}
		wantReplay("replay")
		_, err = s.CreateVisit(ctx, d.up, newVisit(m.ID, "draft-1", today), []uint64{sn.ID})
		wantErr(t, "same key, other author", err, models.ErrDuplicate)

		// A draft saved before its member moved out of the author's
		// scope is still answered as saved when it comes again.
		west := d.westPatrol
		if _, err := s.UpdateMember(ctx, d.admin, m.ID, models.MemberPatch{UnitID: &west}); err != nil {
			t.Fatal(err)
		}
		wantReplay("replay after the move")
		_, err = s.CreateVisit(ctx, d.east1, newVisit(m.ID, "draft-2", today), []uint64{sn.ID})
		wantErr(t, "new draft after the move", err, models.ErrNotFound)
		if n := count(t, s, "visits", "member_id = ?", m.ID); n != 1 {
			t.Errorf("%d visits of the member, want 1", n)
		}

	})
}

func TestStore_CreateVisitRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		m, sn := mustMember(t, s, d.eastOffice, "回访对象", today)
		other, otherSn := mustMember(t, s, d.eastOffice, "他人", today)
		refused := []struct {
			name string
			ids  []uint64
			want error
		}{
			{"OtherMembersSanction", []uint64{sn.ID, otherSn.ID}, models.ErrNotFound},
			{"UnknownSanction", []uint64{999_999}, models.ErrNotFound},
			{"NoSanction", nil, nil},
		}
		for _, tt := range refused {
			_, err := s.CreateVisit(ctx, d.east1, newVisit(m.ID, "draft-"+tt.name, today), tt.ids)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
			}
		}
		bad := newVisit(other.ID, "draft-bad", today)
		bad.Conclusion = "excellent"
		if _, err := s.CreateVisit(ctx, d.east1, bad, []uint64{otherSn.ID}); err == nil {
			t.Error("CreateVisit accepted an unknown conclusion")
		}
		if n := count(t, s, "visits", "member_id IN ?", []uint64{m.ID, other.ID}); n != 0 {
			t.Errorf("visits = %d, want 0", n)
		}
		if n := count(t, s, "audit_events", "action = ?", models.AuditCreateVisit); n != 0 {
			t.Errorf("create_visit audit rows = %d, want 0", n)
		}
	})
}

func TestStore_CreateVisitConcurrent(t *testing.T) {
	const workers = 8
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		m, sn := mustMember(t, s, d.eastOffice, "并发", today)
		for round := 0; round < 3; round++ {
			key := "race-" + strconv.Itoa(round)
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				ids     = map[uint64]int{}
				created int
			)
			start := make(chan struct{})
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					v := newVisit(m.ID, key, today)
					ok, err := s.CreateVisit(ctx, d.east1, v, []uint64{sn.ID})
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Errorf("CreateVisit: %v", err)
						return
					}
					ids[v.ID]++
					if ok {
						created++
					}
				}()
			}
			close(start)
			wg.Wait()
			if created != 1 || len(ids) != 1 {
				t.Errorf("round %d: %d created, ids %v; want 1 created, one id", round, created, ids)
			}
			if n := count(t, s, "visits", "idem_key = ?", key); n != 1 {
				t.Errorf("round %d: %d visits, want 1", round, n)
			}
		}
		if n := count(t, s, "audit_events", "action = ?", models.AuditCreateVisit); n != 3 {
			t.Errorf("create_visit audit rows = %d, want 3", n)
		}

		// Different drafts of the member saved at once all succeed: no
		// deadlock between the saves, each of which also refreshes the
		// sanction's enforcement (it did, as one UPDATE with a locking
		// subquery).
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := 0; w < 2*workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < 4; i++ {
					v := newVisit(m.ID, fmt.Sprintf("same-%d-%d", w, i), today)
					if _, err := s.CreateVisit(ctx, d.east1, v, []uint64{sn.ID}); err != nil {
						t.Errorf("CreateVisit: %v", err)
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		if n := count(t, s, "visits", "member_id = ?", m.ID); n != 3+2*workers*4 {
			t.Errorf("%d visits, want %d", n, 3+2*workers*4)
		}
	})
}

func TestStore_AuditFailClosed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		today := models.DateOf(time.Now())
		m, sn := mustMember(t, s, d.eastOffice, "审计", today)
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE audit_events"); err != nil {
			t.Fatal(err)
		}
		notAudited := func(what string, err error) {
			t.Helper()
			if err == nil || errors.Is(err, models.ErrNotFound) {
				t.Errorf("%s without audit table: err = %v, want a storage error", what, err)
			}
		}
		st, err := s.MemberStatus(ctx, d.east1, models.CalendarRules{}, m.ID, today)
		notAudited("MemberStatus", err)
		if st.Member.ID != 0 || st.Sanctions != nil {
			t.Errorf("MemberStatus returned data with its error: %+v", st)
		}
		got, unit, sanctions, err := s.MemberSanctions(ctx, d.east1, m.ID)
		notAudited("MemberSanctions", err)
		if got.ID != 0 || unit != "" || sanctions != nil {
			t.Error("MemberSanctions returned data with its error")
		}
		matches, err := s.SearchMembers(ctx, d.east1, "审计", 0)
		notAudited("SearchMembers", err)
		if matches != nil {
			t.Error("SearchMembers returned data with its error")
		}
		v := newVisit(m.ID, "audit-1", today)
		created, err := s.CreateVisit(ctx, d.east1, v, []uint64{sn.ID})
		notAudited("CreateVisit", err)
		if created || count(t, s, "visits", "member_id = ?", m.ID) != 0 || count(t, s, "visit_sanctions", "sanction_id = ?", sn.ID) != 0 {
			t.Error("CreateVisit left rows behind")
		}
	})
}

func TestStore_RoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		cst := time.FixedZone("CST", 8*3600)
		decided := time.Date(2024, 2, 29, 23, 30, 0, 0, cst) // 15:30 UTC, same calendar day
		name := "𠮷野·欧阳张三🙂"
		m, sn := mustMember(t, s, d.eastOffice, name, decided)
		_, _, sanctions, err := s.MemberSanctions(ctx, d.admin, m.ID)
		if err != nil || len(sanctions) != 1 {
			t.Fatalf("MemberSanctions: %v", err)
		}
		wantDay := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
		checkDate(t, "DecisionDate", sanctions[0].DecisionDate, wantDay)
		checkDate(t, "EffectiveDate", sanctions[0].EffectiveDate, wantDay)
		checkDate(t, "PeriodEnd", *sanctions[0].PeriodEnd, time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC))

		v := newVisit(m.ID, "trip-1", time.Date(2025, 12, 31, 1, 0, 0, 0, cst))
		next := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		v.NextVisit = &next
		v.Thinking = "思想稳定，对处分认识深刻；“引号”、《书名号》、emoji 🙏 和生僻字𠮷。"
		v.Inspectors = "王小二、李大嘴"
		if _, err := s.CreateVisit(ctx, d.admin, v, []uint64{sn.ID}); err != nil {
			t.Fatalf("CreateVisit: %v", err)
		}
		st, err := s.MemberStatus(ctx, d.admin, models.CalendarRules{}, m.ID, time.Now())
		if err != nil {
			t.Fatalf("MemberStatus: %v", err)
		}
		checkDate(t, "Visit.Date", st.LastVisit.Date, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
		checkDate(t, "Visit.NextVisit", *st.LastVisit.NextVisit, next)
		if st.HasNext && st.Next.Reason == models.DueAgreed {
			checkDate(t, "Next.Due", st.Next.Due, next)
		}
		// Characters outside the BMP must not compare equal (utf8mb4_unicode_ci makes them so).
		mustMember(t, s, d.eastOffice, "王𪚥", decided)
		mustMember(t, s, d.eastOffice, "王𠮷", decided)
		if got := mustSearch(t, s, d.admin, "王𠮷"); len(got) != 1 || got[0].Member.Name != "王𠮷" {
			t.Errorf("exact search for 王𠮷 = %+v", got)
		}
		if st.Member.Name != name || st.LastVisit.Thinking != v.Thinking || st.LastVisit.Inspectors != v.Inspectors {
			t.Errorf("text round trip: %q / %q / %q", st.Member.Name, st.LastVisit.Thinking, st.LastVisit.Inspectors)
		}
	})
}

func checkDate(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s = %v (%v), want %v UTC", what, got, got.Location(), want)
	}
}
