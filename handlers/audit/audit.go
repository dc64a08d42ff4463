// Package audit is /audit [<telegram id>] [#<member no>]: the audit log,
// newest first, a page at a time, for admins, every action and detail in
// the reader's language. The store refuses anyone else and audits the
// refusal.
package audit

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

//go:embed locales/*.toml
var locales embed.FS

// Store is what /audit needs of the database.
type Store interface {
	ListAudit(ctx context.Context, v models.Viewer, f models.AuditFilter) ([]models.AuditEvent, error)
}

// NS is the callback namespace of the paging button.
const NS = "au"

// actPage is the action of the "earlier" button; its argument is the
// filter and page (encodePage).
const actPage = "pg"

// pageSize is how many events one page shows.
const pageSize = 20

// Audit is the audit feature.
type Audit struct{ db Store }

// New builds the feature over db.
func New(db Store) *Audit { return &Audit{db: db} }

// Feature is how the dispatcher sees /audit.
func (a *Audit) Feature() kit.Feature {
	return kit.Feature{
		Name: "audit",
		Cmds: []kit.Cmd{{Name: "audit", Run: a.cmdAudit, Admin: true}},
		NS:   NS, Button: a.button,
		AdminButton: kit.AllButtons,
		Locales:     locales,
	}
}

// cmdAudit answers /audit. A non-admin's request goes to the store all the
// same, so that the refusal is audited.
func (a *Audit) cmdAudit(t *kit.Turn, args string) error {
	f, ok := parseArgs(args)
	if !ok && t.IsAdmin() {
		t.Say("ed_audit_usage")
		return nil
	}
	return a.page(t, f)
}

// button answers the "earlier" button.
func (a *Audit) button(t *kit.Turn, cb kit.Callback) error {
	f, ok := decodePage(cb.Arg)
	if cb.Action != actPage || !ok {
		t.Toast("button_expired")
		return nil
	}
	return a.page(t, f)
}

// page shows the page of events f selects, with an "earlier" button when
// there are more.
func (a *Audit) page(t *kit.Turn, f models.AuditFilter) error {
	f.Limit = pageSize + 1
	events, err := a.db.ListAudit(t.Ctx, t.Viewer, f)
	if errors.Is(err, models.ErrForbidden) || err == nil && !t.IsAdmin() {
		t.Say("admin_only")
		return nil
	}
	if err != nil {
		return fmt.Errorf("list audit events: %w", err)
	}
	more := len(events) > pageSize
	if more {
		events = events[:pageSize]
	}
	m := kit.Message{Text: text(t, f, events)}
	if more {
		next := f
		next.BeforeID = events[len(events)-1].ID
		m.Buttons = [][]kit.Button{{t.Btn(t.T.T("ed_audit_more"), NS, actPage, encodePage(next))}}
	}
	t.Send(m)
	return nil
}

func text(t *kit.Turn, f models.AuditFilter, events []models.AuditEvent) string {
	var b strings.Builder
	b.WriteString(t.T.T("ed_audit_title"))
	if f.ActorID != 0 {
		b.WriteString(" · " + t.T.T("ed_audit_user", "ID", f.ActorID))
	}
	if f.MemberID != 0 {
		b.WriteString(" · " + t.T.T("ed_audit_member", "No", f.MemberID))
	}
	if len(events) == 0 {
		b.WriteString("\n" + t.T.T("ed_audit_empty"))
	}
	for _, ev := range events {
		b.WriteString("\n" + line(t, ev))
	}
	return b.String()
}

// line is "2026-11-20 09:30 · 用户 10002 · 查看状态 · 人员 #4 · 回访 #7": the
// instant in one form in every language, so that lines sort and compare.
func line(t *kit.Turn, ev models.AuditEvent) string {
	action, detail := actionLabel(t.T, ev.Action), detailText(t.T, ev.Action, ev.Detail)
	if op, ok := strings.CutPrefix(ev.Detail, "op="); ok && ev.Action == models.AuditDenied {
		// A refusal names the refused operation: "被拒绝：查看审计日志".
		action, detail = t.T.T("ed_audit_denied", "Action", actionLabel(t.T, op)), ""
	}
	parts := []string{ev.At.In(t.Env.Loc).Format("2006-01-02 15:04"), t.T.T("ed_audit_user", "ID", ev.ActorID), action}
	if ev.MemberID != nil {
		parts = append(parts, t.T.T("ed_audit_member", "No", *ev.MemberID))
	}
	if len(ev.Members) > 0 {
		parts = append(parts, membersPart(t.T, ev.Members))
	}
	if ev.VisitID != nil {
		parts = append(parts, t.T.T("ed_audit_visit", "No", *ev.VisitID))
	}
	if detail != "" {
		parts = append(parts, detail)
	}
	return strings.Join(parts, " · ")
}

// maxMembersShown bounds the member numbers a line lists (an import may
// name thousands).
const maxMembersShown = 5

// membersPart is "人员 #3、#7（共 2 人）" for an action that named several.
func membersPart(tr kit.Tr, ids []uint64) string {
	nos := make([]string, 0, maxMembersShown)
	for _, id := range ids[:min(len(ids), maxMembersShown)] {
		nos = append(nos, "#"+strconv.FormatUint(id, 10))
	}
	list := strings.Join(nos, tr.T("list_sep"))
	if len(ids) > maxMembersShown {
		list += "…"
	}
	return tr.T("ed_audit_members", "List", list, "N", len(ids))
}

// actionLabel names an audit action; an action without a label in the
// catalogue is shown as its code.
func actionLabel(tr kit.Tr, action string) string {
	id := "ed_act_" + action
	if label := tr.T(id); label != id {
		return label
	}
	return kit.Esc(action)
}

// encodePage packs a filter and its page into a callback argument:
// "u<actor>_m<member>_b<before>", numbers in base 36 to stay within
// Telegram's 64 bytes.
func encodePage(f models.AuditFilter) string {
	return "u" + strconv.FormatInt(f.ActorID, 36) + "_m" + strconv.FormatUint(f.MemberID, 36) +
		"_b" + strconv.FormatUint(f.BeforeID, 36)
}

// decodePage is the inverse of encodePage; the argument is untrusted
// client input.
func decodePage(arg string) (models.AuditFilter, bool) {
	parts := strings.Split(arg, "_")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "u") || !strings.HasPrefix(parts[1], "m") || !strings.HasPrefix(parts[2], "b") {
		return models.AuditFilter{}, false
	}
	actor, err1 := strconv.ParseInt(parts[0][1:], 36, 64)
	member, err2 := strconv.ParseUint(parts[1][1:], 36, 64)
	before, err3 := strconv.ParseUint(parts[2][1:], 36, 64)
	if err1 != nil || err2 != nil || err3 != nil || actor < 0 || before == 0 {
		return models.AuditFilter{}, false
	}
	return models.AuditFilter{ActorID: actor, MemberID: member, BeforeID: before}, true
}
