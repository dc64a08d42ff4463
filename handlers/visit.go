package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/huifang/huifang/models"
)

// maxMatches is how many members are offered as buttons at once.
const maxMatches = 10

// cmdVisit starts logging a visit, or offers to resume an unfinished one.
func (s *session) cmdVisit(args string) error {
	if runeLen(args) > maxArgRunes {
		s.say("query_too_long", "Max", maxArgRunes)
		return nil
	}
	if s.st.Draft != nil {
		s.st.Pending = "/visit " + args
		s.show(Message{Text: s.t.T("draft_exists", "Name", esc(s.st.Draft.MemberName)), Buttons: [][]Button{
			{s.btn(s.t.T("draft_resume"), "dr", ""), s.btn(s.t.T("draft_new"), "dn", "")},
		}})
		return nil
	}
	s.st.Flow, s.st.Step, s.st.Choices = flowVisit, stepMember, nil
	if args == "" {
		s.show(Message{Text: s.t.T("ask_member"), Buttons: [][]Button{{s.btn(s.t.T("btn_cancel"), "cx", "")}}})
		return nil
	}
	return s.memberSearch(args)
}

func (s *session) onDraftChoice(action string) error {
	pending := s.st.Pending
	s.st.Pending = ""
	if s.st.Draft == nil {
		s.toast("button_expired")
		return nil
	}
	if action == "dr" {
		s.st.Flow = flowVisit
		s.show(s.visitPrompt())
		return nil
	}
	s.st.Draft = nil
	_, args := splitCommand(pending + " ")
	return s.runCommand("visit", args)
}

// memberSearch looks a member up by name or number for the visit flow.
func (s *session) memberSearch(q string) error { return s.lookup(q, "mb", s.startDraft) }

// lookup searches members and acts on the only match, or offers the
// matches as buttons with the given callback action.
func (s *session) lookup(q, action string, one func(uint64) error) error {
	matches, ok, err := s.searchMembers(q)
	if err != nil || !ok {
		return err
	}
	if len(matches) == 1 {
		return one(matches[0].Member.ID)
	}
	s.st.Step = stepPick
	s.showChoices(matches, action, "pick_member")
	return nil
}

// searchMembers runs a scoped search and answers "not found" or "too long"
// itself; ok is false when there is nothing to choose from.
func (s *session) searchMembers(q string) ([]models.MemberMatch, bool, error) {
	if runeLen(q) > maxArgRunes {
		s.say("query_too_long", "Max", maxArgRunes)
		return nil, false, nil
	}
	matches, err := s.a.store.SearchMembers(s.ctx, s.viewer, q, maxMatches+1)
	if errors.Is(err, models.ErrNotFound) {
		matches, err = nil, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("search members: %w", err)
	}
	if len(matches) == 0 {
		s.say("member_not_found", "Query", esc(q))
		return nil, false, nil
	}
	return matches, true, nil
}

// showChoices offers matching members as buttons, with what tells them apart.
func (s *session) showChoices(matches []models.MemberMatch, action, heading string) {
	text := s.t.T(heading)
	if len(matches) > maxMatches {
		matches = matches[:maxMatches]
		text += "\n" + s.t.T("too_many_matches", "N", maxMatches)
	}
	s.st.Choices = s.st.Choices[:0]
	var rows [][]Button
	for _, m := range matches {
		s.st.Choices = append(s.st.Choices, m.Member.ID)
		label := m.Member.Name + " · " + m.UnitName
		if m.Member.Post != "" {
			label += " · " + m.Member.Post
		}
		rows = append(rows, []Button{s.btn(label, action, strconv.FormatUint(m.Member.ID, 10))})
	}
	rows = append(rows, []Button{s.btn(s.t.T("btn_cancel"), "cx", "")})
	s.show(Message{Text: text, Buttons: rows})
}

// chosen checks that a pressed member button is one this chat was offered.
func (s *session) chosen(arg string) (uint64, bool) {
	id, ok := parseID(arg)
	return id, ok && slices.Contains(s.st.Choices, id)
}

// startDraft opens a new draft for a member the viewer may see.
func (s *session) startDraft(memberID uint64) error {
	m, unit, sanctions, ok, err := s.loadMember(memberID)
	if !ok || err != nil {
		return err
	}
	s.openDraft(m, unit, sanctions, 0)
	return nil
}

// loadMember loads a member the viewer may see with their sanctions; ok is
// false when the user has been told the member cannot be shown.
func (s *session) loadMember(memberID uint64) (models.Member, string, []models.Sanction, bool, error) {
	m, unit, sanctions, err := s.a.store.MemberSanctions(s.ctx, s.viewer, memberID)
	if errors.Is(err, models.ErrNotFound) {
		s.say("member_gone")
		return m, "", nil, false, nil
	}
	if err != nil {
		return m, "", nil, false, fmt.Errorf("load member %d: %w", memberID, err)
	}
	return m, unit, sanctions, true, nil
}

// openDraft starts the visit form for m. The only sanction, or else
// preselect when it is one of m's, is ticked.
func (s *session) openDraft(m models.Member, unit string, sanctions []models.Sanction, preselect uint64) {
	if len(sanctions) == 0 {
		s.st.Flow, s.st.Step, s.st.Choices = "", "", nil
		s.say("no_sanctions", "Name", esc(m.Name))
		return
	}
	d := &Draft{ID: newDraftID(), MemberID: m.ID, MemberName: m.Name, UnitName: unit, Key: m.Key}
	for _, sc := range sanctions {
		d.Avail = append(d.Avail, briefOf(sc))
		if len(sanctions) == 1 || sc.ID == preselect {
			d.Sel = []uint64{sc.ID}
		}
	}
	d.Step = nextStep(d, "")
	s.st.Draft, s.st.Flow, s.st.Step, s.st.Choices, s.st.Pending = d, flowVisit, "", nil, ""
	s.send(Message{Text: s.t.T("visit_started", "Name", esc(m.Name), "Unit", esc(unit))})
	s.send(s.visitPrompt())
}

func briefOf(sc models.Sanction) SanctionBrief {
	b := SanctionBrief{ID: sc.ID, Kind: string(sc.Kind), DecisionNo: sc.DecisionNo,
		DecisionDate: sc.DecisionDate.Format(dateLayout), Lifted: sc.LiftedOn != nil}
	if sc.PeriodEnd != nil {
		b.PeriodEnd = sc.PeriodEnd.Format(dateLayout)
	}
	return b
}

const dateLayout = "2006-01-02"

func newDraftID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
