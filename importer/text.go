package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cleanText folds full-width ASCII and Unicode spaces (NFKC outside Han
// characters, which stay as typed), drops zero-width and other format
// characters, turns control characters into spaces, collapses runs of
// spaces and trims.
func cleanText(s string) string {
	if alreadyClean(s) {
		return s
	}
	return collapseSpaces(foldNonHan(s))
}

// cleanName is cleanText for names and units, which also removes spaces
// between two Han characters: offices pad two-character names ("张　三")
// to line them up with three-character ones.
func cleanName(s string) string {
	s = cleanText(s)
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
// format characters or spaces other than single inner ASCII spaces, and
// already in NFKC (which Han characters are, but for the compatibility
// ideographs, which then take the slow path).
func isClean(s string) bool {
	prevSpace := true
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
		case r == utf8.RuneError, unicode.IsControl(r), unicode.IsSpace(r), unicode.Is(unicode.Cf, r):
			return false
		}
		prevSpace = r == ' '
	}
	return !prevSpace && norm.NFKC.IsNormalString(s)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

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
// to a spreadsheet: its text, after leading spaces, tabs or line breaks,
// starts with =, +, - or @ (full-width forms included, via the cleaned text).
func isFormula(raw, clean string) bool {
	t := strings.TrimLeftFunc(raw, unicode.IsSpace)
	return startsFormula(t) || startsFormula(clean)
}

func startsFormula(s string) bool {
	return s != "" && strings.IndexByte("=+-@", s[0]) >= 0
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
	s = strings.ToLower(cleanText(s))
	s = strings.TrimRight(s, "*")
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' {
			return -1
		}
		return r
	}, s)
}
