package main

import (
	"errors"
	"strings"
)

// commandArgs are a command's own arguments, apart from the settings.
type commandArgs struct {
	cons   consoleFlags
	pos    []string // positional arguments of import, template, audit and 2fa
	remind []string // remind's own flags
	grant  string   // migrate's --grant
	ready  bool     // healthcheck --ready
	report reportFlags
	export exportArgs
}

// splitCommandArgs takes cmd's own arguments off args; the rest are
// configuration flags.
func splitCommandArgs(cmd string, args []string) (commandArgs, []string, error) {
	var ca commandArgs
	var err error
	switch cmd {
	case "console":
		args, err = ca.cons.parse(args)
	case "migrate":
		ca.grant, args, err = splitGrant(args)
	case "import", "template", "audit", "2fa", "form", "archive":
		ca.pos, args = splitPositional(args)
	case "remind":
		ca.remind, args = splitRemindArgs(args)
	case "healthcheck":
		ca.ready, args = takeSwitch(args, "ready")
	case "report":
		ca.report, args, err = splitReportArgs(args)
	case "export":
		ca.export, args, err = splitExportArgs(args)
	}
	return ca, args, err
}

// splitGrant takes migrate's --grant ACCOUNT (or --grant=ACCOUNT) off the
// arguments; the rest are configuration flags.
func splitGrant(args []string) (account string, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || name != "grant" {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return "", nil, errors.New("migrate: --grant needs a MySQL account, e.g. --grant huifang")
			}
			i++
			value = args[i]
		}
		account = value
	}
	return account, rest, nil
}
