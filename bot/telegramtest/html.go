package telegramtest

import (
	"html"
	"strings"
	"unicode/utf16"
)

// allowedTags are the elements of Telegram's HTML parse mode.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// checkText returns Telegram's error description for a text it would
// reject, or "": empty, unbalanced or unknown HTML tags, over 4096 UTF-16
// units after entity parsing.
func checkText(text, parseMode string) string {
	visible := text
	if strings.EqualFold(parseMode, "HTML") {
		var desc string
		visible, desc = parseHTML(text)
		if desc != "" {
			return desc
		}
	}
	if strings.TrimSpace(visible) == "" {
		return "Bad Request: message text is empty"
	}
	if len(utf16.Encode([]rune(visible))) > 4096 {
		return "Bad Request: message is too long"
	}
	return ""
}

// parseHTML checks the tags and returns the visible text.
func parseHTML(text string) (string, string) {
	var b strings.Builder
	var stack []string
	for i := 0; i < len(text); {
		if text[i] != '<' {
			b.WriteByte(text[i])
			i++
			continue
		}
		end := strings.IndexByte(text[i:], '>')
		if end < 0 {
			return "", "Bad Request: can't parse entities: unclosed start tag"
		}
		tag := text[i+1 : i+end]
		i += end + 1
		closing := strings.HasPrefix(tag, "/")
		name := strings.ToLower(strings.Fields(strings.TrimPrefix(tag, "/") + " ")[0])
		if !allowedTags[name] {
			return "", "Bad Request: can't parse entities: unsupported start tag \"" + name + "\""
		}
		if !closing {
			stack = append(stack, name)
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != name {
			return "", "Bad Request: can't parse entities: can't find end tag corresponding to start tag"
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		return "", "Bad Request: can't parse entities: can't find end tag corresponding to start tag \"" + stack[len(stack)-1] + "\""
	}
	return html.UnescapeString(b.String()), ""
}
