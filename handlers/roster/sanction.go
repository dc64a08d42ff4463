package roster

// /sanction add: the member, then the sanction form and its review card.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// Sanction kinds offered as buttons: party sanctions, then governmental
// ones.
var (
	partyKinds = []string{string(models.PartyWarning), string(models.PartySeriousWarning), string(models.PartyPostRemoval),
		string(models.PartyProbation), string(models.PartyExpulsion)}
	govKinds = []string{string(models.GovWarning), string(models.GovDemerit), string(models.GovMajorDemerit),
		string(models.GovDemotion), string(models.GovDismissal), string(models.GovExpulsion)}
	kindCodes = slices.Concat(partyKinds, govKinds)
)

// probationCodes are the lengths of a party probation, in months.
var probationCodes = []string{"12", "24"}

// sanctionForm is the sanction form of /sanction add.
func (r *Roster) sanctionForm() *wizard.Form[*Draft] {
	return &wizard.Form[*Draft]{
		NS: NS, Keys: "ro_",
		Fields: []*wizard.Field[*Draft]{
			{Name: "kind", Kind: wizard.Choice, Codes: kindCodes, Labels: "kind_", Layout: kindRows, Show: showKind},
			{Name: "probation", Kind: wizard.Choice, Codes: probationCodes, Labels: "probation_", PerRow: 2,
				Hidden: true, Applies: onProbation},
			{Name: "category", Kind: wizard.Choice, Codes: rankCodes, Labels: "rank_", PromptData: currentRank},
			{Name: "no", Kind: wizard.Text, Parse: line(maxDecisionNo)},
			{Name: "decided", Kind: wizard.Date, Check: notFuture},
			{Name: "effective", Kind: wizard.Date, Check: notBeforeDecided, Keeps: notBeforeDecidedValue,
				Shortcuts: sameDate, PromptData: decidedData},
		},
		State: func(d *Draft) *wizard.State { return &d.State },
		Heading: func(t *kit.Turn, d *Draft) string {
			return t.T.T("ro_head_sanction_add", "Name", memberWho(t.T, d))
		},
		Review: r.sanctionReview,
		Done:   r.createSanction,
		Cancel: r.cancel,
	}
}

func onProbation(d *Draft) bool { return d.Get("kind") == string(models.PartyProbation) }

func monthsLabel(tr kit.Tr, code string) string { return tr.T("ro_months", "N", code) }

// showKind is the kind, with the length of a probation ("留党察看一年").
func showKind(tr kit.Tr, d *Draft) string {
	kind := tr.T("kind_" + d.Get("kind"))
	if onProbation(d) && d.Get("probation") != "" {
		kind += tr.T("probation_" + d.Get("probation"))
	}
	return kind
}

// currentRank names the member's current category in the question of
// the category at the decision.
func currentRank(t *kit.Turn, d *Draft) []any {
	return []any{"Current", t.T.T("rank_" + d.Rank)}
}

// notFuture keeps a decision date on or before today.
func notFuture(_ *Draft, v string, today time.Time) error {
	if day, _ := kit.ParseDay(v); day.After(today) {
		return kit.Refuse("ro_date_future")
	}
	return nil
}

// notBeforeDecided keeps the effective date on or after the decision.
func notBeforeDecided(d *Draft, v string, _ time.Time) error {
	if !notBeforeDecidedValue(d, v) {
		decided, _ := kit.ParseDay(d.Get("decided"))
		return kit.Refuse("ro_date_before_decision", "Date", decided)
	}
	return nil
}

// notBeforeDecidedValue clears an effective date a later decision date
// leaves before it.
func notBeforeDecidedValue(d *Draft, v string) bool {
	decided := d.Get("decided")
	return decided == "" || v >= decided
}

// sameDate offers the decision date as the effective date.
func sameDate(t *kit.Turn, d *Draft) []wizard.Option {
	if d.Get("decided") == "" {
		return nil
	}
	return []wizard.Option{{Code: d.Get("decided"), Label: t.T.T("ro_btn_same_date")}}
}

func decidedData(t *kit.Turn, d *Draft) []any {
	decided, _ := kit.ParseDay(d.Get("decided"))
	return []any{"Date", t.T.Date(decided)}
}

