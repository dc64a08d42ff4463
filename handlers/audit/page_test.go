package audit

import (
	"strings"
	"testing"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

func TestPage_Encoding(t *testing.T) {
	for _, f := range []models.AuditFilter{
		{BeforeID: 1},
		{ActorID: 10002, MemberID: 4, BeforeID: 987},
		{ActorID: 1<<63 - 1, MemberID: 1<<64 - 1, BeforeID: 1<<64 - 1},
	} {
		arg := encodePage(f)
		data := kit.Callback{Seq: 1<<31 - 1, NS: NS, Action: actPage, Arg: arg}.String()
		if len(data) > kit.MaxCallbackBytes {
			t.Errorf("%+v: callback data %q is %d bytes", f, data, len(data))
		}
		if cb, err := kit.ParseCallback(data); err != nil || cb.Arg != arg {
			t.Errorf("%+v: callback data %q does not parse: %v", f, data, err)
		}
		if got, ok := decodePage(arg); !ok || got != f {
			t.Errorf("decode(encode(%+v)) = %+v, %v", f, got, ok)
		}
	}
	for _, bad := range []string{"", "u1_m2", "u1_m2_b0", "m1_u2_b3", "u-1_m2_b3", "u1_m2_b3_x", "u_m_b", "uzzzzzzzzzzzzzz_m1_b1"} {
		if f, ok := decodePage(bad); ok {
			t.Errorf("decode(%q) = %+v, want rejection", bad, f)
		}
	}
}

// TestActionLabel: every audit action of models has a label in both
// languages; an unknown one is shown as its code.
func TestActionLabel(t *testing.T) {
	cat, err := kit.NewCatalogue(kit.Locales, locales)
	if err != nil {
		t.Fatal(err)
	}
	actions := []string{models.AuditAddUser, models.AuditSearch, models.AuditOpenMember, models.AuditViewStatus,
		models.AuditCreateVisit, models.AuditUnitCreate, models.AuditUnitRename, models.AuditUnitMove,
		models.AuditUnitDelete, models.AuditInviteCreate, models.AuditInviteRedeem, models.AuditInviteRevoke,
		models.AuditListUsers, models.AuditRevokeUser, models.AuditMemberCreate, models.AuditMemberUpdate,
		models.AuditSanctionCreate, models.AuditSanctionLift, models.AuditOpenVisit, models.AuditVisitEdit,
		models.AuditViewHistory, models.AuditViewAudit, models.AuditImport, models.AuditDenied}
	for _, lang := range []string{kit.LangZH, kit.LangEN} {
		tr := cat.Lang(lang)
		for _, a := range actions {
			if got := actionLabel(tr, a); got == a || strings.HasPrefix(got, "ed_act_") {
				t.Errorf("%s: no label for %q", lang, a)
			}
		}
		if got := actionLabel(tr, "new_<thing>"); got != "new_&lt;thing&gt;" {
			t.Errorf("unknown action = %q", got)
		}
	}
}
