package handlers

// The gate before administrators' actions: what kit.Cmd.Admin,
// kit.Feature.AdminButton, AdminText and AdminDocument mark runs for an
// administrator only after a second factor given within the period
// (handlers/factor). The dispatcher asks here, once for every feature:
// the action is kept, the code asked for in the chat, and the action run
// as it was once the code is right.

import (
	"github.com/huifang/huifang/handlers/factor"
	"github.com/huifang/huifang/handlers/kit"
)

// guard reports whether the action p was stopped to ask for a code (or
// failed); when it returns false the action goes ahead.
func (r *registry) guard(t *kit.Turn, p factor.Pending) (bool, error) {
	if r.gate == nil {
		return false, nil
	}
	blocks, err := r.gate.Blocks(t)
	if err != nil || !blocks {
		return err != nil, err
	}
	return true, r.gate.Ask(t, p)
}

// replay runs an action kept by guard once its code was accepted, in the
// flow and step it was taken in. The update being handled is the code:
// its text is dropped first, so that it reaches nothing else.
func (r *registry) replay(t *kit.Turn, p factor.Pending) error {
	t.In.Text = ""
	t.St.Flow, t.St.Step = p.Flow, p.Step
	switch {
	case p.Cmd != "":
		return r.runCommand(t, p.Cmd, p.Args)
	case p.Data != "":
		cb, err := kit.ParseCallback(p.Data)
		i, ok := r.ns[cb.NS]
		if err != nil || !ok {
			return nil
		}
		t.In.Callback, t.In.MessageID = p.Data, p.Msg
		return r.features[i].Button(t, cb)
	case p.Doc != nil:
		t.In.Document = p.Doc
		return r.document(t)
	case p.Text != "":
		if i, ok := r.flows[p.Flow]; ok {
			return r.features[i].Text(t, p.Text)
		}
	}
	return nil
}
