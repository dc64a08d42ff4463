package main

// The commands that work on this machine's files and terminal: the demo
// roster, imports, the template and the console.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang/bot"
	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/importer"
	"golang.org/x/term"
)

func loadDemo(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.LoadDemo(ctx, demoAdminID, demoInspectorID); err != nil {
		return fmt.Errorf("load demo roster: %w", err)
	}
	log.Info("demo roster loaded", "admin_id", demoAdminID, "inspector_id", demoInspectorID)
	return nil
}

// splitPositional separates arguments that are not flags (file names) and
// the --yes switch from the configuration flags. A flag's value must be
// given as -flag=value there, since a bare word is taken as positional.
func splitPositional(args []string) (pos, flags []string) {
	for _, a := range args {
		switch {
		case a == "--yes" || a == "-yes" || a == "-y":
			pos = append(pos, "--yes")
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
		default:
			pos = append(pos, a)
		}
	}
	return pos, flags
}

// cliActorID is the Telegram id audit rows carry for imports run from the
// command line by someone with access to the server: an admin by
// definition, and never a real Telegram user (ids are positive).
const cliActorID = -1

// runImport imports a file through the same flow as a document sent to the
// bot: the preview, then the confirmation button (pressed by --yes, or by
// typing its number).
func runImport(ctx context.Context, cfg config.Config, log *slog.Logger, pos []string, stdin io.Reader, stdout io.Writer) error {
	var file string
	yes := false
	for _, p := range pos {
		if p == "--yes" {
			yes = true
		} else if file == "" {
			file = p
		} else {
			return fmt.Errorf("import: one file at a time (got %q and %q)", file, p)
		}
	}
	if file == "" {
		return errors.New("import: give the .xlsx or .csv file to import")
	}
	if err := checkImportFile(ctx, file); err != nil {
		return err
	}
	cfg.Admins = append(cfg.Admins, cliActorID)
	cfg.AdminFactor = false // run on the server, as the console
	svc, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.close()
	app := svc.app
	script := "/file " + strconv.Quote(file) + "\n"
	in := io.MultiReader(strings.NewReader(script), stdin)
	if yes {
		in = strings.NewReader(script + "1\n") // [1] is the preview's confirm button
	}
	asked := !yes && !isTerminal(stdin)
	if asked {
		in = strings.NewReader(script) // no one to answer: show the preview only
	}
	c := &bot.Console{In: in, Out: stdout, ChatID: cliActorID, UserID: cliActorID, Lang: "zh",
		Handler: app, Apology: app.Apology, Logger: log}
	app.SetTransport("huifang_console", c)
	if err := c.Run(ctx); err != nil {
		return err
	}
	if asked {
		return errors.New("import: nothing imported: no terminal to confirm on; run again with --yes to import what the preview shows")
	}
	return nil
}

// checkImportFile refuses, before anything is opened, a file that cannot be
// imported: missing, unreadable, of another type, or that the importer
// refuses, with the importer's reason.
func checkImportFile(ctx context.Context, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if ext := strings.ToLower(filepath.Ext(file)); ext != ".xlsx" && ext != ".csv" {
		return fmt.Errorf("import: %s is not an .xlsx or .csv file", file)
	}
	if _, err := importer.ParseContext(ctx, filepath.Base(file), data, time.Now()); err != nil {
		return fmt.Errorf("import: %s: %w", file, err)
	}
	return nil
}

// isTerminal reports whether r is a terminal someone can type at: a
// character device is not enough (/dev/null is one, and is what cron and
// systemd give a job), so ask the terminal driver.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeTemplate writes the import template workbook.
func writeTemplate(pos []string, stdout io.Writer) error {
	name := importer.TemplateName
	switch len(pos) {
	case 0:
	case 1:
		name = pos[0]
	default:
		return fmt.Errorf("template: one file name at most (got %d)", len(pos))
	}
	data, err := importer.Template()
	if err != nil {
		return fmt.Errorf("build template: %w", err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	fmt.Fprintln(stdout, name)
	return nil
}

// consoleFlags are the console subcommand's own flags.
type consoleFlags struct {
	user int64
	demo bool
}

// parse takes --user and --demo out of args and leaves the common
// configuration flags for config.Load.
func (c *consoleFlags) parse(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case !strings.HasPrefix(a, "-"):
			rest = append(rest, a)
		case name == "demo":
			c.demo = !hasValue || value == "true" || value == "1"
		case name == "user":
			if !hasValue {
				if i+1 >= len(args) {
					return nil, errors.New("console: --user needs a Telegram user id")
				}
				i++
				value = args[i]
			}
			id, err := strconv.ParseInt(value, 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("console: --user %q is not a Telegram user id", value)
			}
			c.user = id
		default:
			rest = append(rest, a)
		}
	}
	return rest, nil
}

// consoleHint is the console's first line.
const consoleHint = "输入 /help 查看可用命令；按钮用数字选择（如输入 1）。Ctrl+D 退出。"

func runConsole(ctx context.Context, cfg config.Config, log *slog.Logger, cons consoleFlags, stdin io.Reader, stdout io.Writer) error {
	if cons.demo {
		if err := loadDemo(ctx, cfg, log); err != nil {
			return err
		}
		if cons.user == 0 {
			cons.user = demoAdminID
		}
	}
	if cons.user == 0 {
		return errors.New("console: give --user ID (a registered Telegram id) or --demo")
	}
	// The console runs on the server: whoever types there is past what a
	// second factor guards (a Telegram account taken over).
	cfg.AdminFactor = false
	svc, err := openServices(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.close()
	app := svc.app
	c := &bot.Console{In: stdin, Out: stdout, ChatID: cons.user, UserID: cons.user, Lang: "zh",
		Handler: app, Apology: app.Apology, Logger: log}
	app.SetTransport("huifang_console", c)
	fmt.Fprintln(stdout, consoleHint)
	start := time.Now()
	err = c.Run(ctx)
	log.Debug("console ended", "after", time.Since(start))
	return err
}
