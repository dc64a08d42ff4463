package models

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

//go:generate go run ./internal/pinyingen -o pinyin.bin

// pinyinTable is github.com/mozillazg/go-pinyin's dictionary reduced to
// the one reading Syllables uses (internal/pinyingen says why and how;
// TestPinyinTable checks it against go-pinyin).
//
//go:embed pinyin.bin
var pinyinTable string

// pinyinIndex is pinyinTable's layout (see internal/pinyingen's encode),
// read on first use.
type pinyinIndex struct {
	readings []string // by index; 0: none
	runs     string   // count+1 pairs of (first code point, offset in index)
	count    int      // runs of consecutive code points
	index    string   // two bytes per character: its reading's index
}

var pinyinLayout = sync.OnceValue(func() pinyinIndex {
	n := u32(pinyinTable, 4)
	runs := pinyinTable[8+n:]
	count := int(u32(runs, 0))
	runs = runs[4:]
	return pinyinIndex{
		readings: append([]string{""}, strings.Split(pinyinTable[8:8+n], " ")...),
		runs:     runs[:(count+1)*8],
		count:    count,
		index:    runs[(count+1)*8:],
	}
})

// u32 reads the big-endian number at s[i:i+4].
func u32(s string, i int) uint32 {
	return uint32(s[i])<<24 | uint32(s[i+1])<<16 | uint32(s[i+2])<<8 | uint32(s[i+3])
}

// hanPinyin returns the toneless reading of r, "" when the table has none.
func hanPinyin(r rune) string {
	t := pinyinLayout()
	at := func(i int) (first, off uint32) { return u32(t.runs, i*8), u32(t.runs, i*8+4) }
	// The last run whose first code point is at most r.
	lo, hi := 0, t.count
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if first, _ := at(mid); first <= uint32(r) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 || r < 0 {
		return ""
	}
	first, off := at(lo - 1)
	_, next := at(lo)
	i := uint32(r) - first
	if i >= next-off {
		return ""
	}
	k := off + i
	return t.readings[int(t.index[2*k])<<8|int(t.index[2*k+1])]
}

// Syllables reads a name as it is typed in plain ASCII: each Han character
// becomes its toneless pinyin (its most common reading), each other letter
// or digit itself, lower-cased; spaces, dots (as in 阿依古丽·买买提) and
// other punctuation are dropped. "东湖镇（演示）" gives dong hu zhen yan shi.
func Syllables(name string) []string {
	var out []string
	for _, r := range name {
		if py := hanPinyin(r); py != "" {
			out = append(out, py)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, string(unicode.ToLower(r)))
		}
	}
	return out
}

// Pinyin returns the toneless pinyin of a name and its initials: "张三"
// gives "zhangsan" and "zs" (see Syllables).
func Pinyin(name string) (full, initials string) {
	var f, i strings.Builder
	for _, s := range Syllables(name) {
		f.WriteString(s)
		r, _ := firstRune(s)
		i.WriteRune(r)
	}
	return f.String(), i.String()
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}
