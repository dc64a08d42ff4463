package main

// The record form and the archive written to a file: `huifang form` and
// `huifang archive`, run on the server as an administrator would.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers/documents"
	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// docArgs checks `cmd NO FILE.docx` and returns the number and the file.
func docArgs(cmd string, pos []string) (uint64, string, error) {
	what := map[string]string{"form": "VISIT-NO", "archive": "MEMBER-NO"}[cmd]
	if len(pos) != 2 {
		return 0, "", fmt.Errorf("usage: huifang %s %s FILE.docx", cmd, what)
	}
	id, ok := kit.ParseID(pos[0])
	if !ok {
		return 0, "", fmt.Errorf("%s: %q is not a number (%s)", cmd, pos[0], what)
	}
	if !strings.EqualFold(filepath.Ext(pos[1]), ".docx") {
		return 0, "", fmt.Errorf("%s: %s does not end in .docx", cmd, pos[1])
	}
	return id, pos[1], nil
}

// runDocument is `huifang form VISIT-NO FILE.docx` and `huifang archive
// MEMBER-NO FILE.docx`: the document the chat sends, written to FILE,
// read as the command line's administrator (cliActorID) and audited so.
func runDocument(ctx context.Context, cfg config.Config, log *slog.Logger, cmd string, pos []string, stdout io.Writer) error {
	id, file, err := docArgs(cmd, pos)
	if err != nil {
		return err
	}
	cat, err := documents.NewCatalogue()
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	admin := models.Viewer{TelegramID: cliActorID, Role: models.RoleAdmin}
	tr, now := cat.Lang(kit.LangZH), time.Now().In(cfg.Timezone)
	var data []byte
	if cmd == "form" {
		var doc models.VisitDoc
		if doc, err = store.FormData(ctx, admin, id); err == nil {
			_, data, err = documents.FormFile(tr, cfg.OfficeName, doc, now)
		}
	} else {
		var doc models.ArchiveDoc
		if doc, err = store.ArchiveData(ctx, admin, id); err == nil {
			_, data, err = documents.ArchiveFile(tr, cfg.OfficeName, doc, now)
		}
	}
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("%s: no %s number %d", cmd, map[string]string{"form": "visit", "archive": "member"}[cmd], id)
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", cmd, id, err)
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	fmt.Fprintln(stdout, file)
	return nil
}
