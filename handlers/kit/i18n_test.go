package kit

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// allLocales loads the message files of every package of the module (kit,
// the handlers, their features, export) into one catalogue.
func allLocales(t *testing.T) *Catalogue {
	t.Helper()
	dirs, err := filepath.Glob("../*")
	if err != nil {
		t.Fatal(err)
	}
	var sets []fs.FS
	for _, d := range append(dirs, "..", "../../export") {
		if files, _ := filepath.Glob(filepath.Join(d, "locales", "*.toml")); len(files) > 0 {
			sets = append(sets, os.DirFS(d))
		}
	}
	if len(sets) < 5 {
		t.Fatalf("found message files in %d packages only", len(sets))
	}
	cat, err := NewCatalogue(sets...)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestCatalogue_SimpleMatchesGoI18n checks the split messages (T's fast
// path) against go-i18n's rendering of the same message and data, with
// every field given (as text with HTML in it, as numbers, as nil), none
// given, and a key given twice.
func TestCatalogue_SimpleMatchesGoI18n(t *testing.T) {
	cat := allLocales(t)
	total, withFields := 0, 0
	for _, lang := range []string{LangZH, LangEN} {
		tr := cat.Lang(lang)
		for id, sm := range tr.simple {
			total++
			if len(sm.fields) > 0 {
				withFields++
			}
			var strs, nums, nils, twice []any
			for i, f := range sm.fields {
				strs = append(strs, f, "<b>"+f+"&amp;</b>")
				nums = append(nums, f, 1000+i)
				nils = append(nils, f, nil)
				twice = append(twice, f, "first", f, int64(-i))
			}
			for _, kv := range [][]any{strs, nums, nils, twice, nil, {"Unused", 1}} {
				want := tr.render(id, kv)
				if len(sm.fields) == 0 && sm.parts[0] == "" {
					// go-i18n refuses an empty message (render shows
					// the id); the catalogue means it (rp_review_).
					want = ""
				}
				if got := tr.T(id, kv...); got != want {
					t.Errorf("%s %s with %v: fast %q, go-i18n %q", lang, id, kv, got, want)
				}
			}
		}
	}
	if total < 500 || withFields < 50 {
		t.Errorf("only %d messages (%d with fields) take the fast path", total, withFields)
	}
	// Fields only: split; with {{if}}: left to go-i18n.
	if _, ok := cat.Lang(LangZH).simple["query_too_long"]; !ok {
		t.Error("query_too_long ({{.Max}}) is not split")
	}
	if _, ok := cat.Lang(LangZH).simple["st_title"]; ok {
		t.Error("st_title ({{if .Post}}) is split")
	}
}

func TestCompileSimple_Rejects(t *testing.T) {
	for _, text := range []string{"{{if .A}}x{{end}}", "a {{.A}", "{{ .A.B }}", "{{.1A}}", "{{- .A}}", "{{printf \"%d\" .A}}", "{{.}}"} {
		if _, ok := compileSimple(&i18n.Message{Other: text}); ok {
			t.Errorf("%q was split", text)
		}
	}
	sm, ok := compileSimple(&i18n.Message{Other: "a{{ .A }}b{{.B_2}}"})
	if !ok || len(sm.parts) != 3 || sm.fields[0] != "A" || sm.fields[1] != "B_2" {
		t.Errorf("split: %+v %v", sm, ok)
	}
}
