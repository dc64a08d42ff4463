package models

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

var pinyinArgs = pinyin.NewArgs() // Normal style, no tones, ü written v

// Syllables reads a name as it is typed in plain ASCII: each Han character
// becomes its toneless pinyin (its most common reading), each other letter
// or digit itself, lower-cased; spaces, dots (as in 阿依古丽·买买提) and
// other punctuation are dropped. "东湖镇（演示）" gives dong hu zhen yan shi.
func Syllables(name string) []string {
	var out []string
	for _, r := range name {
		if py := pinyin.SinglePinyin(r, pinyinArgs); len(py) > 0 && py[0] != "" {
			out = append(out, py[0])
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
