package models

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MatchUnits returns the units of units (in their order) that a typed
// text names, the one rule wherever a unit is typed (/invite, /adduser,
// the unit and member forms): its number or its whole name names one unit
// alone; failing that, the units whose name is the text once what stands
// in brackets is left out ("东湖镇" names "东湖镇（演示）"); failing that,
// every unit whose name contains the text, or whose pinyin does (the full
// pinyin from the start of a syllable, "donghu" or "hu", or the initials,
// "dhz"). Width, case and spaces do not count, so "东湖镇(演示)" is
// "东湖镇（演示）". Callers pass only the units the user may
// see: a unit outside them is not found, like one that does not exist.
func MatchUnits(units []Unit, text string) []Unit {
	q := foldUnitText(text)
	if q == "" {
		return nil
	}
	var exact, base, partial []Unit
	for _, u := range units {
		name := foldUnitText(u.Name)
		switch {
		case strconv.FormatUint(u.ID, 10) == q || name == q:
			exact = append(exact, u)
		case withoutBrackets(name) == q:
			base = append(base, u)
		case strings.Contains(name, q) || isASCIIWord(q) && pinyinContains(u.Name, q):
			partial = append(partial, u)
		}
	}
	switch {
	case len(exact) > 0:
		return exact
	case len(base) > 0:
		return base
	}
	return partial
}

// withoutBrackets is a folded name without its bracketed parts.
func withoutBrackets(name string) string {
	var b strings.Builder
	depth := 0
	for _, r := range name {
		switch {
		case strings.ContainsRune("([【〔", r):
			depth++
		case strings.ContainsRune(")]】〕", r) && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldUnitText is text as MatchUnits compares it: NFKC (full-width forms
// and brackets as ASCII), lower case, without spaces.
func foldUnitText(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

// isASCIIWord reports whether q is ASCII letters only: a pinyin query.
func isASCIIWord(q string) bool {
	for i := 0; i < len(q); i++ {
		if q[i] < 'a' || q[i] > 'z' {
			return false
		}
	}
	return q != ""
}

// pinyinContains reports whether q is a part of name's initials, or of
// its full pinyin starting at a syllable: "hu" and "huzhen" are in
// donghuzhen, "uzh" is not.
func pinyinContains(name, q string) bool {
	syl := Syllables(name)
	_, initials := Pinyin(name)
	if strings.Contains(initials, q) {
		return true
	}
	for i := range syl {
		if strings.HasPrefix(strings.Join(syl[i:], ""), q) {
			return true
		}
	}
	return false
}

// MatchScope is MatchUnits for a unit that stands for its subtree (the
// scope of a report or an export): when one of the units found holds all
// the others, it alone is meant ("东湖" names the township and its
// branches: the township).
func MatchScope(units []Unit, text string) []Unit {
	found := MatchUnits(units, text)
	for _, u := range found {
		all := true
		for _, o := range found {
			all = all && strings.HasPrefix(o.Path, u.Path)
		}
		if all {
			return []Unit{u}
		}
	}
	return found
}
