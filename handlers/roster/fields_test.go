package roster

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

var today = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

// forms are the roster's forms by name, built without a store: the pure
// parts (order, parsing, checks) need none.
func forms() map[string]*wizard.Form[*Draft] {
	r := New(nil)
	return map[string]*wizard.Form[*Draft]{"member": r.member, "memberEdit": r.memberEdit,
		"sanction": r.sanction, "assign": r.assign, "appraise": r.appraise,
		"restore": r.ends[endRestore], "lift": r.ends[endLift], "extend": r.ends[endExtend]}
}

// keysOf reads every message id of one language from the files of kit and
// of the roster.
func keysOf(t *testing.T, lang string) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, set := range []fs.FS{kit.Locales, locales} {
		files, _ := fs.Glob(set, "locales/*."+lang+".toml")
		for _, f := range files {
			b, err := fs.ReadFile(set, f)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
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

// TestForms_Table checks every form's table and that each message it
// derives is in both languages.
func TestForms_Table(t *testing.T) {
	zh, en := keysOf(t, "zh"), keysOf(t, "en")
	for name, f := range forms() {
		if err := f.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, id := range f.CatalogueKeys() {
			if !zh[id] || !en[id] {
				t.Errorf("%s: message %q missing (zh %t, en %t)", name, id, zh[id], en[id])
			}
		}
	}
}

// TestCatalogue_ImportReasons checks that every rejection code of the
// importer and of models has a message in both languages, and every
// column, rank and kind a label.
func TestCatalogue_ImportReasons(t *testing.T) {
	zh, en := keysOf(t, "zh"), keysOf(t, "en")
	codes := append(importer.ReasonCodes(), models.RejectRequired, models.RejectTooLong, models.RejectInvalidValue,
		models.RejectDateOutOfRange, models.RejectEffectiveBeforeDecision, models.RejectUnitNotFound,
		models.RejectUnitAmbiguous, models.RejectUnitOutOfScope, models.RejectMemberNotFound,
		models.RejectMemberAmbiguous, models.RejectDuplicateInFile, models.RejectDecisionNoOtherMember)
	var ids []string
	for _, c := range codes {
		ids = append(ids, "ro_reason_"+c)
	}
	for _, f := range modelFields {
		ids = append(ids, "ro_col_"+f)
	}
	for _, c := range rankCodes {
		ids = append(ids, "rank_"+c)
	}
	for _, c := range kindCodes {
		ids = append(ids, "kind_"+c)
	}
	for _, f := range cardFields {
		ids = append(ids, "ro_f_"+f)
	}
	for _, id := range ids {
		if !zh[id] || !en[id] {
			t.Errorf("message %q missing (zh %t, en %t)", id, zh[id], en[id])
		}
	}
}

// TestApply is the pure step of every form: (draft, field, typed answer,
// today) → the value stored, or a refusal that leaves the draft as it was.
func TestApply(t *testing.T) {
	all := forms()
	sanctionDraft := func() *Draft {
		d := &Draft{Kind: kindSanction, MemberID: 3}
		d.Set("kind", string(models.GovDemerit))
		d.Set("decided", "2025-03-10")
		return d
	}
	restoreDraft := func() *Draft {
		return &Draft{Kind: kindLift, End: endRestore, SKind: string(models.PartyProbation), Decided: "2025-03-10", PeriodEnd: "2026-03-10"}
	}
	for _, tc := range []struct {
		name, form, field, answer string
		draft                     func() *Draft
		want                      string // the value stored
		refused                   string // or the refusal's message id
	}{
		{name: "name", form: "member", field: "name", answer: "王　小明", want: "王小明"},
		{name: "name spaces", form: "member", field: "name", answer: " 李  四 ", want: "李四"},
		{name: "name formula", form: "member", field: "name", answer: "=HYPERLINK(1)", refused: "ro_formula"},
		{name: "name full-width formula", form: "member", field: "name", answer: "＠某人", refused: "ro_formula"},
		{name: "name too long", form: "member", field: "name", answer: strings.Repeat("名", 65), refused: "too_long"},
		{name: "post", form: "member", field: "post", answer: "村会计 <b>", want: "村会计 <b>"},
		{name: "post blank", form: "member", field: "post", answer: "\u200b", refused: "ro_empty"},
		{name: "post too long", form: "member", field: "post", answer: strings.Repeat("职", 129), refused: "too_long"},
		{name: "rank typed", form: "member", field: "rank", answer: "其他", refused: "use_buttons"},
		{name: "reason", form: "member", field: "reason", answer: "对处分有抵触", want: "对处分有抵触",
			draft: func() *Draft { d := &Draft{}; d.Set("key", "y"); return d }},
		{name: "reason too long", form: "member", field: "reason", answer: strings.Repeat("因", 257), refused: "too_long"},
		{name: "decision no", form: "sanction", field: "no", answer: "示纪发〔2025〕99号", want: "示纪发〔2025〕99号"},
		{name: "decision no too long", form: "sanction", field: "no", answer: strings.Repeat("号", 65), refused: "too_long"},
		{name: "decided", form: "sanction", field: "decided", answer: "2025年3月10日", want: "2025-03-10"},
		{name: "decided future", form: "sanction", field: "decided", answer: "2026-12-04", refused: "ro_date_future"},
		{name: "decided no such day", form: "sanction", field: "decided", answer: "2025-02-30", refused: "date_invalid"},
		{name: "decided gibberish", form: "sanction", field: "decided", answer: "去年", refused: "date_format"},
		{name: "effective", form: "sanction", field: "effective", answer: "2025年3月15日", want: "2025-03-15", draft: sanctionDraft},
		{name: "effective before decision", form: "sanction", field: "effective", answer: "2025-03-01",
			refused: "ro_date_before_decision", draft: sanctionDraft},
		{name: "effective in the future", form: "sanction", field: "effective", answer: "2027-01-01", want: "2027-01-01", draft: sanctionDraft},
		{name: "kind typed", form: "sanction", field: "kind", answer: "记过", refused: "use_buttons"},
		{name: "interval typed", form: "assign", field: "interval", answer: "5", want: "5"},
		{name: "interval full width", form: "assign", field: "interval", answer: "３", want: "3"},
		{name: "interval too long", form: "assign", field: "interval", answer: "30", refused: "ro_interval_range"},
		{name: "interval zero", form: "assign", field: "interval", answer: "0", refused: "ro_interval_range"},
		{name: "interval words", form: "assign", field: "interval", answer: "三个月", refused: "ro_interval_range"},
		{name: "assignee typed", form: "assign", field: "assign", answer: "演示回访人员", refused: "use_buttons"},
		{name: "restore date", form: "restore", field: "restore_date", answer: "2026-03-10", want: "2026-03-10", draft: restoreDraft},
		{name: "restore date future", form: "restore", field: "restore_date", answer: "2026-12-04", refused: "ro_date_future", draft: restoreDraft},
		{name: "restore before the probation ends", form: "restore", field: "restore_date", answer: "2026-03-09",
			refused: "ro_restore_before_end", draft: restoreDraft},
		{name: "restore no", form: "restore", field: "restore_no", answer: "示纪发〔2026〕100号", want: "示纪发〔2026〕100号", draft: restoreDraft},
		{name: "lift no", form: "lift", field: "lift_no", answer: "示监发〔2026〕100号", want: "示监发〔2026〕100号"},
		{name: "extend no", form: "extend", field: "extend_no", answer: "示纪发〔2026〕7号", want: "示纪发〔2026〕7号"},
		{name: "appraisal date future", form: "appraise", field: "appraisal_date", answer: "2026-12-04", refused: "ro_date_future"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Draft{}
			if tc.draft != nil {
				d = tc.draft()
			}
			f := all[tc.form]
			before := d.Get(tc.field)
			err := f.Apply(d, f.Field(tc.field), tc.answer, today)
			var p *kit.Problem
			switch {
			case tc.refused != "" && (!errors.As(err, &p) || p.ID != tc.refused):
				t.Fatalf("err = %v, want refusal %s", err, tc.refused)
			case tc.refused != "" && d.Get(tc.field) != before:
				t.Fatalf("refused answer changed the draft: %q", d.Get(tc.field))
			case tc.refused == "" && (err != nil || d.Get(tc.field) != tc.want):
				t.Fatalf("value = %q, err %v; want %q", d.Get(tc.field), err, tc.want)
			}
		})
	}
}

// TestApply_Clears: an answer that makes others inapplicable or wrong
// clears them.
func TestApply_Clears(t *testing.T) {
	all := forms()
	d := &Draft{}
	all["sanction"].Set(d, "kind", string(models.PartyProbation))
	all["sanction"].Set(d, "probation", "24")
	all["sanction"].Set(d, "decided", "2025-03-10")
	all["sanction"].Set(d, "effective", "2025-03-15")
	if err := all["sanction"].Apply(d, all["sanction"].Field("decided"), "2025-03-20", today); err != nil {
		t.Fatal(err)
	}
	if d.Get("effective") != "" {
		t.Errorf("effective = %q, want cleared by a later decision", d.Get("effective"))
	}
	all["sanction"].Set(d, "kind", string(models.GovDemerit))
	if d.Get("probation") != "" || probationMonths(d) != 0 {
		t.Errorf("probation = %q, want cleared with another kind", d.Get("probation"))
	}
	m := &Draft{}
	all["member"].Set(m, "key", "y")
	all["member"].Set(m, "reason", "有对立情绪")
	all["member"].Set(m, "key", "n")
	if m.Get("reason") != "" {
		t.Errorf("reason = %q, want cleared when not a key target", m.Get("reason"))
	}
	a := &Draft{Assignee: 7}
	all["assign"].Set(a, "interval", "3")
	all["assign"].Set(a, "assign", noAssignee)
	if a.Get("interval") != "" || all["assign"].Next(a, "assign") != wizard.StepReview {
		t.Errorf("clearing the assignment still asks the interval: %v", a.Values)
	}
}

// TestReviewTexts renders the two review cards' answers.
func TestReviewTexts(t *testing.T) {
	cat, err := kit.NewCatalogue(kit.Locales, locales)
	if err != nil {
		t.Fatal(err)
	}
	tr := cat.Lang(kit.LangZH)
	r := New(nil)
	d := &Draft{MemberName: "孙八"}
	for k, v := range map[string]string{"kind": string(models.PartyProbation), "probation": "24", "no": "示纪发〔2025〕99号",
		"decided": "2025-03-10", "effective": "2025-03-15"} {
		d.Set(k, v)
	}
	got := r.sanctionText(tr, d, today)
	for _, want := range []string{"人员：孙八", "<b>处分种类</b>：留党察看二年", "<b>文号</b>：示纪发〔2025〕99号",
		"<b>决定日期</b>：2025年3月10日", "<b>生效日期</b>：2025年3月15日", "<b>处分期间</b>：察看期至 2027年3月15日（还有 102 天）"} {
		if !strings.Contains(got, want) {
			t.Errorf("sanction review lacks %q:\n%s", want, got)
		}
	}
	m := &Draft{}
	for k, v := range map[string]string{"name": "王小明", "unit": "5", "rank": "civil_servant", "key": "y", "reason": "<不服>"} {
		m.Set(k, v)
	}
	m.Labels = map[string]string{"unit": indent + indent + "东湖村党支部（演示）"}
	got = r.member.Lines(tr, m)
	for _, want := range []string{"<b>单位</b>：东湖村党支部（演示）", "<b>职务</b>：（无）", "<b>人员类别</b>：国家公务员",
		"<b>重点回访对象</b>：是（&lt;不服&gt;）"} {
		if !strings.Contains(got, want) {
			t.Errorf("member review lacks %q:\n%s", want, got)
		}
	}
}

// TestKindRows: party kinds, then governmental ones, three to a row.
func TestKindRows(t *testing.T) {
	var kinds []kit.Button
	for _, c := range kindCodes {
		kinds = append(kinds, kit.Button{Text: c})
	}
	var got [][]string
	for _, row := range kindRows(kinds) {
		var labels []string
		for _, b := range row {
			labels = append(labels, b.Text)
		}
		got = append(got, labels)
	}
	want := [][]string{partyKinds[:3], partyKinds[3:], govKinds[:3], govKinds[3:]}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("rows = %v, want %v", got, want)
	}
}
