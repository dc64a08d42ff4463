package handlers

import (
	"embed"
	"fmt"
	"html"
	"io/fs"
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
var localeFS embed.FS

// Catalogue holds every user-visible string in zh and en (go-i18n bundle,
// TOML files embedded in the binary).
type Catalogue struct {
	zh, en *i18n.Localizer
}

// NewCatalogue loads the embedded message files.
func NewCatalogue() (*Catalogue, error) {
	b := i18n.NewBundle(language.Chinese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(localeFS, "locales/*.toml")
	if err != nil {
		return nil, fmt.Errorf("list message files: %w", err)
	}
	// zh.toml, en.toml and <part>.zh.toml, <part>.en.toml: go-i18n takes the
	// language from the last name part before the extension.
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(localeFS, f); err != nil {
			return nil, fmt.Errorf("load message file %s: %w", f, err)
		}
	}
	return &Catalogue{
		zh: i18n.NewLocalizer(b, "zh"),
		en: i18n.NewLocalizer(b, "en"),
	}, nil
}

// tr renders catalogue messages in one language.
type tr struct {
	lang string
	loc  *i18n.Localizer
}

func (c *Catalogue) lang(lang string) tr {
	if lang == LangEN {
		return tr{lang: LangEN, loc: c.en}
	}
	return tr{lang: LangZH, loc: c.zh}
}

// T renders message id with key/value pairs as template data. Values are
// inserted as given: callers escape user-supplied ones with esc.
func (t tr) T(id string, kv ...any) string {
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
		// test; show the id rather than nothing.
		return id
	}
	return s
}

// Date renders a calendar date: 2026年11月20日 in zh, 2026-11-20 in en.
func (t tr) Date(d time.Time) string {
	if t.lang == LangEN {
		return d.Format("2006-01-02")
	}
	return d.Format("2006年1月2日")
}

// esc escapes user-supplied text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// langFor picks the language for a person the bot does not know yet.
func langFor(code string) string {
	if len(code) >= 2 && code[:2] == "en" {
		return LangEN
	}
	return LangZH
}
