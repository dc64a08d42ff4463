package sqlstore

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"github.com/huifang/huifang/models"
)

// Lengths of the pinyin columns of members.
const (
	maxPinyin   = 255
	maxInitials = 64
)

var pinyinArgs = pinyin.NewArgs() // Normal style, no tones, ü written v

// namePinyin returns the toneless pinyin of a name and its initials:
// "张三" gives "zhangsan" and "zs". A Han character with several readings
// takes its most common one. Other letters and digits are kept, lower-cased,
// in both; spaces, dots (as in 阿依古丽·买买提) and other punctuation are
// dropped so that a search typed in plain ASCII finds the name.
func namePinyin(name string) (full, initials string) {
	var f, i strings.Builder
	for _, r := range name {
		if py := pinyin.SinglePinyin(r, pinyinArgs); len(py) > 0 && py[0] != "" {
			f.WriteString(py[0])
			i.WriteByte(py[0][0])
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			lr := unicode.ToLower(r)
			f.WriteRune(lr)
			i.WriteRune(lr)
		}
	}
	return truncateRunes(f.String(), maxPinyin), truncateRunes(i.String(), maxInitials)
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