// cmdSanction answers "/sanction add [member]".
func (r *Roster) cmdSanction(t *kit.Turn, args string) error {
	verb, rest, _ := strings.Cut(args, " ")
	if !strings.EqualFold(verb, "add") && verb != "新增" {
		t.Say("ro_sanction_usage")
		return nil
	}
	if !canEdit(t) {
		return r.refuse(t, true)
	}
	rest = strings.TrimSpace(rest)
	start(t, &Draft{Kind: kindSanction})
	if rest == "" {
		t.Show(kit.Message{Text: t.T.T("ro_ask_sanction_member"), Buttons: [][]kit.Button{{cancelButton(t)}}})
		return nil
	}
	return kit.Lookup(t, r.db, rest, NS, actMember, func(id uint64) error { return r.sanctionFor(t, id) }, nil)
}

// sanctionFor starts the sanction form for a member the viewer may see.
func (r *Roster) sanctionFor(t *kit.Turn, memberID uint64) error {
	m, unit, _, err := r.db.MemberSanctions(t.Ctx, t.Viewer, memberID)
	if errors.Is(err, models.ErrNotFound) {
		end(t)
		t.Say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load member %d: %w", memberID, err)
	}
	d := &Draft{Kind: kindSanction, MemberID: m.ID, MemberName: m.Name, UnitName: unit, Rank: string(m.Rank)}
	start(t, d)
	return r.sanction.Begin(t, d)
}

// sanctionText is the sanction as the review card lists it, with its
// period in the words of its kind.
func (r *Roster) sanctionText(tr kit.Tr, d *Draft, today time.Time) string {
	effective, _ := kit.ParseDay(d.Get("effective"))
	sc := models.Sanction{Kind: models.SanctionKind(d.Get("kind")), EffectiveDate: effective, ProbationMonths: probationMonths(d)}
	sc.Normalise()
	return tr.T("ro_review_sanction", "Name", memberWho(tr, d)) + r.sanction.Lines(tr, d) +
		"\n" + tr.T("field_line", "Label", tr.T("ro_f_period_end"), "Value", kit.PeriodState(tr, sc, today))
}

// memberWho names the draft's member with their unit ("张三（东湖镇…）"):
// names are not unique, units tell them apart. A draft begun before the
// unit was kept has the name alone.
func memberWho(tr kit.Tr, d *Draft) string {
	if d.UnitName == "" {
		return kit.Esc(d.MemberName)
	}
	return tr.T("ro_member_in_unit", "Name", kit.Esc(d.MemberName), "Unit", kit.Esc(d.UnitName))
}

// probationMonths is the length of a probation, 0 for other kinds.
func probationMonths(d *Draft) int {
	if !onProbation(d) {
		return 0
	}
	n, _ := strconv.Atoi(d.Get("probation"))
	return n
}

// sanctionReview is the review card of /sanction add.
func (r *Roster) sanctionReview(t *kit.Turn, d *Draft) (kit.Message, error) {
	return kit.Message{Text: r.sanctionText(t.T, d, t.Today()) + "\n\n" + t.T.T("ro_review_hint"), Buttons: reviewButtons(t, r.sanction)}, nil
}

// createSanction saves the sanction of the form.
func (r *Roster) createSanction(t *kit.Turn, d *Draft) error {
	decided, _ := kit.ParseDay(d.Get("decided"))
	effective, _ := kit.ParseDay(d.Get("effective"))
	in := models.SanctionInput{MemberID: d.MemberID, Kind: models.SanctionKind(d.Get("kind")), DecisionNo: d.Get("no"),
		DecisionDate: decided, EffectiveDate: effective, ProbationMonths: probationMonths(d), Category: models.Rank(d.Get("category"))}
	sc, err := r.db.CreateSanction(t.Ctx, t.Viewer, in)
	switch {
	case errors.Is(err, models.ErrDuplicate):
		// The number is asked again; the answer returns to the card.
		d.Step, d.Review = "no", true
		return r.sanction.Retry(t, d, kit.Refuse("ro_decision_exists"))
	case errors.Is(err, models.ErrInvalid):
		return r.sanction.Retry(t, d, kit.Refuse("ro_invalid"))
	case failed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("create sanction for member %d: %w", d.MemberID, err)
	}
	text := r.sanctionText(t.T, d, t.Today())
	end(t)
	t.Ack("saved_short")
	t.Show(kit.Message{Text: text + "\n\n" + t.T.T("ro_sanction_saved", "No", sc.ID)})
	return nil
}

// kindRows puts the party kinds and the governmental kinds on rows of
// their own, three to a row, as the question describes them.
func kindRows(btns []kit.Button) [][]kit.Button {
	return slices.Concat(wizard.Rows(btns[:len(partyKinds)], 3), wizard.Rows(btns[len(partyKinds):], 3))
}
