package handlers

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/huifang/huifang/models"
)

// loadKeys reads every message id of one language: locales/<lang>.toml
// and locales/<part>.<lang>.toml.
func loadKeys(t *testing.T, lang string) map[string]bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("locales", "*.toml"))
	keys := map[string]bool{}
	for _, f := range files {
		base := filepath.Base(f)
		if base != lang+".toml" && !strings.HasSuffix(base, "."+lang+".toml") {
			continue
		}
		var m map[string]any
		if _, err := toml.DecodeFile(f, &m); err != nil {
			t.Fatalf("decode %s: %v", f, err)
		}
		for k := range m {
			if keys[k] {
				t.Errorf("%s: message %q is defined twice", f, k)
			}
			keys[k] = true
		}
	}
	return keys
}

// TestCatalogue_Complete checks that zh and en hold the same messages and
// that every message the code asks for exists.
func TestCatalogue_Complete(t *testing.T) {
	zh, en := loadKeys(t, "zh"), loadKeys(t, "en")
	for k := range zh {
		if !en[k] {
			t.Errorf("en.toml lacks %q", k)
		}
	}
	for k := range en {
		if !zh[k] {
			t.Errorf("zh.toml lacks %q", k)
		}
	}
	for _, id := range usedIDs(t) {
		if !zh[id] {
			t.Errorf("message %q is used but not in the catalogue", id)
		}
	}
}

// usedIDs lists literal ids in the package's code plus every id built from
// a prefix and a code.
func usedIDs(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`(?:\.T|say|retry|toast|showChoices\([^,]+,[^,]+,)\(?"([a-z_]+)"`)
	var ids []string
	for _, f := range files {
		if filepath.Ext(f) == ".go" && !slices.Contains([]string{"i18n_test.go"}, f) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
				if strings.HasSuffix(m[1], "_") {
					continue // a prefix completed by a code: listed below
				}
				ids = append(ids, m[1])
			}
		}
	}
	if len(ids) < 50 {
		t.Fatalf("found only %d literal message ids: the pattern is broken", len(ids))
	}
	for _, st := range stepOrder {
		ids = append(ids, "q_"+st)
		if st != "problem" && st != "pay" {
			ids = append(ids, "f_"+st)
		}
	}
	for _, k := range []models.SanctionKind{models.PartyWarning, models.PartySeriousWarning, models.PartyPostRemoval,
		models.PartyProbation, models.PartyExpulsion, models.GovWarning, models.GovDemerit, models.GovMajorDemerit,
		models.GovDemotion, models.GovDismissal, models.GovExpulsion} {
		ids = append(ids, "kind_"+string(k))
	}
	for _, group := range []struct {
		prefix string
		codes  []string
	}{
		{"method_", methodCodes}, {"type_", typeCodes}, {"concl_", conclCodes}, {"rec_", recCodes},
		{"reason_", []string{"key", "before_expiry", "after_expiry", "routine", "planned"}},
		{"role_", []string{"admin", "supervisor", "inspector"}},
		{"cmd_", menuCommands},
	} {
		for _, c := range group.codes {
			ids = append(ids, group.prefix+c)
		}
	}
	return ids
}

func TestCatalogue_Languages(t *testing.T) {
	c, err := NewCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.lang(LangZH).T("btn_today"); got != "今天" {
		t.Errorf("zh btn_today = %q", got)
	}
	if got := c.lang(LangEN).T("btn_today"); got != "Today" {
		t.Errorf("en btn_today = %q", got)
	}
	if got := c.lang(LangZH).T("refusal", "ID", 42); !regexp.MustCompile(`<code>42</code>`).MatchString(got) {
		t.Errorf("refusal lacks the id: %q", got)
	}
}
