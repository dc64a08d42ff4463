package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/huifang/huifang/handlers/factor"
	"github.com/huifang/huifang/handlers/kit"
)

// menu are the commands shown in Telegram's "/" menu, in order.
var menu = []string{"visit", "status", "due", "digest", "member", "units", "users", "invite", "settings", "cancel", "help", "lang", "start"}

// registry is every command, callback namespace, flow and button prefix
// of the features, each owned by exactly one.
type registry struct {
	features []kit.Feature
	cmds     map[string]kit.Cmd
	owner    map[string]int // command → feature index
	ns       map[string]int // callback namespace → feature index
	flows    map[string]int // flow → feature index
	menu     []string
	gate     *factor.Factor // asks administrators for a second factor (gate.go)
}

func newRegistry(features []kit.Feature, gate *factor.Factor) (*registry, error) {
	r := &registry{features: features, cmds: map[string]kit.Cmd{}, owner: map[string]int{},
		ns: map[string]int{}, flows: map[string]int{}, menu: menu, gate: gate}
	claim := func(m map[string]int, kind, key string, i int) error {
		if j, ok := m[key]; ok {
			return fmt.Errorf("handlers: %s %q claimed by %s and %s", kind, key, features[j].Name, features[i].Name)
		}
		m[key] = i
		return nil
	}
	for i, f := range features {
		for _, c := range f.Cmds {
			if err := claim(r.owner, "command", c.Name, i); err != nil {
				return nil, err
			}
			r.cmds[c.Name] = c
		}
		if f.NS != "" {
			if err := claim(r.ns, "callback namespace", f.NS, i); err != nil {
				return nil, err
			}
		}
		for _, fl := range f.Flows {
			if err := claim(r.flows, "flow", fl, i); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range menu {
		if _, ok := r.cmds[name]; !ok {
			return nil, fmt.Errorf("handlers: menu command %q is not registered", name)
		}
	}
	return r, nil
}

// dispatch routes the update. The sequence number moves on with every
// accepted update, so buttons of earlier prompts expire.
func (r *registry) dispatch(t *kit.Turn) error {
	if t.In.Callback != "" {
		return r.callback(t)
	}
	t.St.Seq++
	text := strings.TrimSpace(t.In.Text)
	switch {
	case strings.HasPrefix(text, "/"):
		name, args := splitCommand(text)
		return r.command(t, name, args)
	case t.In.Document != nil:
		return r.document(t)
	case text == "":
		t.Say("empty_input")
		return nil
	case cutPart(t, text):
		return nil
	}
	if i, ok := r.flows[t.St.Flow]; ok {
		if r.features[i].AdminText {
			if stop, err := r.guard(t, factor.Pending{Text: text}); stop {
				return err
			}
		}
		return r.features[i].Text(t, text)
	}
	return r.idleHint(t)
}

// document hands a file to the feature that takes files.
func (r *registry) document(t *kit.Turn) error {
	for _, f := range r.features {
		if f.Document == nil {
			continue
		}
		if f.AdminDocument {
			if stop, err := r.guard(t, factor.Pending{Doc: t.In.Document}); stop {
				return err
			}
		}
		return f.Document(t)
	}
	t.Say("document_unsupported")
	return nil
}

// cutWindow is how long after a text cut by Telegram its other parts may
// still arrive.
const cutWindow = 3 * time.Second

// cutPart handles the parts of a text longer than Telegram's limit, which
// Telegram delivers as several messages: the first (at the limit) is
// refused with a clear message, the others are dropped, so that no part is
// ever taken as the answer to a question. It reports whether it did.
func cutPart(t *kit.Turn, text string) bool {
	now := t.Env.Now()
	if kit.TextLen(t.In.Text) >= kit.MaxTextLen {
		t.St.CutUntil = now.Add(cutWindow).UnixMilli()
		t.Say("text_cut", "Max", kit.MaxTextLen)
		return true
	}
	if now.UnixMilli() < t.St.CutUntil {
		return true
	}
	t.St.CutUntil = 0
	return false
}

// splitCommand splits "/cmd@bot args" into "cmd" and "args".
func splitCommand(text string) (string, string) {
	name, args, _ := strings.Cut(text[1:], " ")
	name, _, _ = strings.Cut(name, "@")
	return strings.ToLower(name), strings.TrimSpace(args)
}

// callback routes a pressed button: persistent buttons by their prefix,
// conversation buttons by namespace once their sequence number matches.
func (r *registry) callback(t *kit.Turn) error {
	for _, f := range r.features {
		if f.Prefix != "" && strings.HasPrefix(t.In.Callback, f.Prefix) {
			return f.Persistent(t, t.In.Callback)
		}
	}
	cb, err := kit.ParseCallback(t.In.Callback)
	i, ok := r.ns[cb.NS]
	if err != nil || cb.Seq != t.St.Seq || !ok {
		t.Toast("button_expired")
		if err == nil && ok && t.St.Seq == 0 && cb.Seq > 0 {
			// A button of a conversation this chat no longer has: it
			// expired, or the state store lost it. Say so, once (the
			// state saved now has buttons of its own).
			t.Say("state_lost")
		}
		return nil
	}
	t.St.Seq++
	if f := r.features[i]; f.AdminButton != nil && f.AdminButton(cb) {
		if stop, err := r.guard(t, factor.Pending{Data: t.In.Callback, Msg: t.In.MessageID}); stop {
			return err
		}
	}
	return r.features[i].Button(t, cb)
}

// command runs a typed command. One typed while a form has unsaved work
// (other than the form's own and read-only ones) asks first what to do
// with that work.
func (r *registry) command(t *kit.Turn, name, args string) error {
	c, ok := r.cmds[name]
	if !ok {
		t.Say("unknown_command")
		return nil
	}
	if !c.Keeps {
		if i, busy := r.flows[t.St.Flow]; busy && r.owner[name] != i {
			if what, ok := r.unfinished(t, i); ok {
				askPending(t, what, "/"+name+" "+args)
				return nil
			}
		}
	}
	if c.Admin {
		if stop, err := r.guard(t, factor.Pending{Cmd: name, Args: args}); stop {
			return err
		}
	}
	if !c.Aside {
		return c.Run(t, args)
	}
	flow := t.St.Flow
	if err := c.Run(t, args); err != nil {
		return err
	}
	if i, ok := r.flows[flow]; ok && t.St.Flow == flow {
		if _, busy := r.unfinished(t, i); busy && r.features[i].Resume != nil {
			return r.features[i].Resume(t)
		}
	}
	return nil
}

// runCommand runs a command as if typed, without the unsaved-work question.
func (r *registry) runCommand(t *kit.Turn, name, args string) error {
	if c, ok := r.cmds[name]; ok {
		if c.Admin {
			if stop, err := r.guard(t, factor.Pending{Cmd: name, Args: args}); stop {
				return err
			}
		}
		return c.Run(t, args)
	}
	t.Say("unknown_command")
	return nil
}

// unfinished asks feature i whether it holds unsaved work.
func (r *registry) unfinished(t *kit.Turn, i int) (string, bool) {
	if f := r.features[i]; f.Unfinished != nil {
		return f.Unfinished(t)
	}
	return "", false
}

// anyUnfinished names the first unsaved work any feature holds.
func (r *registry) anyUnfinished(t *kit.Turn) (int, string, bool) {
	for i := range r.features {
		if what, ok := r.unfinished(t, i); ok {
			return i, what, true
		}
	}
	return 0, "", false
}

// idleHint answers text no flow waits for: a reminder of paused work, or
// the menu.
func (r *registry) idleHint(t *kit.Turn) error {
	t.St.Flow, t.St.Step = "", ""
	if _, what, ok := r.anyUnfinished(t); ok {
		t.Say("draft_paused_hint", "Name", kit.Esc(what))
		return nil
	}
	t.Send(mainMenu(t, t.T.T("idle_hint")))
	return nil
}

// answerAgain renders the answer to the last update again after Telegram
// delivered it once more: what the feature marked replayable, else the
// current step. Nothing is applied and nothing changes in the state.
func (r *registry) answerAgain(t *kit.Turn) error {
	if rp := t.St.Replay; rp != nil {
		if i, ok := r.ns[rp.NS]; ok && r.features[i].Replay != nil {
			return r.features[i].Replay(t, rp.Arg)
		}
		return nil
	}
	_, err := r.resume(t)
	return err
}

// resume shows the current step of the flow in progress, or of unsaved
// work; ok is false when there is none.
func (r *registry) resume(t *kit.Turn) (bool, error) {
	if i, ok := r.flows[t.St.Flow]; ok && r.features[i].Resume != nil {
		if _, busy := r.unfinished(t, i); busy || r.features[i].Unfinished == nil {
			return true, r.features[i].Resume(t)
		}
	}
	if i, _, ok := r.anyUnfinished(t); ok && r.features[i].Resume != nil {
		return true, r.features[i].Resume(t)
	}
	return false, nil
}
