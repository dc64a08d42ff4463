package visit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/wizard"
	"github.com/huifang/huifang/models"
)

// table is the form without its hooks: what the pure derivations (order,
// applicability, the mapping to models.Visit) need.
var table = &wizard.Form[*Draft]{NS: NS, Fields: Fields, State: func(d *Draft) *wizard.State { return &d.State }}

func formOf(*Draft) *wizard.Form[*Draft] { return table }

// toVisit is the draft as the record to save: every applicable answer in
// its column (others zero), and the ids of the sanctions it is about.
func toVisit(d *Draft) (models.Visit, []uint64) {
	v := models.Visit{IdemKey: d.ID, MemberID: d.MemberID}
	rv := reflect.ValueOf(&v).Elem()
	for _, fd := range Fields {
		if fd.Col == "" {
			continue
		}
		val := ""
		if table.Applies(d, fd) {
			val = d.Get(fd.Name)
		}
		setColumn(rv.FieldByName(fd.Col), val)
	}
	return v, d.selected()
}

// fromVisit is the inverse of toVisit: the answers of a saved visit in d.
func fromVisit(d *Draft, v models.Visit, sel []uint64) {
	rv := reflect.ValueOf(v)
	for _, fd := range Fields {
		if fd.Col != "" {
			d.Set(fd.Name, columnValue(rv.FieldByName(fd.Col)))
		}
	}
	d.selectSanctions(sel)
	// Clear what the saved answers make inapplicable (a zero pay after a
	// clean enforcement check).
	for _, fd := range Fields {
		if !table.Applies(d, fd) {
			d.Set(fd.Name, "")
		}
	}
}

// setColumn stores a canonical answer in a models.Visit field by its type.
func setColumn(f reflect.Value, val string) {
	switch f.Interface().(type) {
	case string:
		f.SetString(val)
	case bool:
		f.SetBool(val == "y")
	case int64:
		n, _ := strconv.ParseInt(val, 10, 64)
		f.SetInt(n)
	case time.Time:
		day, _ := kit.ParseDay(val)
		f.Set(reflect.ValueOf(day))
	case *time.Time:
		if day, ok := kit.ParseDay(val); ok {
			f.Set(reflect.ValueOf(&day))
		} else {
			f.Set(reflect.Zero(f.Type()))
		}
	default:
		panic("visit: no mapping for column of type " + f.Type().String())
	}
}

// columnValue is the canonical answer a models.Visit field holds.
func columnValue(f reflect.Value) string {
	switch x := f.Interface().(type) {
	case string:
		return x
	case bool:
		if x {
			return "y"
		}
		return "n"
	case int64:
		return strconv.FormatInt(x, 10)
	case time.Time:
		return x.Format(kit.DateLayout)
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.Format(kit.DateLayout)
	}
	panic("visit: no mapping for column of type " + f.Type().String())
}

// reviewCard shows the whole draft with an edit button per field. It is
// the only place findings are echoed back to Telegram.
func (v *Visits) reviewCard(t *kit.Turn, d *Draft) (kit.Message, error) {
	// Cancel has a row of its own, away from Confirm.
	rows := v.form.EditButtons(t, d, 3)
	if v.form.HasExtra(d) {
		rows = append(rows, []kit.Button{v.form.MoreButton(t, "btn_more")})
	}
	rows = append(rows, []kit.Button{v.form.ConfirmButton(t)}, []kit.Button{v.form.CancelButton(t)})
	return kit.Message{Text: reviewText(t, d) + "\n\n" + t.T.T("review_hint"), Buttons: rows}, nil
}

// reviewText is the draft's title and answers, as on the review card,
// with a warning when the agreed next visit comes after a visit the
// calendar requires earlier, or more than a year after this one.
func reviewText(t *kit.Turn, d *Draft) string {
	text := reviewTitle(t, d) + table.Lines(t.T, d)
	if w := nextWarning(t, d); w != "" {
		text += "\n" + w
	}
	return text
}

// nextWarning is the one line that warns about the agreed next visit, or
// "". The date is accepted either way: the calendar keeps reminding the
// earlier visit.
func nextWarning(t *kit.Turn, d *Draft) string {
	next, ok := kit.ParseDay(d.Get("next"))
	if !ok {
		return ""
	}
	if req, ok := d.suggestNext(t.Today()); ok && next.After(req.Due) {
		return t.T.T("next_after_required", "Reason", kit.ReasonLabel(t.T, req.Reason), "Date", t.T.Date(req.Due))
	}
	if next.After(d.visitDate(t.Today()).AddDate(1, 0, 0)) {
		return t.T.T("next_far")
	}
	return ""
}

