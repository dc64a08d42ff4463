package roster

// /template and roster files sent to the bot: a preview of what the import
// would do, then, on confirm, the import in one transaction. The draft
// keeps the Telegram file id only; the confirm takes the preview's parse
// kept in process, or downloads and parses the file again (parse.go).

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// telegramMaxDownload is the largest file the public Bot API lets a bot
// download (TELEGRAM.md).
const telegramMaxDownload = 20 << 20

// cmdTemplate sends the import template workbook.
func (r *Roster) cmdTemplate(t *kit.Turn, _ string) error {
	if !canEdit(t) {
		t.Say("ro_template_forbidden")
		return nil
	}
	data, err := importer.Template()
	if err != nil {
		return fmt.Errorf("build import template: %w", err)
	}
	// Sent without protect_content (so not through Send): the template
	// holds no member data, and a protected file could not be saved to be
	// filled in.
	m := kit.Message{Text: t.T.T("ro_template_caption"), Document: &kit.File{Name: t.T.T("ro_template_file"), Data: data}}
	t.Resp.Messages = append(t.Resp.Messages, m)
	return nil
}

// document handles a file the user sent: an import file. Whether the role
// may import at all is checked here; models decides for a supervisor (and
// audits a refusal).
func (r *Roster) document(t *kit.Turn) error {
	doc := t.In.Document
	if !canEdit(t) {
		return r.refuseImport(t)
	}
	ext := strings.ToLower(path.Ext(doc.FileName))
	switch {
	case ext != ".xlsx" && ext != ".csv":
		t.Say("ro_file_type")
		return nil
	case doc.Size > telegramMaxDownload:
		t.Say("ro_file_over_telegram", "MB", telegramMaxDownload>>20)
		return nil
	case doc.Size > int64(importer.MaxFileBytes):
		t.Say("ro_file_too_big", "Limit", byteSize(int64(importer.MaxFileBytes)))
		return nil
	case t.Env.Files == nil:
		t.Say("ro_download_unavailable")
		return nil
	}
	d := &Draft{Kind: kindImport, FileID: doc.FileID, FileName: doc.FileName}
	start(t, d)
	return r.runImport(t, d, false)
}

// refuseImport answers a user whose role may not import; models is asked
// for an empty preview so that the refusal is audited.
func (r *Roster) refuseImport(t *kit.Turn) error {
	if _, err := r.db.ImportRoster(t.Ctx, t.Viewer, nil, nil, nil, false); err != nil && !errors.Is(err, models.ErrForbidden) {
		return fmt.Errorf("audit refused import: %w", err)
	}
	t.Say("ro_import_forbidden")
	return nil
}

// runImport reads the file (parse.go), then previews the import or, when
// apply is true, writes it in one transaction.
func (r *Roster) runImport(t *kit.Turn, d *Draft, apply bool) error {
	res, ok, err := r.parseImport(t, d, apply)
	if err != nil || !ok {
		end(t)
		return err
	}
	out, err := r.db.ImportRoster(t.Ctx, t.Viewer, res.Members, res.Sanctions, res.Rejected, apply)
	switch {
	case errors.Is(err, models.ErrForbidden):
		end(t)
		t.Say("ro_import_forbidden")
		return nil
	case err != nil:
		return fmt.Errorf("import roster (apply=%t): %w", apply, err)
	}
	rejected := append(append([]models.ImportRejection{}, res.Rejected...), out.Rejected...)
	if apply {
		r.parsed.drop(parsedKeyOf(t, d))
		end(t)
		t.Ack("saved_short")
		t.Show(kit.Message{Text: t.T.T("ro_import_done", importCounts(out, rejected)...)})
		return nil
	}
	showPreview(t, d.FileName, out, rejected)
	return nil
}

// importCounts is the template data of the counts of an import.
func importCounts(out models.ImportResult, rejected []models.ImportRejection) []any {
	return []any{"NewMembers", out.NewMembers, "UpdatedMembers", out.UpdatedMembers,
		"NewSanctions", out.NewSanctions, "UpdatedSanctions", out.UpdatedSanctions,
		"Unchanged", out.Unchanged, "Rejected", rejectedRows(rejected)}
}

// rejectedRows counts the rows with at least one rejection.
func rejectedRows(rejected []models.ImportRejection) int {
	rows := map[string]bool{}
	for _, r := range rejected {
		rows[fmt.Sprintf("%s:%d", r.Sheet, r.Row)] = true
	}
	return len(rows)
}

// byteSize renders a size limit in MB (or KB below one MB).
func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%g MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n>>10)
}
