package handlers

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// keysOf reads every message id of one language from the message files of
// every feature.
func keysOf(t *testing.T, a *App, lang string) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	sets := []fs.FS{kit.Locales}
	for _, f := range a.reg.features {
		sets = append(sets, f.Locales)
	}
	for _, set := range sets {
		files, _ := fs.Glob(set, "locales/*."+lang+".toml")
		for _, f := range files {
			var m map[string]any
			b, err := fs.ReadFile(set, f)
			if err != nil {
				t.Fatal(err)
			}
			if err := toml.Unmarshal(b, &m); err != nil {
				t.Fatalf("decode %s: %v", f, err)
			}
			for k := range m {
				keys[k] = true
			}
		}
	}
	return keys
}

func testApp(t *testing.T) *App {
	t.Helper()
	a, err := New(Options{Store: nilStore{}, State: models.NewMemoryState()})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// nilStore satisfies Store for tests that never touch storage.
type nilStore struct{ Store }

// TestCatalogue_Complete checks that zh and en hold the same messages and
// that every message the code asks for exists: literal ids in the code of
// handlers and its features, and the ids the field tables derive.
func TestCatalogue_Complete(t *testing.T) {
	a := testApp(t)
	zh, en := keysOf(t, a, "zh"), keysOf(t, a, "en")
	for k := range zh {
		if !en[k] {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range en {
		if !zh[k] {
			t.Errorf("zh lacks %q", k)
		}
	}
	for _, id := range usedIDs(t) {
		if !zh[id] {
			t.Errorf("message %q is used but not in the catalogue", id)
		}
	}
	for _, name := range menu {
		if !zh["cmd_"+name] {
			t.Errorf("menu command %s has no description cmd_%s", name, name)
		}
	}
}

// literalID finds catalogue ids passed as literals to the rendering
// helpers: t.T.T("id"), Say("id"), Toast("id"), Ack("id"), Refuse("id").
var literalID = regexp.MustCompile(`(?:\.T|Say|Toast|Ack|Refuse)\("([a-z][a-z0-9_]*)"`)

// usedIDs lists the literal ids in the non-test Go files under handlers/.
func usedIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".go" || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range literalID.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], "_") { // a prefix completed by a code
				ids = append(ids, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 100 {
		t.Fatalf("found only %d literal message ids: the pattern is broken", len(ids))
	}
	for _, k := range []models.SanctionKind{models.PartyWarning, models.PartySeriousWarning, models.PartyPostRemoval,
		models.PartyProbation, models.PartyExpulsion, models.GovWarning, models.GovDemerit, models.GovMajorDemerit,
		models.GovDemotion, models.GovDismissal, models.GovExpulsion} {
		ids = append(ids, "kind_"+string(k))
	}
	for _, r := range []models.Role{models.RoleAdmin, models.RoleSupervisor, models.RoleInspector} {
		ids = append(ids, "role_"+string(r))
	}
	for _, r := range []models.DueReason{models.DueAnnual, models.DueInteractive, models.DueBeforeExpiry, models.DueAfterExpiry,
		models.DueKey, models.DueEnforcement, models.DueAgreed, models.DueFollowUp, models.DueRectify, models.DueRequest} {
		ids = append(ids, "reason_"+string(r))
	}
	return ids
}
