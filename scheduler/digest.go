package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/huifang/huifang/models"
)

// calendar fills in p's workday facts and reports whether p.day is a
// workday. A year without an official calendar counts Monday to Friday
// and is noted for the admin digest.
func (s *Scheduler) calendar(ctx context.Context, p *pass) (bool, error) {
	work, known, err := s.workday(ctx, p.day)
	if err != nil || !work {
		return false, err
	}
	if !known {
		p.unknown = append(p.unknown, p.day.Year())
		s.log.Warn("no official workday calendar for this year: assuming Monday to Friday", "job", lockPlan, "year", p.day.Year())
	}
	next := time.Date(p.day.Year()+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	if _, known, err = s.workday(ctx, next); err != nil {
		return false, err
	} else if !known {
		p.unknown = append(p.unknown, next.Year())
	}
	p.weekStart, p.prevWork = true, p.day.AddDate(0, 0, -1)
	for back := 1; back <= 14; back++ {
		d := p.day.AddDate(0, 0, -back)
		w, _, err := s.workday(ctx, d)
		if err != nil {
			return false, err
		}
		if w {
			p.prevWork = d
			// Weeks start on Monday: a workday earlier in the same week
			// already had the weekly digests.
			p.weekStart = back >= isoWeekday(p.day)
			break
		}
	}
	return true, nil
}

// isoWeekday is 1 for Monday … 7 for Sunday.
func isoWeekday(d time.Time) int {
	return (int(d.Weekday())+6)%7 + 1
}

// workday asks the store whether day is a workday, assuming Monday to
// Friday when the year has no data.
func (s *Scheduler) workday(ctx context.Context, day time.Time) (work, known bool, err error) {
	work, known, err = s.store.IsWorkday(ctx, day)
	if err != nil {
		return false, false, fmt.Errorf("is %s a workday: %w", day.Format(dateLayout), err)
	}
	if !known {
		wd := day.Weekday()
		work = wd != time.Saturday && wd != time.Sunday
	}
	return work, known, nil
}

// digestFrequency is u's choice of digest; supervisors and admins get a
// weekly one unless they chose otherwise, inspectors none.
func digestFrequency(u models.User) string {
	if u.Role != models.RoleSupervisor && u.Role != models.RoleAdmin {
		return models.DigestOff
	}
	switch u.Digest {
	case models.DigestDaily, models.DigestOff:
		return u.Digest
	}
	return models.DigestWeekly
}

// digests builds the digests due on p.day: the daily ones on every
// workday, the weekly ones on the week's first workday. A recipient whose
// digest cannot be gathered is skipped and reported in the error; the
// others are returned.
func (s *Scheduler) digests(ctx context.Context, p *pass, users []models.User) ([]models.Delivery, error) {
	var ds []models.Delivery
	var errs []error
	for _, u := range users {
		var period string
		var since time.Time
		switch digestFrequency(u) {
		case models.DigestDaily:
			period, since = p.day.Format(dateLayout), p.prevWork
		case models.DigestWeekly:
			if !p.weekStart {
				continue
			}
			period, since = weekPeriod(p.day), p.day.AddDate(0, 0, -7)
		default:
			continue
		}
		v := models.Viewer{TelegramID: u.TelegramID, Role: u.Role, UnitID: u.UnitID}
		data, err := s.store.Digest(ctx, v, s.cfg.Rules, p.day, since)
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of user %d: %w", u.TelegramID, err))
			continue
		}
		payload, err := digestPayload(data)
		if err != nil {
			return nil, err
		}
		ds = append(ds, p.delivery(models.DeliveryDigest, u.TelegramID, period, payload))
	}
	return ds, errors.Join(errs...)
}

// adminDigests builds the admins' weekly report of delivery problems and
// missing workday calendars, on the week's first workday and only when
// there is something to report.
func (s *Scheduler) adminDigests(ctx context.Context, p *pass, users []models.User) ([]models.Delivery, error) {
	if !p.weekStart {
		return nil, nil
	}
	var admins []int64
	for _, u := range users {
		if u.Role == models.RoleAdmin {
			admins = append(admins, u.TelegramID)
		}
	}
	if len(admins) == 0 {
		return nil, nil
	}
	problems, err := s.store.DeliveryProblems(ctx, p.at.AddDate(0, 0, -7))
	if err != nil {
		return nil, fmt.Errorf("delivery problems: %w", err)
	}
	if len(problems) == 0 && len(p.unknown) == 0 {
		return nil, nil
	}
	payload, err := adminDigestPayload(problems, p.unknown)
	if err != nil {
		return nil, err
	}
	ds := make([]models.Delivery, 0, len(admins))
	for _, id := range admins {
		ds = append(ds, p.delivery(models.DeliveryAdminDigest, id, weekPeriod(p.day), payload))
	}
	return ds, nil
}
