package kit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/huifang/huifang/models"
)

// Limits of typed queries and of the members offered at once.
const (
	MaxArgRunes = 64 // command arguments such as a searched name
	MaxMatches  = 10
)

// MemberSearcher finds members of the viewer's scope by name, pinyin or
// number. A search with one match returns only its id and is not audited
// on its own: the caller opens that member at once, and the view's audit
// row is the action's one row. Others are audited.
type MemberSearcher interface {
	LookupMembers(ctx context.Context, v models.Viewer, query string, limit int) ([]models.MemberMatch, error)
}

// Lookup searches members for a feature: the only match goes to one;
// several are offered as buttons of feature ns with action (their ids kept
// in State.Choices), and then, when given, offered runs.
func Lookup(t *Turn, db MemberSearcher, q, ns, action string, one func(uint64) error, offered func()) error {
	matches, ok, err := findMembers(t, db, q)
	if err != nil || !ok {
		return err
	}
	if len(matches) == 1 {
		return one(matches[0].Member.ID)
	}
	if offered != nil {
		offered()
	}
	OfferMembers(t, matches, ns, action, "pick_member")
	return nil
}

// findMembers runs a scoped search and answers "not found" or "too long"
// itself; ok is false when there is nothing to choose from.
func findMembers(t *Turn, db MemberSearcher, q string) ([]models.MemberMatch, bool, error) {
	if RuneLen(q) > MaxArgRunes {
		t.Say("query_too_long", "Max", MaxArgRunes)
		return nil, false, nil
	}
	matches, err := db.LookupMembers(t.Ctx, t.Viewer, q, MaxMatches+1)
	if errors.Is(err, models.ErrNotFound) {
		matches, err = nil, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("search members: %w", err)
	}
	if len(matches) == 0 {
		t.Say("member_not_found", "Query", Esc(q))
		return nil, false, nil
	}
	return matches, true, nil
}

// OfferMembers shows matching members as buttons, with what tells them
// apart, and a Cancel button (action "cx" of ns).
func OfferMembers(t *Turn, matches []models.MemberMatch, ns, action, heading string) {
	text := t.T.T(heading)
	if len(matches) > MaxMatches {
		matches = matches[:MaxMatches]
		text += "\n" + t.T.T("too_many_matches", "N", MaxMatches)
	}
	t.St.Choices = t.St.Choices[:0]
	var rows [][]Button
	for _, m := range matches {
		t.St.Choices = append(t.St.Choices, m.Member.ID)
		label := m.Member.Name + " · " + m.UnitName
		if m.Member.Post != "" {
			label += " · " + m.Member.Post
		}
		rows = append(rows, []Button{t.Btn(label, ns, action, strconv.FormatUint(m.Member.ID, 10))})
	}
	rows = append(rows, []Button{t.Btn(t.T.T("btn_cancel"), ns, "cx", "")})
	t.Show(Message{Text: text, Buttons: rows})
}

// Chosen checks that a pressed member button is one this chat was offered.
func Chosen(t *Turn, arg string) (uint64, bool) {
	id, ok := ParseID(arg)
	return id, ok && slices.Contains(t.St.Choices, id)
}
