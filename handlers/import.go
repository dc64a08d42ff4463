package handlers

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/huifang/huifang/importer"
	"github.com/huifang/huifang/models"
)

// telegramMaxDownload is the largest file the public Bot API lets a bot
// download (TELEGRAM.md).
const telegramMaxDownload = 20 << 20

// cmdTemplate sends the import template workbook.
func (s *session) cmdTemplate() error {
	if !s.mayImport() {
		s.say("ro_template_forbidden")
		return nil
	}
	data, err := importer.Template()
	if err != nil {
		return fmt.Errorf("build import template: %w", err)
	}
	// Sent without protect_content: the template holds no member data, and
	// a protected file could not be saved to be filled in.
	m := Message{Text: s.t.T("ro_template_caption"), Document: &File{Name: s.t.T("ro_template_file"), Data: data}}
	s.resp.Messages = append(s.resp.Messages, m)
	return nil
}

// mayImport reports whether the role may import at all; models decides
// for a supervisor (and audits a refusal).
func (s *session) mayImport() bool {
	return s.user.Role == models.RoleAdmin || s.user.Role == models.RoleSupervisor
}

// onDocument handles a document the user sent: an import file.
func (s *session) onDocument() error {
	doc := s.in.Document
	if !s.mayImport() {
		return s.refuseImport()
	}
	ext := strings.ToLower(path.Ext(doc.FileName))
	switch {
	case ext != ".xlsx" && ext != ".csv":
		s.say("ro_file_type")
		return nil
	case doc.Size > telegramMaxDownload:
		s.say("ro_file_over_telegram", "MB", telegramMaxDownload>>20)
		return nil
	case doc.Size > int64(importer.MaxFileBytes):
		s.say("ro_file_too_big", "Limit", byteSize(int64(importer.MaxFileBytes)))
		return nil
	case s.a.files == nil:
		s.say("ro_download_unavailable")
		return nil
	}
	s.startRoster(&RosterState{Kind: kindImport, Step: stepConfirmImp, FileID: doc.FileID, FileName: doc.FileName})
	return s.runImport(false)
}

// refuseImport answers a user whose role may not import; models is asked
// for an empty preview so that the refusal is audited.
func (s *session) refuseImport() error {
	rs, err := s.roster()
	if err != nil {
		return err
	}
	if _, err := rs.ImportRoster(s.ctx, s.viewer, nil, nil, false); err != nil && !errors.Is(err, models.ErrForbidden) {
		return fmt.Errorf("audit refused import: %w", err)
	}
	s.say("ro_import_forbidden")
	return nil
}

func (s *session) importButton(cb Callback) error {
	if cb.Action != "cf" || s.st.Roster.Step != stepConfirmImp {
		s.toast("button_expired")
		return nil
	}
	return s.runImport(true)
}

// runImport downloads and parses the file, then previews the import or,
// when apply is true, writes it in one transaction.
func (s *session) runImport(apply bool) error {
	r := s.st.Roster
	res, ok, err := s.parseImport(r.FileID, r.FileName)
	if err != nil || !ok {
		s.endRoster()
		return err
	}
	rs, err := s.roster()
	if err != nil {
		return err
	}
	out, err := rs.ImportRoster(s.ctx, s.viewer, res.Members, res.Sanctions, apply)
	switch {
	case errors.Is(err, models.ErrForbidden):
		s.endRoster()
		s.say("ro_import_forbidden")
		return nil
	case err != nil:
		return fmt.Errorf("import roster (apply=%t): %w", apply, err)
	}
	rejected := append(append([]models.ImportRejection{}, res.Rejected...), out.Rejected...)
	if apply {
		s.endRoster()
		s.ack("saved_short")
		s.show(Message{Text: s.t.T("ro_import_done", importCounts(out, rejected)...)})
		return nil
	}
	s.showPreview(r.FileName, out, rejected)
	return nil
}

// parseImport fetches and parses an import file; ok is false when the
// user has been told why it cannot be imported.
func (s *session) parseImport(fileID, name string) (importer.Result, bool, error) {
	if s.a.files == nil {
		s.say("ro_download_unavailable")
		return importer.Result{}, false, nil
	}
	data, err := s.a.files.GetFile(s.ctx, fileID)
	if err != nil {
		s.a.log.Warn("download import file", "chat_id", s.in.ChatID, "err", err)
		s.say("ro_download_failed")
		return importer.Result{}, false, nil
	}
	res, err := importer.Parse(name, data, s.today())
	for _, e := range []struct {
		err error
		id  string
	}{
		{importer.ErrFileType, "ro_file_type"}, {importer.ErrEmpty, "ro_file_empty"},
		{importer.ErrHeaders, "ro_file_headers"}, {importer.ErrTooLarge, "ro_file_too_big"},
	} {
		if errors.Is(err, e.err) {
			s.say(e.id, "Limit", byteSize(int64(importer.MaxFileBytes)))
			return importer.Result{}, false, nil
		}
	}
	if err != nil {
		return importer.Result{}, false, fmt.Errorf("parse import file: %w", err)
	}
	return res, true, nil
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
