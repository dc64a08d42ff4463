package audit

import (
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

// The store writes an audit row's detail as "key=value" words (see
// models/audit.go and models/sqlstore). detailText shows them in the
// reader's language: each key by its label (ed_key_<key>), each value by
// what it holds. A key or value the catalogue does not know is shown as
// written, so that nothing the store writes is ever hidden.

// valueKind is how a detail's value is shown.
type valueKind int

const (
	vNumber   valueKind = iota // a count, a year: as it is
	vNo                        // the number of a record: "#7"
	vUnit                      // a unit's number; 0 is the top level
	vUser                      // a Telegram user id
	vOptional                  // a filter or binding: left out when 0
	vDate                      // a date (or, in a listing's "before", a row number)
	vRole                      // role_<value>
	vCode                      // ed_val_<key>_<value>: a reason, a result, a flag
	vKind                      // kind_<value>: a sanction kind
	vFields                    // the changed columns of a member or a visit
	vText                      // as written: an item key
	vFen                       // an amount in fen, shown in yuan
)

// detailKeys are the keys the store writes, with how their values show.
var detailKeys = map[string]valueKind{
	"unit": vUnit, "parent": vUnit, "from": vUnit, "to": vUnit,
	"invitation": vNo, "sanction": vNo, "version": vNumber,
	"user": vUser, "actor": vOptional, "member": vOptional, "bound": vOptional,
	"role": vRole, "reason": vCode, "result": vCode, "apply": vCode, "kind": vKind,
	"fields": vFields, "key": vText, "since": vDate, "until": vDate, "before": vDate,
	"results": vNumber, "n": vNumber, "items": vNumber, "assignments_cleared": vNumber,
	"invitations_revoked": vNumber, "members_new": vNumber, "members_updated": vNumber,
	"sanctions_new": vNumber, "sanctions_updated": vNumber, "unchanged": vNumber, "rejected": vNumber,
	"year": vNumber, "off": vNumber, "work": vNumber, "through_seq": vNumber, "events": vNumber,
	"on": vDate, "fen": vFen, "of": vUser,
	"members": vNumber, "sanctions": vNumber, "visits": vNumber,
}

// detailText renders the detail of a row of action in tr's language.
func detailText(tr kit.Tr, action, detail string) string {
	var parts []string
	for _, word := range strings.Fields(detail) {
		key, val, ok := strings.Cut(word, "=")
		kind, known := detailKeys[key]
		if !ok || !known {
			parts = append(parts, kit.Esc(word))
			continue
		}
		if v, show := detailValue(tr, action, key, val, kind); show {
			parts = append(parts, tr.T("ed_detail", "Key", tr.T("ed_key_"+key), "Value", v))
		}
	}
	return strings.Join(parts, tr.T("ed_detail_sep"))
}

// detailValue renders one value; show is false for one left out.
func detailValue(tr kit.Tr, action, key, val string, kind valueKind) (string, bool) {
	switch kind {
	case vNo:
		return "#" + kit.Esc(val), val != "0"
	case vUnit:
		if val == "0" {
			return tr.T("ed_val_top"), true
		}
		return "#" + kit.Esc(val), true
	case vUser:
		return "<code>" + kit.Esc(val) + "</code>", true
	case vOptional:
		return kit.Esc(val), val != "0" && val != ""
	case vDate:
		if day, ok := kit.ParseDay(val); ok {
			return tr.Date(day), true
		}
		return kit.Esc(val), val != "0"
	case vRole:
		return translated(tr, "role_"+val, val), true
	case vCode:
		return translated(tr, "ed_val_"+key+"_"+val, val), true
	case vKind:
		return translated(tr, "kind_"+val, val), true
	case vFields:
		return fieldLabels(tr, action, val), true
	case vText:
		return kit.Esc(val), true
	case vFen:
		if fen, err := strconv.ParseInt(val, 10, 64); err == nil {
			return tr.T("ed_val_yuan", "Amount", kit.FormatFen(fen)), true
		}
	}
	return kit.Esc(val), true
}

// translated is the message id, or the raw value when there is none.
func translated(tr kit.Tr, id, raw string) string {
	if s := tr.T(id); s != id {
		return s
	}
	return kit.Esc(raw)
}

// fieldLabels names changed columns: a visit's by the visit record's own
// labels, a member's by ed_field_<column>.
func fieldLabels(tr kit.Tr, action, cols string) string {
	if action == models.AuditVisitEdit || action == models.AuditFollowUpDone {
		return visit.ChangedLabels(tr, cols)
	}
	var labels []string
	for _, c := range strings.Split(cols, ",") {
		if c = strings.TrimSpace(c); c != "" {
			labels = append(labels, translated(tr, "ed_field_"+c, c))
		}
	}
	if len(labels) == 0 {
		return tr.T("none")
	}
	return strings.Join(labels, tr.T("list_sep"))
}

// parseArgs parses the filter of /audit: "user <telegram id>" or a bare
// number (a user), "member <no>", "#<no>" or "member #<no>" (a member),
// each at most once, in any order; full-width digits and ＃ are read too.
func parseArgs(args string) (models.AuditFilter, bool) {
	var f models.AuditFilter
	words := strings.Fields(kit.Fold(args))
	for i := 0; i < len(words); i++ {
		w := strings.ToLower(words[i])
		member := strings.HasPrefix(w, "#")
		if w == "user" || w == "用户" || w == "member" || w == "人员" {
			member = w == "member" || w == "人员"
			if i++; i == len(words) {
				return models.AuditFilter{}, false
			}
			w = words[i]
		}
		if member {
			id, ok := kit.ParseID(strings.TrimPrefix(w, "#"))
			if !ok || f.MemberID != 0 {
				return models.AuditFilter{}, false
			}
			f.MemberID = id
			continue
		}
		id, err := strconv.ParseInt(w, 10, 64)
		if err != nil || id <= 0 || f.ActorID != 0 {
			return models.AuditFilter{}, false
		}
		f.ActorID = id
	}
	return f, true
}
