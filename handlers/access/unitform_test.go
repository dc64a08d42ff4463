package access

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

var today = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// sampleTree is a root (1) with two children (2, 3), 2 with a child (4),
// and a second unit called 支部 under 3 (5) besides 4.
var sampleTree = []models.Unit{
	{ID: 1, Name: "纪委", Path: "/1/"},
	{ID: 2, Name: "东湖镇", Path: "/1/2/", ParentID: ptr(uint64(1))},
	{ID: 4, Name: "支部", Path: "/1/2/4/", ParentID: ptr(uint64(2))},
	{ID: 3, Name: "西山", Path: "/1/3/", ParentID: ptr(uint64(1))},
	{ID: 5, Name: "支部", Path: "/1/3/5/", ParentID: ptr(uint64(3))},
}

func ptr[T any](v T) *T { return &v }

func catalogue(t *testing.T) *kit.Catalogue {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, locales)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// turn is a turn of an admin over cat, for the hooks that render.
func turn(cat *kit.Catalogue) *kit.Turn {
	env := &kit.Env{Cat: cat, Loc: time.UTC, Now: func() time.Time { return today }}
	return kit.NewTurn(context.Background(), env, kit.Input{}, models.User{Role: models.RoleAdmin}, &kit.State{}, nil)
}

// TestUnitForms_Table checks each form: a valid table, the order of its
// questions, and every message it uses in zh and en.
func TestUnitForms_Table(t *testing.T) {
	forms := New(nil, nil, nil).forms
	cat := catalogue(t)
	order := map[string][]string{
		kindAdd: {fName, fParent}, kindRename: {fUnit, fName}, kindMove: {fUnit, fParent}, kindDelete: {fUnit, fConfirm},
		kindInvite: {fUnit}, kindAddUser: {fUnit}, kindRenameUser: {fName},
	}
	for kind, want := range order {
		f := forms[kind]
		if err := f.Check(); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		var got []string
		d := &draft{Kind: kind}
		for step := f.Next(d, ""); step != wizard.StepReview; step = f.Next(d, step) {
			got = append(got, step)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s asks %v, want %v", kind, got, want)
		}
		if f.Done == nil || f.Cancel == nil || f.Review != nil || !f.NoBack {
			t.Errorf("%s: Done after the last answer, Cancel and no Back, no review card", kind)
		}
		for _, lang := range []string{kit.LangZH, kit.LangEN} {
			tr := cat.Lang(lang)
			for _, id := range append(f.CatalogueKeys(), "ac_btn_top", f.CancelLabel) {
				if tr.T(id) == id {
					t.Errorf("%s, %s: no message %q", kind, lang, id)
				}
			}
		}
	}
	if len(forms) != len(order) {
		t.Errorf("%d forms, want %d", len(forms), len(order))
	}
}

// TestUnitForms_Apply is the pure step of the typed answers: (draft,
// field, text) → the value kept, or a refusal that leaves the draft as it
// was.
func TestUnitForms_Apply(t *testing.T) {
	forms := New(nil, nil, nil).forms
	for _, tc := range []struct {
		name, kind, field, answer string
		want                      string // the value stored
		refused                   string // or the refusal's message id
	}{
		{name: "name", kind: kindAdd, field: fName, answer: " 东湖新区党支部 ", want: "东湖新区党支部"},
		{name: "name with digits", kind: kindRename, field: fName, answer: "第2支部", want: "第2支部"},
		{name: "name only digits", kind: kindAdd, field: fName, answer: "12345", refused: "ac_unit_name_invalid"},
		{name: "name too long", kind: kindAdd, field: fName, answer: strings.Repeat("很", 65), refused: "ac_unit_name_invalid"},
		{name: "name of 64", kind: kindAdd, field: fName, answer: strings.Repeat("很", 64), want: strings.Repeat("很", 64)},
		{name: "name two lines", kind: kindRename, field: fName, answer: "东湖\n支部", refused: "ac_unit_name_invalid"},
		{name: "name formula", kind: kindAdd, field: fName, answer: "=HYPERLINK(\"x\")", refused: "ac_unit_name_invalid"},
		{name: "name full-width formula", kind: kindRename, field: fName, answer: "＠东湖", refused: "ac_unit_name_invalid"},
		{name: "name with a hyphen", kind: kindAdd, field: fName, answer: "东湖-一村", want: "东湖-一村"},
		{name: "confirm typed", kind: kindDelete, field: fConfirm, answer: "好的", refused: "ac_use_buttons"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := forms[tc.kind]
			d := &draft{Kind: tc.kind, tree: sampleTree}
			err := f.Apply(d, f.Field(tc.field), tc.answer, today)
			var p *kit.Problem
			switch {
			case tc.refused != "" && (!errors.As(err, &p) || p.ID != tc.refused):
				t.Fatalf("err = %v, want refusal %s", err, tc.refused)
			case tc.refused != "" && d.Get(tc.field) != "":
				t.Fatalf("refused answer changed the draft: %q", d.Get(tc.field))
			case tc.refused == "" && (err != nil || d.Get(tc.field) != tc.want):
				t.Fatalf("value = %q, err %v; want %q", d.Get(tc.field), err, tc.want)
			}
		})
	}
}

