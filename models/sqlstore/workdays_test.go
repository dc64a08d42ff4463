package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// wantWorkdays checks IsWorkday on days "2006-01-02" → workday.
func wantWorkdays(t *testing.T, s *sqlstore.Store, known bool, days map[string]bool) {
	t.Helper()
	for d, want := range days {
		got, k, err := s.IsWorkday(context.Background(), date(d))
		if err != nil || got != want || k != known {
			t.Errorf("IsWorkday(%s) = %v, known %v, %v; want %v, known %v", d, got, k, err, want, known)
		}
	}
}

func TestStore_IsWorkday(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		wantWorkdays(t, s, true, map[string]bool{
			"2026-01-01": false, // 元旦, Thursday
			"2026-01-04": true,  // Sunday worked
			"2026-01-05": true,
			"2026-02-14": true,  // Saturday worked
			"2026-02-16": false, // 春节, Monday
			"2026-02-23": false,
			"2026-02-24": true,
			"2026-02-28": true,  // Saturday worked
			"2026-03-07": false, // an ordinary Saturday
			"2026-05-05": false,
			"2026-05-09": true,
			"2026-06-19": false,
			"2026-09-20": true,
			"2026-09-25": false,
			"2026-10-08": true,
			"2026-10-10": true,
			"2026-12-31": true,
		})
		// No published schedule for 2027: Monday to Friday, not known.
		wantWorkdays(t, s, false, map[string]bool{"2027-01-01": true, "2027-01-02": false, "2027-02-10": true})
		// A time of day in another zone counts by its own calendar date.
		shanghai := time.FixedZone("CST", 8*3600)
		if w, _, err := s.IsWorkday(ctx, time.Date(2026, 10, 8, 7, 0, 0, 0, shanghai)); err != nil || !w {
			t.Errorf("IsWorkday(8 October 07:00 +08) = %v, %v", w, err)
		}
	})
}

func TestStore_SetHolidayYear(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		d := loadDemo(t, s)
		err := s.SetHolidayYear(ctx, d.east1, 2027, []time.Time{date("2027-01-01")}, nil)
		wantDenied(t, s, "SetHolidayYear by an inspector", err, d.east1, models.AuditHolidaysSet)

		// Test data, not the 2027 schedule (unpublished when this was written).
		if err := s.SetHolidayYear(ctx, d.admin, 2027, []time.Time{date("2027-01-01"), date("2027-01-01")},
			[]time.Time{date("2027-01-02")}); err != nil {
			t.Fatalf("SetHolidayYear 2027: %v", err)
		}
		wantWorkdays(t, s, true, map[string]bool{"2027-01-01": false, "2027-01-02": true, "2027-01-03": false, "2027-01-04": true})

		// An admin's schedule replaces the built-in one entirely.
		if err := s.SetHolidayYear(ctx, d.admin, 2026, []time.Time{date("2026-03-03")}, nil); err != nil {
			t.Fatalf("SetHolidayYear 2026: %v", err)
		}
		wantWorkdays(t, s, true, map[string]bool{"2026-01-01": true, "2026-01-04": false, "2026-03-03": false})
		if err := s.SetHolidayYear(ctx, d.admin, 2026, nil, nil); err != nil {
			t.Fatalf("SetHolidayYear 2026 empty: %v", err)
		}
		wantWorkdays(t, s, true, map[string]bool{"2026-01-01": false, "2026-03-03": true})
		if n := count(t, s, "audit_events", "action = ? AND detail = ?", models.AuditHolidaysSet, "year=2027 off=2 work=1"); n != 1 {
			t.Errorf("holidays_set audit rows = %d, want 1", n)
		}

		for name, bad := range map[string]func() error{
			"day of another year": func() error { return s.SetHolidayYear(ctx, d.admin, 2027, []time.Time{date("2028-01-01")}, nil) },
			"off and worked": func() error {
				return s.SetHolidayYear(ctx, d.admin, 2027, []time.Time{date("2027-01-01")}, []time.Time{date("2027-01-01")})
			},
			"year 1999": func() error { return s.SetHolidayYear(ctx, d.admin, 1999, nil, nil) },
		} {
			wantErr(t, "SetHolidayYear "+name, bad(), models.ErrInvalid)
		}
		wantWorkdays(t, s, true, map[string]bool{"2027-01-01": false})

		// A year read once is answered from memory.
		if err := sqlstore.ExecForTest(ctx, s, "DROP TABLE workday_overrides"); err != nil {
			t.Fatal(err)
		}
		wantWorkdays(t, s, true, map[string]bool{"2027-01-02": true, "2026-02-16": false})
		if _, _, err := s.IsWorkday(ctx, date("2030-01-02")); err == nil {
			t.Errorf("IsWorkday of an unread year without its table: no error")
		}
	})
}
