package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/modelstest"
)

// nextLine is the line of the /status card about the next visit.
var nextLine = regexp.MustCompile(`下次回访：([^，\n]+)，(应于[^\n]+)`)

// TestCalendar_OneAnswer: for every demo member on three days (the day
// the roster was loaded, 45 and 200 days later), /status, /due and the
// digest name the same next visit, with the same date and reason; a
// member whose next visit is further than the lists' 14 days is in
// neither, and one the calendar owes nothing is in neither either.
func TestCalendar_OneAnswer(t *testing.T) {
	ctx := context.Background()
	base := time.Date(2026, 12, 3, 10, 0, 0, 0, apptest.Shanghai)
	store := modelstest.OpenSQLite(t)
	if err := store.LoadDemoOn(ctx, apptest.DemoAdmin, apptest.DemoInspector, base); err != nil {
		t.Fatal(err)
	}
	admin := models.Viewer{TelegramID: apptest.DemoAdmin, Role: models.RoleAdmin}
	var members []models.MemberMatch
	for _, name := range []string{"张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "韩十", "冯十一"} {
		found, err := store.SearchMembers(ctx, admin, name, 10)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, found...)
	}
	if len(members) != 10 {
		t.Fatalf("%d demo members, want 10", len(members))
	}
	compared := 0 // cases whose next visit is in the lists
	defer func() {
		if compared < 10 {
			t.Errorf("only %d of 30 cases had their next visit in the lists", compared)
		}
	}()
	for _, offset := range []int{0, 45, 200} {
		now := base.AddDate(0, 0, offset)
		app := apptest.MustApp(t, store, models.NewMemoryState(), func(o *handlers.Options) { o.Now = func() time.Time { return now } })
		c := kittest.NewChat(t, app, apptest.DemoAdmin)
		c.Say("/due")
		due := c.Text()
		c.Say("/digest")
		digest := c.Text()
		today := models.DateOf(now)
		dd, err := store.Digest(ctx, admin, models.CalendarRules{}, today, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			t.Run(fmt.Sprintf("day+%d/%s%d", offset, m.Member.Name, m.Member.ID), func(t *testing.T) {
				st, err := store.MemberStatus(ctx, admin, models.CalendarRules{}, m.Member.ID, today)
				if err != nil {
					t.Fatal(err)
				}
				c.Say(fmt.Sprintf("/status %d", m.Member.ID))
				if oneAnswer(t, c.Text(), m, due, digest, st, append(dd.Overdue, dd.DueSoon...), today) {
					compared++
				}
			})
		}
	}
}

// oneAnswer checks one member's /status card and status against /due,
// the digest's text and the digest's items (overdue and due within 14
// days).
func oneAnswer(t *testing.T, card string, m models.MemberMatch, due, digest string, st models.Status, listed []models.DueItem, today time.Time) (compared bool) {
	t.Helper()
	who := m.Member.Name + "（" + m.UnitName + "）"
	var first *models.DueItem
	for i := range listed {
		if listed[i].MemberID == m.Member.ID && listed[i].Reason.Visit() && (first == nil || models.CompareDue(listed[i], *first) < 0) {
			first = &listed[i]
		}
	}
	firstDue := firstVisitLine(due, who)
	got := nextLine.FindStringSubmatch(card)
	inLists := st.HasNext && !st.Next.Due.After(today.AddDate(0, 0, 14))
	switch {
	case got == nil && (st.HasNext || !strings.Contains(card, "下次回访：日历中暂无应访事项")):
		t.Fatalf("no next visit line, status %+v:\n%s", st.Next, card)
	case !inLists && (first != nil || firstDue != ""):
		t.Fatalf("next visit %+v is beyond the lists, yet listed: %+v, %q", st.Next, first, firstDue)
	case !inLists:
		return false
	case first == nil || first.Key() != st.Next.Key():
		t.Fatalf("/status's next visit is %s, the digest's first %+v", st.Next.Key(), first)
	}
	line := who + " · " + got[1] + " · " + got[2]
	if firstDue != line {
		t.Fatalf("/status says %q, /due lists first %q\n%s", line, firstDue, due)
	}
	// The digest lists the first few of each section: the overdue ones,
	// then those due within 14 days.
	sections := strings.Split(digest, "\n\n")
	sec := sections[2]
	if st.Next.Due.Before(today) {
		sec = sections[1]
	}
	if l := firstVisitLine(sec, who); l != "" && l != line {
		t.Fatalf("/status says %q, the digest lists first %q", line, l)
	}
	return true
}

// firstVisitLine is the first line of a list about a visit of who, without
// its number or bullet, or "".
func firstVisitLine(text, who string) string {
	for _, l := range strings.Split(text, "\n") {
		i := strings.Index(l, who+" · ")
		if i < 0 || strings.Contains(l, "反馈、通报未完成") || strings.Contains(l, "回访后未向") || strings.Contains(l, "待整改") || strings.Contains(l, "待落实") {
			continue
		}
		l = l[i:]
		if j := strings.Index(l, " · 负责："); j >= 0 {
			l = l[:j]
		}
		return l
	}
	return ""
}
