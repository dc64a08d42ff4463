package models

import (
	"strings"
	"unicode"
)

// formulaStarts are the characters that make a spreadsheet take a cell's
// text as a formula, with their full-width forms (which Excel also reads
// as formulas after its own folding, and which Chinese input methods type).
const formulaStarts = "=+-@＝＋－＠"

// StartsFormula reports whether text, once leading white space and
// invisible format characters are left out, starts with = + - @ or a
// full-width form of them: a cell holding it would become a formula when
// the text is exported to a spreadsheet (CSV injection). It is the one rule
// for every text taken for a field that may be exported: member fields,
// unit names, user names, the visit's free text.
func StartsFormula(text string) bool {
	for _, r := range text {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		return strings.ContainsRune(formulaStarts, r)
	}
	return false
}

// TrimFormula removes what makes text start a formula (see StartsFormula):
// leading white space, format characters and formula characters, for a
// text that cannot be refused, such as a Telegram profile name taken at
// registration. It returns "" when nothing else remains.
func TrimFormula(text string) string {
	return strings.TrimLeftFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(formulaStarts, r)
	})
}
