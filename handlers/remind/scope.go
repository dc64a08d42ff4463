package remind

import (
	"slices"

	"github.com/huifang/huifang/models"
)

// Reminders and /due list only members the viewer may see now: a reminder
// planned before a member's unit moved out of the recipient's units, or
// before the member was deleted, must not mention them, not even by
// number. The names come from one scoped, audited look-up per message.

// visible looks up the members of the first limit items (kept for the
// rendering that follows, so that one message makes one look-up) and
// drops those items the viewer may not see; dropped counts them.
func (v *view) visible(items []models.DueItem, limit int) ([]models.DueItem, int, error) {
	head := items[:min(len(items), limit)]
	names, err := v.members(memberIDs(head))
	if err != nil {
		return nil, 0, err
	}
	v.known = names
	kept, dropped := inScope(head, names)
	return append(kept, items[len(head):]...), dropped, nil
}

// cachedMembers returns the names visible looked up when they cover ids.
func (v *view) cachedMembers(ids []uint64) (map[uint64]models.MemberMatch, bool) {
	if v.known == nil {
		return nil, false
	}
	for _, id := range ids {
		if _, ok := v.known[id]; !ok {
			return nil, false
		}
	}
	return v.known, true
}

// inScope keeps the items whose member is in names (the scoped look-up)
// and says how many it dropped.
func inScope(items []models.DueItem, names map[uint64]models.MemberMatch) ([]models.DueItem, int) {
	kept := slices.DeleteFunc(slices.Clone(items), func(it models.DueItem) bool {
		_, ok := names[it.MemberID]
		return !ok
	})
	return kept, len(items) - len(kept)
}