// savedText is the record once saved as visit no: the answers under a
// title without "to confirm".
func savedText(t *kit.Turn, d *Draft, no uint64) string {
	return t.T.T("saved_title", "No", no, "Name", kit.Esc(d.MemberName), "Unit", kit.Esc(d.UnitName)) + table.Lines(t.T, d)
}

func reviewTitle(t *kit.Turn, d *Draft) string {
	var title string
	if d.EditOf != 0 {
		title = t.T.T("ed_review_title", "No", d.EditOf, "Name", kit.Esc(d.MemberName), "Unit", kit.Esc(d.UnitName))
	} else {
		title = t.T.T("review_title", "Name", kit.Esc(d.MemberName), "Unit", kit.Esc(d.UnitName))
	}
	return title
}

// confirm saves a new visit, or asks for the reason of an edit. The draft
// id is the visit's idempotency key, so a confirm repeated after a crash or
// by a second replica saves once.
func (v *Visits) confirm(t *kit.Turn, d *Draft) error {
	if d.EditOf != 0 {
		return v.confirmEdit(t, d)
	}
	rec, sel := toVisit(d)
	rec.Review = newReviewState(t)
	if err := v.save(t, &rec, sel); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			t.Say("member_gone")
			return nil
		}
		return kit.Saving(fmt.Errorf("save visit of member %d: %w", d.MemberID, err))
	}
	t.Show(kit.Message{Text: savedText(t, d, rec.ID) + "\n\n" + t.T.T("saved", "No", rec.ID) + "\n" +
		t.T.T("vw_state", "State", ReviewLabel(t.T, rec.Review)), Buttons: v.visitButtons(t, rec.ID)})
	t.Toast("saved_short")
	t.Replayable(NS, idCode(rec.ID))
	end(t)
	return nil
}

// replay says again that visit arg was saved (its answer may have been
// lost in a crash); the visit is read through the viewer's scope, audited.
func (v *Visits) replay(t *kit.Turn, arg string) error {
	id, ok := kit.ParseID(arg)
	if !ok {
		return nil
	}
	if _, _, err := v.db.GetVisit(t.Ctx, t.Viewer, id); err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("replay visit %d: %w", id, err)
	}
	t.Say("saved", "No", id)
	return nil
}

// save creates the visit. When the database stops answering, the commit
// may have happened with its answer lost: the save is asked once more on
// a fresh deadline, and the idempotency key makes it find the saved visit
// rather than save it twice.
func (v *Visits) save(t *kit.Turn, rec *models.Visit, sel []uint64) error {
	_, err := v.db.CreateVisit(t.Ctx, t.Viewer, rec, sel)
	if err == nil || !errors.Is(err, models.ErrUnavailable) {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Ctx), recheckTimeout)
	defer cancel()
	if _, again := v.db.CreateVisit(ctx, t.Viewer, rec, sel); again == nil {
		return nil
	}
	return err
}

// newReviewState is the state a visit is saved in: pending a
// supervisor's review, or approved when review is off.
func newReviewState(t *kit.Turn) models.ReviewState {
	if t.Env.Review {
		return models.ReviewPending
	}
	return models.ReviewApproved
}

// recheckTimeout bounds the second attempt of a save whose answer was lost.
const recheckTimeout = 3 * time.Second

// end closes the visit flow and its draft.
func end(t *kit.Turn) {
	t.St.Drop(part)
	t.St.Flow, t.St.Step = "", ""
}

// sameAnswers reports whether two drafts of one member hold the same record.
func sameAnswers(a, b *Draft) bool {
	va, sa := toVisit(a)
	vb, sb := toVisit(b)
	va.IdemKey, vb.IdemKey = "", ""
	slices.Sort(sa)
	slices.Sort(sb)
	return reflect.DeepEqual(va, vb) && slices.Equal(sa, sb)
}

// AppliedFields are the fields of Fields that apply to saved visit v, in
// order: the democratic appraisal only when it was used, the enforcement
// problem and pay only when one was found. The record form shows these.
func AppliedFields(v models.Visit) []*wizard.Field[*Draft] {
	d := &Draft{}
	fromVisit(d, v, nil)
	out := make([]*wizard.Field[*Draft], 0, len(Fields))
	for _, fd := range Fields {
		if table.Applies(d, fd) {
			out = append(out, fd)
		}
	}
	return out
}
