package handlers

// /audit [user <telegram id>] [member <no>]: the audit log, newest first,
// for admins. The store refuses anyone else and audits the refusal.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/models"
)

// auditPageSize is how many events one page shows.
const auditPageSize = 20

// cmdAudit answers /audit. A non-admin's request goes to the store all the
// same, so that the refusal is audited.
func (s *session) cmdAudit(args string) error {
	f, ok := parseAuditArgs(args)
	if !ok && s.viewer.Role == models.RoleAdmin {
		s.say("ed_audit_usage")
		return nil
	}
	return s.auditPage(f)
}

// parseAuditArgs parses "[user <telegram id>] [member <no>]" in any order.
func parseAuditArgs(args string) (models.AuditFilter, bool) {
	var f models.AuditFilter
	words := strings.Fields(args)
	if len(words)%2 != 0 {
		return models.AuditFilter{}, false
	}
	for i := 0; i < len(words); i += 2 {
		key, val := strings.ToLower(words[i]), strings.TrimPrefix(words[i+1], "#")
		switch {
		case (key == "user" || key == "用户") && f.ActorID == 0:
			id, err := strconv.ParseInt(val, 10, 64)
			if err != nil || id <= 0 {
				return models.AuditFilter{}, false
			}
			f.ActorID = id
		case (key == "member" || key == "人员") && f.MemberID == 0:
			id, ok := parseID(val)
			if !ok {
				return models.AuditFilter{}, false
			}
			f.MemberID = id
		default:
			return models.AuditFilter{}, false
		}
	}
	return f, true
}

// auditPage shows the page of events f selects, with an "earlier" button
// when there are more.
func (s *session) auditPage(f models.AuditFilter) error {
	db, err := s.edits()
	if err != nil {
		return err
	}
	f.Limit = auditPageSize + 1
	events, err := db.ListAudit(s.ctx, s.viewer, f)
	if errors.Is(err, models.ErrForbidden) || err == nil && s.viewer.Role != models.RoleAdmin {
		s.say("admin_only")
		return nil
	}
	if err != nil {
		return fmt.Errorf("list audit events: %w", err)
	}
	more := len(events) > auditPageSize
	if more {
		events = events[:auditPageSize]
	}
	m := Message{Text: s.auditText(f, events)}
	if more {
		next := f
		next.BeforeID = events[len(events)-1].ID
		m.Buttons = [][]Button{{s.btn(s.t.T("ed_audit_more"), "au", encodeAuditPage(next))}}
	}
	s.send(m)
	return nil
}

// onAuditPage answers the "earlier" button.
func (s *session) onAuditPage(arg string) error {
	f, ok := decodeAuditPage(arg)
	if !ok {
		s.toast("button_expired")
		return nil
	}
	return s.auditPage(f)
}

func (s *session) auditText(f models.AuditFilter, events []models.AuditEvent) string {
	var b strings.Builder
	b.WriteString(s.t.T("ed_audit_title"))
	if f.ActorID != 0 {
		b.WriteString(" · " + s.t.T("ed_audit_user", "ID", f.ActorID))
	}
	if f.MemberID != 0 {
		b.WriteString(" · " + s.t.T("ed_audit_member", "No", f.MemberID))
	}
	if len(events) == 0 {
		b.WriteString("\n" + s.t.T("ed_audit_empty"))
	}
	for _, ev := range events {
		b.WriteString("\n" + s.auditLine(ev))
	}
	return b.String()
}

// auditLine is "2026-11-20 09:30 · 用户 10002 · 查看状态 · 人员 #4 · 回访 #7".
func (s *session) auditLine(ev models.AuditEvent) string {
	action, detail := s.actionLabel(ev.Action), ev.Detail
	if op, ok := strings.CutPrefix(detail, "op="); ok && ev.Action == models.AuditDenied {
		// A refusal names the refused operation: "被拒绝：查看审计日志".
		action, detail = s.t.T("ed_audit_denied", "Action", s.actionLabel(op)), ""
	}
	parts := []string{s.stamp(ev.At), s.t.T("ed_audit_user", "ID", ev.ActorID), action}
	if ev.MemberID != nil {
		parts = append(parts, s.t.T("ed_audit_member", "No", *ev.MemberID))
	}
	if ev.VisitID != nil {
		parts = append(parts, s.t.T("ed_audit_visit", "No", *ev.VisitID))
	}
	if detail != "" {
		parts = append(parts, esc(detail))
	}
	return strings.Join(parts, " · ")
}

// actionLabel names an audit action; an action without a label in the
// catalogue is shown as its code.
func (s *session) actionLabel(action string) string {
	id := "ed_act_" + action
	if label := s.t.T(id); label != id {
		return label
	}
	return esc(action)
}

// encodeAuditPage packs a filter and its page into a callback argument:
// "u<actor>_m<member>_b<before>", numbers in base 36 to stay within
// Telegram's 64 bytes.
func encodeAuditPage(f models.AuditFilter) string {
	return "u" + strconv.FormatInt(f.ActorID, 36) + "_m" + strconv.FormatUint(f.MemberID, 36) +
		"_b" + strconv.FormatUint(f.BeforeID, 36)
}

// decodeAuditPage is the inverse of encodeAuditPage; the argument is
// untrusted client input.
func decodeAuditPage(arg string) (models.AuditFilter, bool) {
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
