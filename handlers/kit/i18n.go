package kit

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the catalogue is complete in; the first is the default.
const (
	LangZH = "zh"
	LangEN = "en"
)

//go:embed locales/*.toml
var commonLocales embed.FS

// Locales are the message files of kit itself: the words every feature
// shares (buttons, sanction kinds, roles, dates, errors).
var Locales fs.FS = commonLocales

// Catalogue holds every user-visible string in zh and en: one go-i18n
// bundle loaded from the TOML files of kit and of every feature.
type Catalogue struct {
	zh, en *i18n.Localizer
	// simple holds the messages whose text is plain or only inserts
	// fields ({{.Name}}), per language, split once: go-i18n matches the
	// language and runs a text/template at every call, which was most of
	// the cost of rendering a step. Messages with other actions ({{if}})
	// go through go-i18n. Read-only after NewCatalogue.
	simple map[string]map[string]simpleMsg // lang → id → message
}

// NewCatalogue loads the message files of every given file system: each
// holds locales/<part>.<lang>.toml files (go-i18n takes the language from
// the last name part before the extension). A message defined twice is an
// error, so features cannot shadow each other's words.
func NewCatalogue(sets ...fs.FS) (*Catalogue, error) {
	b := i18n.NewBundle(language.Chinese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	seen := map[string]string{}
	simple := map[string]map[string]simpleMsg{}
	for _, set := range sets {
		files, err := fs.Glob(set, "locales/*.toml")
		if err != nil {
			return nil, fmt.Errorf("list message files: %w", err)
		}
		for _, f := range files {
			data, err := fs.ReadFile(set, f)
			if err != nil {
				return nil, fmt.Errorf("read message file %s: %w", f, err)
			}
			mf, err := b.ParseMessageFileBytes(data, path.Base(f))
			if err != nil {
				return nil, fmt.Errorf("load message file %s: %w", f, err)
			}
			lang := mf.Tag.String()
			for _, m := range mf.Messages {
				key := lang + "/" + m.ID
				if prev, ok := seen[key]; ok {
					return nil, fmt.Errorf("message %q (%s) is defined in %s and %s", m.ID, lang, prev, f)
				}
				seen[key] = f
				if sm, ok := compileSimple(m); ok {
					if simple[lang] == nil {
						simple[lang] = map[string]simpleMsg{}
					}
					simple[lang][m.ID] = sm
				}
			}
		}
	}
	return &Catalogue{zh: i18n.NewLocalizer(b, "zh"), en: i18n.NewLocalizer(b, "en"), simple: simple}, nil
}

// Lang returns the translator of lang (zh for anything but en).
func (c *Catalogue) Lang(lang string) Tr {
	if lang == LangEN {
		return Tr{lang: LangEN, loc: c.en, simple: c.simple[LangEN]}
	}
	return Tr{lang: LangZH, loc: c.zh, simple: c.simple[LangZH]}
}

// simpleMsg is a message split at its {{.Field}} actions: parts[i] is
// text, followed by the value of fields[i] (there is one part more than
// fields).
type simpleMsg struct {
	parts  []string
	fields []string
}

// compileSimple splits m's text if it has one form (no plurals) and every
// action in it is {{.Field}}, as text/template would read it.
func compileSimple(m *i18n.Message) (simpleMsg, bool) {
	if m.LeftDelim != "" || m.RightDelim != "" || m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" {
		return simpleMsg{}, false
	}
	var sm simpleMsg
	rest := m.Other
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			sm.parts = append(sm.parts, rest)
			return sm, true
		}
		end := strings.Index(rest[open:], "}}")
		if end < 0 {
			return simpleMsg{}, false
		}
		field := strings.TrimSpace(rest[open+2 : open+end])
		if !isFieldRef(field) {
			return simpleMsg{}, false
		}
		sm.parts = append(sm.parts, rest[:open])
		sm.fields = append(sm.fields, field[1:])
		rest = rest[open+end+2:]
	}
}

// isFieldRef reports whether s is ".Name" with Name an identifier.
func isFieldRef(s string) bool {
	if len(s) < 2 || s[0] != '.' {
		return false
	}
	for i, r := range s[1:] {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// execute fills sm's fields from kv as text/template prints them from a
// map: fmt's default format, "<no value>" for a missing or nil value.
func (sm simpleMsg) execute(kv []any) string {
	if len(sm.fields) == 0 {
		return sm.parts[0]
	}
	var b strings.Builder
	for i, f := range sm.fields {
		b.WriteString(sm.parts[i])
		switch v := lookupKV(kv, f).(type) {
		case string:
			b.WriteString(v)
		case nil:
			b.WriteString("<no value>")
		default:
			fmt.Fprint(&b, v)
		}
	}
	b.WriteString(sm.parts[len(sm.fields)])
	return b.String()
}

// lookupKV finds key's value in key/value pairs (nil if absent); a later
// pair wins, as in the map render builds.
func lookupKV(kv []any, key string) any {
	for i := (len(kv)/2 - 1) * 2; i >= 0; i -= 2 {
		if k, ok := kv[i].(string); ok && k == key {
			return kv[i+1]
		}
	}
	return nil
}

// Tr renders catalogue messages in one language.
type Tr struct {
	lang   string
	loc    *i18n.Localizer
	simple map[string]simpleMsg
}

// Lang is the translator's language, LangZH or LangEN.
func (t Tr) Lang() string { return t.lang }

// T renders message id with key/value pairs as template data. Values are
// inserted as given: callers escape user-supplied ones with Esc.
func (t Tr) T(id string, kv ...any) string {
	if sm, ok := t.simple[id]; ok {
		return sm.execute(kv)
	}
	return t.render(id, kv)
}

// render runs message id's template with key/value pairs kv.
func (t Tr) render(id string, kv []any) string {
	var data map[string]any
	if len(kv) > 0 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		// A missing message is a programming error caught by the catalogue
		// tests; show the id rather than nothing.
		return id
	}
	return s
}

// Date renders a calendar date: 2026年11月20日 in zh, 2026-11-20 in en.
func (t Tr) Date(d time.Time) string {
	if t.lang == LangEN {
		return d.Format("2006-01-02")
	}
	return d.Format("2006年1月2日")
}

// List joins already rendered items with the language's separator.
func (t Tr) List(items []string) string {
	if t.lang == LangEN {
		return strings.Join(items, ", ")
	}
	return strings.Join(items, "、")
}

// Labels renders codes through the messages prefix+code and joins them.
func (t Tr) Labels(prefix string, codes []string) string {
	labels := make([]string, len(codes))
	for i, c := range codes {
		labels[i] = t.T(prefix + c)
	}
	return t.List(labels)
}

// YesNo renders a yes/no answer.
func (t Tr) YesNo(v bool) string {
	if v {
		return t.T("btn_yes")
	}
	return t.T("btn_no")
}

// Esc escapes user-supplied text for Telegram's HTML parse mode.
func Esc(s string) string { return html.EscapeString(s) }

// LangFor picks the language for a person the bot does not know yet from
// Telegram's language_code hint.
func LangFor(code string) string {
	if len(code) >= 2 && code[:2] == "en" {
		return LangEN
	}
	return LangZH
}
