package remind_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/huifang/huifang/handlers/kit/kittest"
	"github.com/huifang/huifang/internal/apptest"
	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// followUpsOf are the open parts of member's follow-ups, by visit.
func followUpsOf(t *testing.T, store *sqlstore.Store, m models.MemberMatch) map[uint64]models.Visit {
	t.Helper()
	st, err := store.MemberStatus(context.Background(), adminViewer, models.CalendarRules{}, m.Member.ID, day(0))
	if err != nil {
		t.Fatalf("status of %s: %v", m.Member.Name, err)
	}
	out := map[uint64]models.Visit{}
	for _, v := range st.OpenFollowUps {
		out[v.ID] = v
	}
	return out
}

// TestDue_FollowUpParts: /due names the follow-up that is open — 王五's
// demo visit owes only the branch notice — and offers a button for that
// part alone; a visit that owes both gets a button for each, and pressing
// one marks that one only, the list then naming the other.
func TestDue_FollowUpParts(t *testing.T) {
	app, store := remindApp(t)
	c := kittest.NewChat(t, app, apptest.DemoInspector)
	c.Say("/due")
	c.Expect("王五（", "回访后未向所在党支部通报", "王五 已通报党支部")
	c.Refute("王五 已向单位反馈")
	c.Refute("回访后反馈、通报未完成")

	li := demoMember(t, store, "李四", "")
	answers := map[string]string{}
	for k, v := range apptest.ShortVisit {
		answers[k] = v
	}
	answers["feedback"], answers["branch"] = "n", "n"
	c.Say("/visit 李四")
	apptest.WalkVisit(c, answers)
	c.Press("确认保存")
	c.Expect("已保存")
	open := followUpsOf(t, store, li)
	if len(open) != 1 {
		t.Fatalf("李四 has %d open follow-ups, want 1", len(open))
	}
	var visitID uint64
	for id := range open {
		visitID = id
	}

	c.Say("/due")
	c.Expect("李四（", "回访后未向所在单位反馈、未向所在党支部通报", "李四 已向单位反馈", "李四 已通报党支部")
	_, listID := c.Button("李四 已向单位反馈")
	c.Press("李四 已向单位反馈")
	c.Expect("已记录：已向所在单位反馈", fmt.Sprintf("回访记录 %d：<s>向所在单位反馈</s> 已完成", visitID), "李四 已通报党支部")
	if c.Last.Messages[0].EditID != listID {
		t.Errorf("the pressed list was not turned into the current one: %+v", c.Last.Messages)
	}
	c.Refute("李四 已向单位反馈")
	v := followUpsOf(t, store, li)[visitID]
	if !v.FeedbackUnit || v.BranchInformed {
		t.Fatalf("after marking the unit's feedback: feedback %v, branch %v", v.FeedbackUnit, v.BranchInformed)
	}
	line := lineOf(c.Last.Messages[0].Text, "李四（")
	if !strings.Contains(line, "回访后未向所在党支部通报") || strings.Contains(line, "单位反馈") {
		t.Errorf("李四's line after marking the feedback: %q", line)
	}
	c.Press("李四 已通报党支部")
	c.Expect("已记录：已向所在党支部通报")
	if _, still := followUpsOf(t, store, li)[visitID]; still {
		t.Fatal("李四's follow-up still open after both parts were marked")
	}
}

// lineOf is the line of text that contains part.
func lineOf(text, part string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}