// TestUnitForms_Pick: the units offered and found by typing, the moving
// unit's subtree left out of its parents, "top level" where it means
// something.
func TestUnitForms_Pick(t *testing.T) {
	tr := turn(catalogue(t))
	codes := func(opts []wizard.Option) []string {
		var out []string
		for _, o := range opts {
			out = append(out, o.Code)
		}
		return out
	}
	d := &draft{Kind: kindMove, tree: sampleTree}
	all, _ := unitOptions(tr, d)
	if got := codes(all); !slices.Equal(got, []string{"1", "2", "4", "3", "5"}) || all[2].Label != "··支部" {
		t.Fatalf("options = %+v", all)
	}
	d.Set(fUnit, "2")
	parents, _ := parentOptions(tr, d)
	if got := codes(parents); !slices.Equal(got, []string{"1", "3", "5"}) {
		t.Fatalf("parents of a moved 2 = %v", got)
	}
	if sc := topShortcut(tr, d); len(sc) != 1 || sc[0].Code != topLevel {
		t.Fatalf("top level for a unit with a parent: %+v", sc)
	}
	d.Set(fUnit, "1")
	if sc := topShortcut(tr, d); len(sc) != 0 {
		t.Fatalf("top level offered to a top unit: %+v", sc)
	}
	d.Set(fUnit, "2")
	for _, tc := range []struct {
		text    string
		codes   []string
		refused string
	}{
		{text: "西山", codes: []string{"3"}},
		{text: "xs", codes: []string{"3"}},
		{text: "3", codes: []string{"3"}},
		{text: "4", refused: "ac_move_into_self"},
		{text: "东湖镇", refused: "ac_move_into_self"},
		{text: "支部", codes: []string{"5"}}, // 4 lies in the moved unit
		{text: "99", refused: "ac_unit_not_found"},
		{text: "南湖", refused: "ac_unit_not_found"},
	} {
		opts, err := resolveParent(tr, d, tc.text)
		var p *kit.Problem
		switch {
		case tc.refused != "" && (!errors.As(err, &p) || p.ID != tc.refused):
			t.Errorf("%q: err = %v, want %s", tc.text, err, tc.refused)
		case tc.refused == "" && (err != nil || !slices.Equal(codes(opts), tc.codes)):
			t.Errorf("%q: %+v, %v; want %v", tc.text, opts, err, tc.codes)
		}
	}
	opts, err := resolveUnit(tr, d, "支部")
	if err != nil || !slices.Equal(codes(opts), []string{"4", "5"}) || opts[0].Label != "支部 · 东湖镇" || opts[1].Label != "支部 · 西山" {
		t.Errorf("支部: %+v, %v; want both, told apart by their parents", opts, err)
	}
	if opts, err := resolveUnit(tr, d, "东湖镇"); err != nil || len(opts) != 1 || opts[0].Code != "2" {
		t.Errorf("unit 东湖镇: %+v, %v", opts, err)
	}
}

func TestInviteCode(t *testing.T) {
	for text, want := range map[string]string{
		"/start abc123":           "abc123",
		"/start@huifang_bot A-b_": "A-b_",
		" 0123abcd ":              "0123abcd",
		"/start":                  "",
		"/start a*b":              "",
		"/help abc":               "",
		"你好":                      "",
		"hello world":             "",
		strings.Repeat("a", 65):   "",
	} {
		if got := inviteCode(text); got != want {
			t.Errorf("inviteCode(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for s, want := range map[string]models.Role{
		"admin": models.RoleAdmin, "ADMIN": models.RoleAdmin, "管理员": models.RoleAdmin,
		"supervisor": models.RoleSupervisor, "分管领导": models.RoleSupervisor, "负责人": models.RoleSupervisor,
		"inspector": models.RoleInspector, "回访员": models.RoleInspector, "回访人员": models.RoleInspector,
		"boss": "", "": "",
	} {
		got, ok := parseRole(s)
		if got != want || ok != (want != "") {
			t.Errorf("parseRole(%q) = %q, %v", s, got, ok)
		}
	}
}
