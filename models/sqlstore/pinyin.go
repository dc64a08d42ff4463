package sqlstore

import "github.com/huifang/huifang/models"

// Lengths of the pinyin columns of members.
const (
	maxPinyin   = 255
	maxInitials = 64
)

// namePinyin returns the toneless pinyin of a name and its initials
// (models.Pinyin: "张三" gives "zhangsan" and "zs"), cut to their columns.
func namePinyin(name string) (full, initials string) {
	full, initials = models.Pinyin(name)
	return truncateRunes(full, maxPinyin), truncateRunes(initials, maxInitials)
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	count := 0
	for idx := range s {
		if count == n {
			return s[:idx]
		}
		count++
	}
	return s
}

// prepareMember keeps NamePinyin and NameInitials in step with Name
// whenever the struct holds a name. Every write of a member in this
// package passes the whole struct through it (Create, or
// Select(...).Updates(&member)), never a bare column update, so that the
// pinyin cannot go stale.
func prepareMember(m *models.Member) {
	if m.Name != "" {
		m.NamePinyin, m.NameInitials = namePinyin(m.Name)
	}
}
