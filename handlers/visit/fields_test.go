package visit

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm/schema"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

var today = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

func catalogue(t *testing.T) *kit.Catalogue {
	t.Helper()
	cat, err := kit.NewCatalogue(kit.Locales, locales)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// sample is a valid answer to every field of its kind.
func sample(fd *wizard.Field[*Draft]) string {
	switch fd.Kind {
	case wizard.Date:
		if fd.Name == "next" {
			return "2027-03-01"
		}
		return "2026-11-20"
	case wizard.Multi:
		if fd.Name == "sanctions" {
			return "7,9"
		}
		return strings.Join(fd.Codes, ",") // the appraisal among them, so that its grades apply
	case wizard.Choice:
		return fd.Codes[len(fd.Codes)-1]
	case wizard.YesNo:
		if fd.Name == "enforcement" {
			return "n" // so that problem and pay apply
		}
		return "y"
	case wizard.Amount:
		return "123450"
	}
	return "答案 " + fd.Name + " <b>&"
}

// fullDraft answers every field of a member with two sanctions.
func fullDraft() *Draft {
	d := &Draft{ID: "k", MemberID: 3, Avail: []SanctionBrief{
		{ID: 7, Kind: string(models.PartyWarning), DecisionDate: "2025-01-02"},
		{ID: 9, Kind: string(models.GovDemerit), DecisionDate: "2025-03-04"},
	}}
	for _, fd := range Fields {
		d.Set(fd.Name, sample(fd))
	}
	return d
}

// TestFields_Table checks each row of the table: a valid row, a column of
// the visits table of the right type, both catalogue entries, and a round
// trip draft → visit → draft. Forgetting any of them when adding a field
// fails here.
func TestFields_Table(t *testing.T) {
	if err := table.Check(); err != nil {
		t.Fatal(err)
	}
	cat := catalogue(t)
	for _, lang := range []string{kit.LangZH, kit.LangEN} {
		tr := cat.Lang(lang)
		for _, id := range append(table.CatalogueKeys(), "f_problem", "f_pay") {
			if tr.T(id) == id {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
	}
	columns := visitColumns(t)
	for _, fd := range Fields {
		switch {
		case fd.Name == "sanctions":
			if fd.Col != "" {
				t.Errorf("sanctions are links, not a column")
			}
		case fd.Col == "":
			t.Errorf("field %s: no column", fd.Name)
		case columns[fd.Col] == "":
			t.Errorf("field %s: models.Visit has no field %s", fd.Name, fd.Col)
		case columns[fd.Col] != snake(fd.Col):
			t.Errorf("field %s: column %s, history looks for %s", fd.Name, columns[fd.Col], snake(fd.Col))
		}
	}
	if t.Failed() {
		return // a missing column would fail the round trip below
	}
	d := fullDraft()
	v, sel := toVisit(d)
	back := &Draft{ID: "k", MemberID: 3, Avail: d.Avail}
	fromVisit(back, v, sel)
	if diff := cmp.Diff(d.Values, back.Values); diff != "" {
		t.Errorf("draft → visit → draft (-want +got):\n%s", diff)
	}
	if !sameAnswers(d, back) {
		t.Error("a draft and its round trip differ")
	}
}

// visitColumns maps the fields of models.Visit to GORM's column names.
func visitColumns(t *testing.T) map[string]string {
	t.Helper()
	s, err := schema.Parse(&models.Visit{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range s.Fields {
		out[f.Name] = f.DBName
	}
	return out
}

// TestFields_Inapplicable: answers that do not apply are not saved, and an
// answer that makes others inapplicable clears them.
func TestFields_Inapplicable(t *testing.T) {
	d := fullDraft()
	table.Set(d, "enforcement", "y")
	if d.Get("problem") != "" || d.Get("pay") != "" {
		t.Fatalf("problem and pay kept after a clean check: %v", d.Values)
	}
	v, _ := toVisit(d)
	if !v.EnforcementOK || v.EnforcementProblem != "" || v.PayCorrectedFen != 0 {
		t.Fatalf("visit = %+v", v)
	}
}

// TestApply is the pure step: (draft, field, answer, today) → draft or a
// refusal that leaves the draft as it was.
func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name, field, answer string
		prep                func(*Draft)
		want                string // the value stored
		refused             string // or the refusal's message id
	}{
		{name: "date", field: "date", answer: "11月20日", want: "2026-11-20"},
		{name: "date full width", field: "date", answer: "２０２６年１１月２０日", want: "2026-11-20"},
		{name: "date future", field: "date", answer: "2026-12-04", refused: "date_future"},
		{name: "date before decision", field: "date", answer: "2025-03-01", refused: "date_before_decision"},
		{name: "date no such day", field: "date", answer: "2026-02-30", refused: "date_invalid"},
		{name: "date gibberish", field: "date", answer: "明天吧", refused: "date_format"},
		{name: "text", field: "thinking", answer: "认识到位", want: "认识到位"},
		{name: "text too long", field: "participants", answer: string(make([]rune, 201)), refused: "too_long"},
		{name: "inspectors add me", field: "inspectors", answer: "王五", want: "演示回访人员、王五"},
		{name: "inspectors with me", field: "inspectors", answer: "王五、演示回访人员", want: "王五、演示回访人员"},
		{name: "pay", field: "pay", answer: "１,２３４.５元", want: "123450"},
		{name: "pay negative", field: "pay", answer: "-5", refused: "amount_range"},
		{name: "pay bad", field: "pay", answer: "1,23", refused: "amount_format"},
		{name: "choice typed", field: "type", answer: "交谈式", refused: "use_buttons"},
		{name: "next", field: "next", answer: "3月1日", want: "2027-03-01"},
		{name: "next not after", field: "next", answer: "2026-11-20", refused: "next_not_after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := fullDraft()
			d.Me = "演示回访人员"
			d.Set("date", "2026-11-20")
			d.selectSanctions([]uint64{9})
			before := d.Get(tc.field)
			err := table.Apply(d, table.Field(tc.field), tc.answer, today)
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

// TestApply_DateClearsNext: a new visit date on or after the planned next
// visit clears it.
func TestApply_DateClearsNext(t *testing.T) {
	d := fullDraft()
	d.selectSanctions([]uint64{7})
	d.Set("next", "2026-11-25")
	if err := table.Apply(d, table.Field("date"), "2026-11-28", today); err != nil {
		t.Fatal(err)
	}
	if d.Get("next") != "" {
		t.Fatalf("next = %q, want cleared", d.Get("next"))
	}
}

func TestChangedLabels(t *testing.T) {
	tr := catalogue(t).Lang(kit.LangZH)
	if got := ChangedLabels(tr, "conclusion, next_visit,enforcement_problem,pay_corrected_fen,sanctions,<x>"); got != "回访结论、下次回访、执行不到位问题、纠正工资发放、处分、&lt;x&gt;" {
		t.Errorf("ChangedLabels = %q", got)
	}
	if got := ChangedLabels(tr, ""); got != "（无）" {
		t.Errorf("ChangedLabels(\"\") = %q", got)
	}
}

// TestProgress counts the applicable fields of the sequence only: the
// extra fields are offered by the review card.
func TestProgress(t *testing.T) {
	d := fullDraft()
	d.Step = "work"
	extras := 0
	for _, fd := range Fields {
		if fd.Extra {
			extras++
		}
	}
	pos, n := table.Progress(d)
	if pos != 8 || n != len(Fields)-extras || extras != 6 {
		t.Fatalf("progress = %d/%d with %d extra fields", pos, n, extras)
	}
	d.Avail = d.Avail[:1]
	table.Set(d, "enforcement", "y")
	table.Set(d, "methods", "talk")
	// Problem, pay and the appraisal's grades stay counted: the total
	// never changes as answers open questions.
	if pos, n = table.Progress(d); pos != 7 || n != len(Fields)-extras-1 {
		t.Fatalf("progress = %d/%d", pos, n)
	}
	if !reflect.DeepEqual(d.selected(), []uint64{7}) {
		t.Fatalf("selected = %v", d.selected())
	}
}
