package roster

import (
	"strings"
	"time"
	"unicode"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// cleanLine checks a one-line answer: it collapses runs of white space and
// refuses control characters and a leading = + - @ (which would turn into a
// formula when the roster is exported to Excel).
func cleanLine(text string, limit int) (string, error) {
	v := importer.CleanText(text)
	switch {
	case v == "":
		return "", kit.Refuse("ro_empty")
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		return "", kit.Refuse("ro_bad_chars")
	case models.StartsFormula(v):
		return "", kit.Refuse("ro_formula")
	}
	if n := kit.RuneLen(v); n > limit {
		return "", kit.Refuse("too_long", "Max", limit, "N", n)
	}
	return v, nil
}

// line is the Parse hook of a one-line answer of at most limit characters.
func line(limit int) func(*Draft, string, time.Time) (string, error) {
	return func(_ *Draft, text string, _ time.Time) (string, error) { return cleanLine(text, limit) }
}
