package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/huifang/huifang/models"
)

// CleanText is how every typed or imported text is tidied: full-width
// ASCII letters and digits and the ideographic space are folded to ASCII
// (CJK punctuation such as （）、 stays as typed, so "东湖镇（演示）" keeps
// matching the unit of that name), zero-width and other format characters
// are dropped, control characters become spaces, runs of spaces collapse
// and the ends are trimmed.
func CleanText(s string) string {
	if alreadyClean(s) {
		return s
	}
	return collapseSpaces(foldWidth(s))
}

// cleanValue tidies a cell holding a label, a number or a date: like
// CleanText, but every non-Han character is NFKC-folded (（两年） reads as
// (两年), ２０２５．１．２ as 2025.1.2).
func cleanValue(s string) string {
	if alreadyClean(s) && norm.NFKC.IsNormalString(s) {
		return s
	}
	return collapseSpaces(foldNonHan(s))
}

// CleanName is CleanText for names and units, which also removes spaces
// between two Han characters: offices pad two-character names ("张　三")
// to line them up with three-character ones.
func CleanName(s string) string {
	s = CleanText(s)
	if !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		if r == ' ' && i > 0 && i < len(rs)-1 && isHan(rs[i-1]) && isHan(rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// alreadyClean reports whether cleaning would leave s as it is; printable
// ASCII without leading, trailing or doubled spaces is checked fast.
func alreadyClean(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return isClean(s)
		}
		if c == ' ' && prevSpace {
			return false
		}
		prevSpace = c == ' '
	}
	return !prevSpace || s == ""
}

// isClean reports whether cleaning would leave s as it is: no controls,
// format characters, full-width letters or digits, or spaces other than
// single inner ASCII spaces.
func isClean(s string) bool {
	prevSpace := true
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
		case r == utf8.RuneError, unicode.IsControl(r), unicode.IsSpace(r), unicode.Is(unicode.Cf, r), isFullWidthAlnum(r):
			return false
		}
		prevSpace = r == ' '
	}
	return !prevSpace
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isFullWidthAlnum reports a full-width form of an ASCII letter or digit.
func isFullWidthAlnum(r rune) bool {
	return r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ'
}

// foldNonHan applies NFKC to every run of non-Han characters, so that CJK
// compatibility ideographs are not replaced by their unified forms.
func foldNonHan(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := 0
	for i, r := range s {
		if !isHan(r) {
			continue
		}
		if start < i {
			b.WriteString(norm.NFKC.String(s[start:i]))
		}
		b.WriteRune(r)
		start = i + utf8.RuneLen(r)
	}
	if start < len(s) {
		b.WriteString(norm.NFKC.String(s[start:]))
	}
	return b.String()
}

// foldWidth folds full-width ASCII letters and digits and the ideographic
// space to ASCII, leaving everything else (CJK punctuation included).
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case isFullWidthAlnum(r):
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// collapseSpaces removes format characters (zero-width spaces, BOM, bidi
// marks), treats controls and Unicode spaces as one ASCII space, and trims.
func collapseSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFormula reports whether a cell would turn into a formula when written
// to a spreadsheet (models.StartsFormula), as typed, cleaned, or with its
// look-alikes folded (﹦ reads as =).
func isFormula(raw, clean string) bool {
	return models.StartsFormula(raw) || models.StartsFormula(clean) || models.StartsFormula(cleanValue(raw))
}

// isBlank reports whether a cell holds nothing but spaces and invisible
// characters.
func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// labelKey normalises a label or header for lookup: cleaned, lower case,
// without spaces, underscores, hyphens or a trailing required-marker "*".
func labelKey(s string) string {
	s = strings.ToLower(cleanValue(s))
	s = strings.TrimRight(s, "*")
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' {
			return -1
		}
		return r
	}, s)
}
