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
	case t.In.Document == nil && cutRest(t):
		return nil
	case strings.HasPrefix(text, "/"):
		name, args := splitCommand(text)
		return r.command(t, name, args)
	case t.In.Document != nil:
		return r.document(t)
	case text == "":
		t.Say("empty_input")
		return nil
	case kit.TextLen(text) > cutMin:
		return r.cutFirst(t, text)
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
// still arrive, by the messages' own dates.
const cutWindow = 3 * time.Second

// cutMin is the length (UTF-16 code units) beyond which a text may be the
// first part of one a Telegram client cut into several messages: Android
// and iOS cut at the limit (4096), Telegram Desktop at the last paragraph,
// line break or space after half of it, so a first part can be anything
// longer than 2048. No answer the bot asks for is nearly that long.
const cutMin = kit.MaxTextLen / 2

// cutFirst refuses a text that may be the first part of one Telegram cut
// into several messages, so that no part is ever taken as an answer: the
// parts that follow within cutWindow are dropped (cutRest), and the
// question of the flow in progress is asked again.
func (r *registry) cutFirst(t *kit.Turn, text string) error {
	t.St.CutUntil = sentAt(t).Add(cutWindow).UnixMilli()
	t.Say("text_cut", "N", kit.TextLen(text))
	if _, ok := r.flows[t.St.Flow]; !ok {
		return nil
	}
	_, err := r.resume(t)
	return err
}

// cutRest reports whether the message is a later part of a text cut by
// Telegram whose first part was refused, and drops it.
func cutRest(t *kit.Turn) bool {
	if t.St.CutUntil == 0 {
		return false
	}
	if sentAt(t).UnixMilli() <= t.St.CutUntil {
		return true
	}
	t.St.CutUntil = 0
	return false
}

// sentAt is when the message was sent: Telegram's date, else (the console,
// tests) now.
func sentAt(t *kit.Turn) time.Time {
	if !t.In.Sent.IsZero() {
		return t.In.Sent
	}
	return t.Env.Now()
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
