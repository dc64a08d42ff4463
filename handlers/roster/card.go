package roster

// The member card: who the member is, their sanctions, and for those who
// may change the roster the buttons that edit a field (the member form,
// one field at a time), mark or unmark a key target, assign the inspector
// of interactive visits, record or lift a sanction.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// cardFields are the member fields a card edits with the member form.
var cardFields = []string{"name", "post", "rank", "unit"}

// showCard loads a member the viewer may see and shows their card, with
// note (a confirmation of the change just made) above it.
func (r *Roster) showCard(t *kit.Turn, id uint64, note string) error {
	m, unit, sanctions, err := r.db.MemberSanctions(t.Ctx, t.Viewer, id)
	if errors.Is(err, models.ErrNotFound) {
		end(t)
		t.Say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load member %d: %w", id, err)
	}
	start(t, &Draft{Kind: kindCard, MemberID: m.ID, MemberName: m.Name, UnitID: m.UnitID, Assignee: assigneeOf(m)})
	text, err := r.cardText(t, m, unit, sanctions)
	if err != nil {
		return err
	}
	if note != "" {
		text = note + "\n\n" + text
	}
	msg := kit.Message{Text: text}
	if canEdit(t) {
		msg.Buttons = cardButtons(t, m, sanctions)
	}
	t.Show(msg)
	return nil
}

// assigneeOf is the Telegram id of the member's inspector of interactive
// visits, 0 when none.
func assigneeOf(m models.Member) int64 {
	if m.AssigneeID == nil {
		return 0
	}
	return *m.AssigneeID
}

// cardText renders a member: unit, post, rank, target class, the
// interactive-visit assignment and the sanctions.
func (r *Roster) cardText(t *kit.Turn, m models.Member, unit string, sanctions []models.Sanction) (string, error) {
	var b strings.Builder
	b.WriteString(kit.MemberTitle(t.T, m, unit))
	b.WriteString("\n" + t.T.T("ro_card_rank", "Rank", t.T.T("rank_"+string(m.Rank))))
	b.WriteString("\n" + t.T.T("st_class", "Class", kit.TargetClass(t.T, m, sanctions)))
	if m.UnitAppraisal != "" {
		date := t.T.T("none")
		if m.UnitAppraisalDate != nil {
			date = t.T.Date(*m.UnitAppraisalDate)
		}
		b.WriteString("\n" + t.T.T("ro_card_appraisal", "Date", date, "Text", kit.Esc(m.UnitAppraisal)))
	}
	if m.Key && m.KeyReason != "" {
		b.WriteString("\n" + t.T.T("ro_card_key_reason", "Reason", kit.Esc(m.KeyReason)))
	}
	if id := assigneeOf(m); id != 0 {
		name, err := r.userName(t, id)
		if err != nil {
			return "", err
		}
		b.WriteString("\n" + t.T.T("ro_card_assignee", "Name", name, "N", m.IntervalMonths))
	}
	if len(sanctions) == 0 {
		b.WriteString("\n" + t.T.T("ro_card_no_sanctions"))
		return b.String(), nil
	}
	b.WriteString("\n" + t.T.T("st_sanctions"))
	today := t.Today()
	for _, sc := range sanctions {
		b.WriteString("\n• " + kit.SanctionLine(t.T, sc, today) + t.T.T("ro_card_category", "Rank", t.T.T("rank_"+string(sc.Category))))
	}
	return b.String(), nil
}

// userName is the escaped name of an assigned user; the assignment was
// checked against the member's scope when it was made.
func (r *Roster) userName(t *kit.Turn, telegramID int64) (string, error) {
	u, err := r.db.FindUser(t.Ctx, telegramID)
	if errors.Is(err, models.ErrNotFound) {
		return t.T.T("ro_card_assignee_gone"), nil
	}
	if err != nil {
		return "", fmt.Errorf("find assignee: %w", err)
	}
	return kit.Esc(u.Name), nil
}

// cardButtons are the changes a card offers.
func cardButtons(t *kit.Turn, m models.Member, sanctions []models.Sanction) [][]kit.Button {
	edit := func(field string) kit.Button { return t.Btn("✏️ "+t.T.T("ro_f_"+field), NS, actField, field) }
	rows := [][]kit.Button{{edit("name"), edit("post")}, {edit("rank"), edit("unit")}}
	if m.Key {
		rows = append(rows, []kit.Button{t.Btn(t.T.T("ro_btn_unmark_key"), NS, actUnmark, "")})
	} else {
		rows = append(rows, []kit.Button{t.Btn(t.T.T("ro_btn_mark_key"), NS, actMarkKey, "")})
	}
	rows = append(rows, []kit.Button{t.Btn(t.T.T("ro_btn_assign"), NS, actAssign, ""), t.Btn(t.T.T("ro_btn_appraisal"), NS, actAppraise, "")},
		[]kit.Button{t.Btn(t.T.T("ro_btn_add_sanction"), NS, actSanction, "")})
	rows = append(rows, endButtons(t, sanctions)...)
	return append(rows, []kit.Button{t.Btn(t.T.T("ro_btn_close"), NS, actClose, "")})
}

