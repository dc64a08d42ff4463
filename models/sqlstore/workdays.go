package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// workdayCacheTTL is how long a year's schedule is trusted before it is
// read again, so that a change made on another replica shows within it.
const workdayCacheTTL = 10 * time.Minute

// workdayCache keeps each year's schedule in memory; IsWorkday reads the
// database at most once per year and TTL.
type workdayCache struct {
	mu    sync.Mutex
	years map[int]yearSchedule
}

// yearSchedule is a year's exceptions to Monday-to-Friday.
type yearSchedule struct {
	known  bool         // official data (built in or set by an admin)
	days   map[int]bool // day of year → workday
	loaded time.Time
}

func (c *workdayCache) get(year int, now time.Time) (yearSchedule, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ys, ok := c.years[year]
	return ys, ok && now.Sub(ys.loaded) < workdayCacheTTL
}

func (c *workdayCache) put(year int, ys yearSchedule) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.years == nil {
		c.years = map[int]yearSchedule{}
	}
	c.years[year] = ys
}

func (c *workdayCache) forget(year int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.years, year)
}

// IsWorkday reports whether day (its calendar date) is a workday under the
// official calendar: the days an admin set for its year, else the built-in
// data (2026), else Monday to Friday, with known false. It reads the
// database once per year and cache period.
func (s *Store) IsWorkday(ctx context.Context, day time.Time) (workday, known bool, err error) {
	d := models.DateOf(day)
	ys, fresh := s.workdays.get(d.Year(), time.Now())
	if !fresh {
		if ys, err = loadYearSchedule(s.db.WithContext(ctx), d.Year()); err != nil {
			return false, false, fmt.Errorf("is workday %s: %w", d.Format(time.DateOnly), err)
		}
		s.workdays.put(d.Year(), ys)
	}
	if w, ok := ys.days[d.YearDay()]; ok {
		return w, ys.known, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, ys.known, nil
}

// loadYearSchedule reads a year's overrides, else its built-in schedule.
func loadYearSchedule(db *gorm.DB, year int) (yearSchedule, error) {
	var rows []workdayOverride
	if err := db.Where("year = ?", year).Find(&rows).Error; err != nil {
		return yearSchedule{}, fmt.Errorf("load workday overrides of %d: %w", year, err)
	}
	ys := yearSchedule{loaded: time.Now()}
	switch official, ok := models.OfficialWorkdays(year); {
	case len(rows) > 0:
		ys.known, ys.days = true, make(map[int]bool, len(rows))
		for _, r := range rows {
			ys.days[models.DateOf(r.Day).YearDay()] = r.Workday
		}
	case ok:
		ys.known, ys.days = true, official
	}
	return ys, nil
}

// SetHolidayYear replaces a year's official schedule: the days off that
// are not weekends' and the make-up workdays on weekends (days that only
// repeat Monday to Friday are stored too and change nothing). The rows of
// the year are replaced in one transaction, with their "holidays_set"
// audit row; with both lists empty the year goes back to its built-in
// data, or to Monday to Friday. Admins only: anyone else gets
// ErrForbidden (audited). A year outside 2000-2100, a day outside the
// year, or a day in both lists is ErrInvalid.
func (s *Store) SetHolidayYear(ctx context.Context, actor models.Viewer, year int, offDays, workDays []time.Time) error {
	if actor.Role != models.RoleAdmin {
		return s.deny(ctx, actor, models.AuditHolidaysSet, &denial{err: models.ErrForbidden})
	}
	rows, err := holidayRows(year, offDays, workDays)
	if err != nil {
		return fmt.Errorf("%s %d: %w", models.AuditHolidaysSet, year, err)
	}
	err = s.guarded(ctx, actor, models.AuditHolidaysSet, func(tx *gorm.DB) error {
		if err := tx.Where("year = ?", year).Delete(&workdayOverride{}).Error; err != nil {
			return fmt.Errorf("delete year %d: %w", year, err)
		}
		if len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return fmt.Errorf("insert year %d: %w", year, err)
			}
		}
		detail := fmt.Sprintf("year=%d off=%d work=%d", year, len(offDays), len(workDays))
		return writeAudit(tx, actor, models.AuditHolidaysSet, nil, nil, detail)
	})
	s.workdays.forget(year)
	return err
}

// holidayRows validates a year's days and turns them into rows.
func holidayRows(year int, offDays, workDays []time.Time) ([]workdayOverride, error) {
	if year < models.MinYear || year > models.MaxYear {
		return nil, fmt.Errorf("year: %w", models.ErrInvalid)
	}
	seen := map[time.Time]bool{}
	var rows []workdayOverride
	for _, set := range []struct {
		days    []time.Time
		workday bool
	}{{offDays, false}, {workDays, true}} {
		for _, day := range set.days {
			d := models.DateOf(day)
			if d.Year() != year {
				return nil, fmt.Errorf("day outside the year: %w", models.ErrInvalid)
			}
			if w, dup := seen[d]; dup {
				if w != set.workday {
					return nil, fmt.Errorf("day both off and worked: %w", models.ErrInvalid)
				}
				continue
			}
			seen[d] = set.workday
			rows = append(rows, workdayOverride{Day: d, Workday: set.workday, Year: year})
		}
	}
	return rows, nil
}
