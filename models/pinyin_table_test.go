package models

import (
	"testing"

	"github.com/mozillazg/go-pinyin"
)

// TestPinyinTable: the embedded table gives, for every character
// go-pinyin knows, the reading go-pinyin gives, and nothing for the
// characters around them it does not know. When it fails after a
// go-pinyin upgrade, run go generate ./models.
func TestPinyinTable(t *testing.T) {
	args := pinyin.NewArgs()
	bad := 0
	for cp := range pinyin.PinyinDict {
		want := ""
		if py := pinyin.SinglePinyin(rune(cp), args); len(py) > 0 {
			want = py[0]
		}
		if got := hanPinyin(rune(cp)); got != want {
			if bad++; bad <= 10 {
				t.Errorf("hanPinyin(%U) = %q, go-pinyin says %q", cp, got, want)
			}
		}
		for _, near := range []int{cp - 1, cp + 1} {
			if _, ok := pinyin.PinyinDict[near]; ok {
				continue
			}
			if got := hanPinyin(rune(near)); got != "" {
				if bad++; bad <= 10 {
					t.Errorf("hanPinyin(%U) = %q, go-pinyin has no reading", near, got)
				}
			}
		}
	}
	for _, r := range []rune{-1, 0, 'a', 0x3006, 0x10FFFF, 0x7FFFFFFF} {
		if got := hanPinyin(r); got != "" {
			t.Errorf("hanPinyin(%U) = %q, want none", r, got)
		}
	}
	if bad > 10 {
		t.Errorf("... %d mismatches in all", bad)
	}
	if got := hanPinyin('王') + hanPinyin('五'); got != "wangwu" {
		t.Errorf("王五 = %q", got)
	}
}

func BenchmarkSyllables(b *testing.B) {
	for b.Loop() {
		Syllables("阿依古丽·买买提（东湖镇）")
	}
}
