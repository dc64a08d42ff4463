// Package documents sends the office's Word documents in the chat: the
// record form of a visit (/form <no>, and the 📄 button under a saved or
// shown visit) and a member's archive (/archive <member>). Package
// documents at the top of the module writes the files; this one loads
// what they hold through the store (scoped and audited) and puts it in
// the documents' words.
package documents

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/handlers/visit"
	"github.com/huifang/huifang/models"
)

// Store is what the documents need of the database; every method scopes by
// the viewer and audits the document in the same transaction.
type Store interface {
	kit.MemberSearcher
	FormData(ctx context.Context, v models.Viewer, visitID uint64) (models.VisitDoc, error)
	ArchiveData(ctx context.Context, v models.Viewer, memberID uint64) (models.ArchiveDoc, error)
}

// NS is the callback namespace of the archive's member buttons; Flow the
// flow of a typed member. Prefix starts the data of the form buttons,
// which keep working under an old message ("d1:f:<visit id>").
const (
	NS       = "dc"
	Flow     = "archive"
	Prefix   = "d1:"
	actPick  = "ap" // arg: a member offered by a search
	actClose = "cx"
	formData = Prefix + "f:"
)

// MaxFileBytes is the largest file the Bot API lets a bot send (50 MB).
const MaxFileBytes = 50 << 20

//go:embed locales/*.toml
var locales embed.FS

// Documents is the documents feature.
type Documents struct {
	db     Store
	office string
}

// New builds the feature over db; office is the name the documents give
// as their maker (HUIFANG_OFFICE_NAME).
func New(db Store, office string) *Documents { return &Documents{db: db, office: office} }

// Feature is how the dispatcher sees the documents.
func (d *Documents) Feature() kit.Feature {
	p := kit.Picker{DB: d.db, Flow: Flow, NS: NS, Ask: "doc_ask_archive", Pick: actPick, Close: actClose, Show: d.sendArchive}
	return kit.Feature{
		Name: "documents",
		Cmds: []kit.Cmd{
			{Name: "form", Run: d.cmdForm},
			{Name: "archive", Run: p.Command},
		},
		NS: NS, Button: p.Button,
		Flows: []string{Flow}, Text: p.Query,
		Prefix: Prefix, Persistent: d.persistent,
		Locales: locales,
	}
}

// FormButton is the "📄 记录表" button that sends visit visitID's record
// form; it keeps working under older messages.
func FormButton(t *kit.Turn, visitID uint64) kit.Button {
	return kit.Button{Text: t.T.T("doc_btn_form"), Data: formData + strconv.FormatUint(visitID, 10)}
}

// ParseFormButton reads the visit id of a form button's data.
func ParseFormButton(data string) (uint64, bool) {
	arg, ok := strings.CutPrefix(data, formData)
	if !ok || arg == "" || len(data) > kit.MaxCallbackBytes {
		return 0, false
	}
	id, err := strconv.ParseUint(arg, 10, 64)
	if err != nil || id == 0 || strconv.FormatUint(id, 10) != arg {
		return 0, false
	}
	return id, true
}

// cmdForm answers /form <visit no>.
func (d *Documents) cmdForm(t *kit.Turn, args string) error {
	id, ok := kit.ParseID(args)
	if !ok {
		t.Say("doc_form_usage")
		return nil
	}
	return d.sendForm(t, id)
}

func (d *Documents) persistent(t *kit.Turn, data string) error {
	id, ok := ParseFormButton(data)
	if !ok {
		t.Toast("button_expired")
		return nil
	}
	t.Toast("doc_sending")
	return d.sendForm(t, id)
}

// sendForm sends visit id's record form; the store audits it.
func (d *Documents) sendForm(t *kit.Turn, id uint64) error {
	doc, err := d.db.FormData(t.Ctx, t.Viewer, id)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("doc_visit_gone", "No", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("form of visit %d: %w", id, err)
	}
	name, data, err := FormFile(t.Env.Cat.Lang(kit.LangZH), d.office, doc, t.Env.Now().In(t.Env.Loc))
	if err != nil {
		return fmt.Errorf("write form of visit %d: %w", id, err)
	}
	d.send(t, name, data, t.T.T("doc_form_caption", "No", id), "doc_too_large_form")
	return nil
}

// sendArchive sends member id's archive; the store audits it.
func (d *Documents) sendArchive(t *kit.Turn, id uint64) error {
	doc, err := d.db.ArchiveData(t.Ctx, t.Viewer, id)
	if errors.Is(err, models.ErrNotFound) {
		t.Say("member_gone")
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive of member %d: %w", id, err)
	}
	t.St.Flow, t.St.Step, t.St.Choices = "", "", nil
	name, data, err := ArchiveFile(t.Env.Cat.Lang(kit.LangZH), d.office, doc, t.Env.Now().In(t.Env.Loc))
	if err != nil {
		return fmt.Errorf("write archive of member %d: %w", id, err)
	}
	d.send(t, name, data, t.T.T("doc_archive_caption", "Name", kit.Esc(doc.Member.Name), "N", len(doc.Visits)), "doc_too_large_archive")
	return nil
}

// send sends a document, protected, or says how to narrow it when it is
// over Telegram's limit.
func (d *Documents) send(t *kit.Turn, name string, data []byte, caption, tooLarge string) {
	if len(data) > MaxFileBytes {
		t.Say(tooLarge, "MB", len(data)>>20, "Max", MaxFileBytes>>20)
		return
	}
	t.Send(kit.Message{Text: caption, Document: &kit.File{Name: name, Data: data}, Protect: true})
}

// NewCatalogue is the catalogue the documents' words come from (kit's,
// the visit record's and this feature's), for making them outside the
// chat: the command line.
func NewCatalogue() (*kit.Catalogue, error) {
	return kit.NewCatalogue(kit.Locales, visit.New(nil).Feature().Locales, locales)
}
