package bot

import (
	"html"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxText is the length budget of one message. Telegram allows 4096
// characters after entity parsing; we count UTF-16 units of the visible
// text (entities as 2, tags as 0), which is never less than Telegram's count.
const maxText = 4000

// openTag is an element open at some point of the text.
type openTag struct {
	name string
	raw  string // the whole start tag, to reopen it in the next part
}

// splitHTML cuts Telegram-HTML text into parts of at most limit visible
// units. It prefers to cut after a newline, otherwise between two runes,
// never inside a tag or an entity. Elements open at a cut are closed at the
// end of the part and reopened at the start of the next. Parts with no
// visible text are dropped.
func splitHTML(text string, limit int) []string {
	var parts []string
	var reopen []openTag
	for start := 0; start < len(text); {
		cut, stack := nextCut(text, start, reopen, limit)
		var b strings.Builder
		for _, t := range reopen {
			b.WriteString(t.raw)
		}
		b.WriteString(text[start:cut])
		for i := len(stack) - 1; i >= 0; i-- {
			b.WriteString("</" + stack[i].name + ">")
		}
		if part := b.String(); strings.TrimSpace(PlainText(part)) != "" {
			parts = append(parts, part)
		}
		start, reopen = cut, stack
	}
	return parts
}

// nextCut scans text from start, with the elements open there, and returns
// where the part ends and the elements open at that point.
func nextCut(text string, start int, open []openTag, limit int) (int, []openTag) {
	stack := append([]openTag(nil), open...)
	lineCut, lineStack := -1, []openTag(nil)
	used := 0
	for i := start; i < len(text); {
		size, width, tag := atom(text, i)
		if used+width > limit && used > 0 {
			if lineCut > start {
				return lineCut, lineStack
			}
			return i, stack
		}
		used += width
		if tag != "" {
			stack = applyTag(stack, tag)
		}
		i += size
		if text[i-size] == '\n' {
			lineCut, lineStack = i, append([]openTag(nil), stack...)
		}
	}
	return len(text), stack
}

// atom measures the indivisible piece of text at i: a tag (returned whole in
// tag, width 0), an entity (width 2) or one rune (its UTF-16 length).
func atom(text string, i int) (size, width int, tag string) {
	switch text[i] {
	case '<':
		if end := strings.IndexByte(text[i:], '>'); end > 0 {
			return end + 1, 0, text[i : i+end+1]
		}
	case '&':
		if end := strings.IndexByte(text[i:], ';'); end > 1 && end <= 10 && !strings.ContainsAny(text[i+1:i+end], " \n&<") {
			return end + 1, 2, ""
		}
	}
	r, size := utf8.DecodeRuneInString(text[i:])
	if n := utf16.RuneLen(r); n > 0 {
		return size, n, ""
	}
	return size, 1, ""
}

// applyTag pushes a start tag or pops up to the matching end tag.
func applyTag(stack []openTag, tag string) []openTag {
	name := tagName(tag)
	if name == "" {
		return stack
	}
	if !strings.HasPrefix(tag, "</") {
		return append(stack, openTag{name: name, raw: tag})
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].name == name {
			return stack[:i]
		}
	}
	return stack
}

// tagName is the lower-case element name of a tag such as <a href="…"> or </b>.
func tagName(tag string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "<"), "/")
	end := strings.IndexAny(s, " \t\n/>")
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

// PlainText strips the tags of Telegram-HTML text and unescapes its entities.
func PlainText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				i += end + 1
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return html.UnescapeString(b.String())
}
