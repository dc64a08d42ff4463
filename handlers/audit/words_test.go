package audit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
)

// The store's source is read to find what it writes: every detail literal
// ("unit=%d parent=%d"), every audit action of models/audit.go, and the
// reasons of a failed redemption.
const (
	storeDir  = "../../models/sqlstore"
	actionsGo = "../../models/audit.go"
)

// detailLiteral is a string literal made of key=value words only.
var detailLiteral = regexp.MustCompile(`^(\s*[a-z_]+=(%[a-z]|[a-z_]*))+\s*$`)

// storeLiterals returns the string literals of the store's code.
func storeLiterals(t *testing.T, files ...string) []string {
	t.Helper()
	var out []string
	for _, f := range files {
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				s, _ := strconv.Unquote(bl.Value)
				out = append(out, s)
			}
			return true
		})
	}
	return out
}

func storeFiles(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(storeDir, "*.go"))
	if err != nil || len(all) == 0 {
		t.Fatalf("no store sources: %v", err)
	}
	var files []string
	for _, f := range all {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	return files
}

func catalogue(t *testing.T) *kit.Catalogue {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, locales, visit.New(nil).Feature().Locales)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestAudit_EveryDetailHasWords: each key the store writes in a detail,
// and each coded value, has its words in zh and en, and detailText knows
// how to show it.
func TestAudit_EveryDetailHasWords(t *testing.T) {
	cat := catalogue(t)
	var src []byte
	for _, f := range storeFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	// A failed redemption's reasons: redeemFailure{reason: "…"}, fail("…",
	// …) and the map of the invitation's states.
	reasons := regexp.MustCompile(`(?:reason:\s*|fail\(|models\.ErrInvite\w+:\s*)"([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(reasons) < 8 {
		t.Fatalf("found %d redemption reasons: the pattern is broken", len(reasons))
	}
	var keys int
	for _, lit := range storeLiterals(t, storeFiles(t)...) {
		if !detailLiteral.MatchString(lit) {
			continue
		}
		for _, word := range strings.Fields(lit) {
			key, val, _ := strings.Cut(word, "=")
			keys++
			kind, ok := detailKeys[key]
			if key == "op" {
				continue // a refusal names the action refused
			}
			if !ok {
				t.Errorf("detail key %q (in %q) has no place in detailKeys", key, lit)
			}
			var ids []string
			ids = append(ids, "ed_key_"+key)
			switch {
			case kind == vCode && val == "%t":
				ids = append(ids, "ed_val_"+key+"_true", "ed_val_"+key+"_false")
			case kind == vCode && key == "reason":
				for _, r := range reasons {
					ids = append(ids, "ed_val_reason_"+r[1])
				}
			case kind == vCode && !strings.HasPrefix(val, "%"):
				ids = append(ids, "ed_val_"+key+"_"+val)
			}
			for _, lang := range []string{kit.LangZH, kit.LangEN} {
				for _, id := range ids {
					if tr := cat.Lang(lang); tr.T(id) == id {
						t.Errorf("%s: no words for %q", lang, id)
					}
				}
			}
		}
	}
	if keys < 40 {
		t.Fatalf("found %d detail keys: the pattern is broken", keys)
	}
}

// TestAudit_EveryActionHasWords: each audit action of models has its
// label in zh and en.
func TestAudit_EveryActionHasWords(t *testing.T) {
	cat := catalogue(t)
	var actions []string
	for _, lit := range storeLiterals(t, actionsGo) {
		if kit.IsToken(lit) {
			actions = append(actions, lit)
		}
	}
	if len(actions) < 30 {
		t.Fatalf("found %d actions: the pattern is broken", len(actions))
	}
	for _, a := range actions {
		for _, lang := range []string{kit.LangZH, kit.LangEN} {
			if tr := cat.Lang(lang); tr.T("ed_act_"+a) == "ed_act_"+a {
				t.Errorf("%s: action %q has no label", lang, a)
			}
		}
	}
}

// TestDetailText: how details read.
func TestDetailText(t *testing.T) {
	cat := catalogue(t)
	zh, en := cat.Lang(kit.LangZH), cat.Lang(kit.LangEN)
	for _, tc := range []struct {
		tr             kit.Tr
		action, detail string
		want           string
	}{
		{zh, "member_update", "fields=assignee_id,interval_months", "修改项：互动式回访人员、回访间隔"},
		{en, "member_update", "fields=assignee_id,interval_months", "changed: inspector of interactive visits, visit interval"},
		{zh, "visit_edit", "version=2 fields=conclusion,next_visit", "版本：2，修改项：回访结论、下次回访"},
		{zh, "followup_done", "fields=feedback_unit,branch_informed", "修改项：已向所在单位反馈、已向所在党支部通报"},
		{zh, "view_digest", "since=2026-11-13 items=4", "起始日期：2026年11月13日，待办事项：4"},
		{zh, "view_due", "n=2", "显示人数：2"},
		{zh, "unit_create", "unit=9 parent=0", "单位：#9，上级单位：顶级"},
		{zh, "invite_create", "invitation=3 role=inspector unit=2 bound=0", "邀请：#3，角色：回访人员，单位：#2"},
		{zh, "invite_redeem_failed", "invitation=0 reason=unknown", "原因：无此邀请码"},
		{zh, "import", "members_new=1 members_updated=0 sanctions_new=0 sanctions_updated=0 unchanged=0 rejected=2 apply=false",
			"新增人员：1，更新人员：0，新增处分：0，更新处分：0，未变：0，被拒绝的行：2，方式：仅预览"},
		{zh, "view_audit", "actor=0 member=4 before=0 results=3", "筛选人员：4，结果数：3"},
		{zh, "sanction_create", "sanction=5 kind=gov_demotion", "处分：#5，种类：降级"},
		{zh, "snooze", "result=not_found key=m1:<x> until=2026-12-01", "结果：未找到，事项：m1:&lt;x&gt;，推迟到：2026年12月1日"},
		{zh, "add_user", "user=555 role=boss new=1", "用户：<code>555</code>，角色：boss，new=1"},
	} {
		if got := detailText(tc.tr, tc.action, tc.detail); got != tc.want {
			t.Errorf("%s %q = %q, want %q", tc.action, tc.detail, got, tc.want)
		}
	}
}