// actClose is the card's Close: unlike Cancel, it comes after changes
// that were saved, so it says only that the card is closed.
const actClose = "cl"

// cardButton handles a button of the member card.
func (r *Roster) cardButton(t *kit.Turn, d *Draft, cb kit.Callback) error {
	if !canEdit(t) {
		t.Toast("button_expired")
		return nil
	}
	switch {
	case cb.Action == actField && slices.Contains(cardFields, cb.Arg):
		return r.memberEdit.Edit(t, d, cb.Arg)
	case cb.Action == actMarkKey:
		d.Set("key", "y")
		return r.memberEdit.Edit(t, d, "reason")
	case cb.Action == actUnmark:
		no, empty := false, ""
		return r.patch(t, d, models.MemberPatch{Key: &no, KeyReason: &empty}, t.T.T("ro_done_unkey"), nil)
	case cb.Action == actAssign:
		return r.startAssign(t, d)
	case cb.Action == actSanction:
		return r.sanctionFor(t, d.MemberID)
	case cb.Action == actLift || cb.Action == actExtend:
		return r.startEnd(t, d, cb.Arg, cb.Action == actExtend)
	case cb.Action == actAppraise:
		return r.startAppraisal(t, d)
	case cb.Action == actClose:
		end(t)
		t.Show(kit.Message{Text: t.T.T("ro_card_closed", "Name", kit.Esc(d.MemberName))})
		return nil
	}
	t.Toast("button_expired")
	return nil
}

// backToCard is Back from an edit: the card again, unchanged.
func (r *Roster) backToCard(t *kit.Turn, d *Draft) error { return r.showCard(t, d.MemberID, "") }

// editHeading is the line above the questions of an edit.
func editHeading(t *kit.Turn, d *Draft) string {
	return t.T.T("ro_head_member_edit", "Name", kit.Esc(d.MemberName))
}

// saved saves a member field edited from the card.
func (r *Roster) saved(t *kit.Turn, d *Draft, field string) error {
	v := d.Get(field)
	var p models.MemberPatch
	var done string
	switch field {
	case "name":
		p.Name, done = &v, t.T.T("ro_done_name")
	case "post":
		p.Post, done = &v, t.T.T("ro_done_post")
	case "rank":
		rank := models.Rank(v)
		p.Rank, done = &rank, t.T.T("ro_done_rank")
	case "unit":
		id, _ := kit.ParseID(v)
		p.UnitID, done = &id, t.T.T("ro_done_unit")
	case "reason":
		yes := true
		p.Key, p.KeyReason, done = &yes, &v, t.T.T("ro_done_key")
	default:
		return fmt.Errorf("roster: no card edit of field %q", field)
	}
	return r.patch(t, d, p, done, func(pr *kit.Problem) error {
		// The refused answer is dropped and the field asked again.
		d.Set(field, "")
		d.Step, d.Single = field, true
		return r.memberEdit.Retry(t, d, pr)
	})
}

// patch applies a change to the card's member and shows the card again
// with the note done. A refusal the user can correct (a name taken in the
// unit, a value models refuses) goes to again; without it, it is said.
func (r *Roster) patch(t *kit.Turn, d *Draft, p models.MemberPatch, done string, again func(*kit.Problem) error) error {
	_, err := r.db.UpdateMember(t.Ctx, t.Viewer, d.MemberID, p)
	var refusal *kit.Problem
	switch {
	case errors.Is(err, models.ErrDuplicate):
		refusal = kit.Refuse("ro_member_exists")
	case errors.Is(err, models.ErrInvalid):
		refusal = kit.Refuse("ro_invalid")
	case failed(t, err):
		return nil
	case err != nil:
		return fmt.Errorf("update member %d: %w", d.MemberID, err)
	}
	if refusal != nil && again != nil {
		return again(refusal)
	}
	if refusal != nil {
		t.Say(refusal.ID)
		return nil
	}
	t.Ack("saved_short")
	return r.showCard(t, d.MemberID, done)
}
