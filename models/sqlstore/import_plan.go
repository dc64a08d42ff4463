package sqlstore

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// unitIndex finds units by name or by a "parent/child" path of names. An
// import loads every unit once: telling "not in your subtree" from "no
// such unit" needs them all, and a unit's name is all it reveals.
type unitIndex struct {
	byID     map[uint64]models.Unit
	byName   map[string][]models.Unit
	resolved map[string]unitResolution // cache: the rows name few units
}

type unitResolution struct {
	id     uint64
	reason string // a Reject code when id is 0
}

func loadUnitIndex(tx *gorm.DB) (*unitIndex, error) {
	var units []models.Unit
	if err := tx.Select("id", "parent_id", "name", "path").Find(&units).Error; err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	ix := &unitIndex{byID: make(map[uint64]models.Unit, len(units)), byName: map[string][]models.Unit{}, resolved: map[string]unitResolution{}}
	for _, u := range units {
		ix.byID[u.ID] = u
		ix.byName[u.Name] = append(ix.byName[u.Name], u)
	}
	return ix, nil
}

// resolve returns the one unit of sc called name, else a Reject code:
// unit_not_found when no unit matches, unit_out_of_scope when all that
// match lie outside sc, unit_ambiguous when several inside sc do.
func (ix *unitIndex) resolve(name string, sc unitScope) unitResolution {
	if r, ok := ix.resolved[name]; ok {
		return r
	}
	candidates := ix.byName[name]
	if len(candidates) == 0 && strings.Contains(name, "/") {
		candidates = ix.byPath(strings.Split(name, "/"))
	}
	var inScope []models.Unit
	for _, u := range candidates {
		if sc.contains(u.Path) {
			inScope = append(inScope, u)
		}
	}
	var r unitResolution
	switch {
	case len(candidates) == 0:
		r.reason = models.RejectUnitNotFound
	case len(inScope) == 0:
		r.reason = models.RejectUnitOutOfScope
	case len(inScope) > 1:
		r.reason = models.RejectUnitAmbiguous
	default:
		r.id = inScope[0].ID
	}
	ix.resolved[name] = r
	return r
}

// byPath returns the units called like the last part whose ancestors are
// called like the parts before it, nearest first.
func (ix *unitIndex) byPath(parts []string) []models.Unit {
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var out []models.Unit
	for _, u := range ix.byName[parts[len(parts)-1]] {
		cur, ok := u, true
		for i := len(parts) - 2; i >= 0 && ok; i-- {
			var parent models.Unit
			if cur.ParentID != nil {
				parent, ok = ix.byID[*cur.ParentID]
			} else {
				ok = false
			}
			ok = ok && parent.Name == parts[i]
			cur = parent
		}
		if ok {
			out = append(out, u)
		}
	}
	return out
}

// checkMembers normalises the members rows and keeps those whose fields
// are valid, whose unit resolves and which do not repeat an earlier row.
func (im *rosterImport) checkMembers(rows []models.ImportMember) []acceptedMember {
	seen := make(map[memberKey]bool, len(rows))
	out := make([]acceptedMember, 0, len(rows))
	for _, r := range rows {
		r, issues := r.Check()
		if len(issues) > 0 {
			im.rejectIssues(models.SheetMembers, r.Row, issues)
			continue
		}
		unit := im.units.resolve(r.UnitName, im.scope)
		if unit.id == 0 {
			im.reject(models.SheetMembers, r.Row, "UnitName", unit.reason)
			continue
		}
		key := memberKey{r.Name, unit.id}
		if seen[key] {
			im.reject(models.SheetMembers, r.Row, "Name", models.RejectDuplicateInFile)
			continue
		}
		seen[key] = true
		out = append(out, acceptedMember{row: r, key: key})
	}
	return out
}

// checkSanctions is checkMembers for the sanctions rows; a decision
// number may appear once.
func (im *rosterImport) checkSanctions(rows []models.ImportSanction) []acceptedSanction {
	seen := make(map[string]bool, len(rows))
	out := make([]acceptedSanction, 0, len(rows))
	for _, r := range rows {
		r, issues := r.Check()
		if len(issues) > 0 {
			im.rejectIssues(models.SheetSanctions, r.Row, issues)
			continue
		}
		unit := im.units.resolve(r.UnitName, im.scope)
		if unit.id == 0 {
			im.reject(models.SheetSanctions, r.Row, "UnitName", unit.reason)
			continue
		}
		if seen[r.DecisionNo] {
			im.reject(models.SheetSanctions, r.Row, "DecisionNo", models.RejectDuplicateInFile)
			continue
		}
		seen[r.DecisionNo] = true
		out = append(out, acceptedSanction{row: r, key: memberKey{r.MemberName, unit.id}})
	}
	return out
}

// loadRoster loads, through the actor's scope, the members that have the
// names of the accepted rows, by name so that the work follows the size of
// the file rather than of the units it names.
func (im *rosterImport) loadRoster(ms []acceptedMember, ss []acceptedSanction) error {
	nameSet := map[string]bool{}
	for _, m := range ms {
		nameSet[m.key.name] = true
	}
	for _, s := range ss {
		nameSet[s.key.name] = true
	}
	names := slices.Sorted(maps.Keys(nameSet))
	im.roster = map[memberKey][]models.Member{}
	for start := 0; start < len(names); start += lookupChunk {
		q, err := scopedMembersFirst(im.tx, im.actor)
		if err != nil {
			return err
		}
		var found []models.Member
		err = q.Select("members.*").Where("members.name IN ?", names[start:min(start+lookupChunk, len(names))]).Find(&found).Error
		if err != nil {
			return fmt.Errorf("load members: %w", err)
		}
		for _, m := range found {
			key := memberKey{m.Name, m.UnitID}
			im.roster[key] = append(im.roster[key], m)
		}
	}
	return nil
}

// planMembers sorts the accepted members rows into new, updated and
// unchanged members.
func (im *rosterImport) planMembers(ms []acceptedMember) {
	for _, a := range ms {
		r := a.row
		existing := im.roster[a.key]
		switch len(existing) {
		case 0:
			im.known[a.key] = len(im.newMembers)
			im.newMembers = append(im.newMembers, models.Member{Name: r.Name, UnitID: a.key.unit, Post: r.Post,
				Rank: r.Rank, Key: r.Key, KeyReason: r.KeyReason})
			continue
		case 1:
		default:
			im.reject(models.SheetMembers, r.Row, "Name", models.RejectMemberAmbiguous)
			continue
		}
		m := existing[0]
		im.known[a.key], im.byKey[a.key], im.rankOf[a.key] = -1, m.ID, r.Rank
		if m.Post == r.Post && m.Rank == r.Rank && m.Key == r.Key && m.KeyReason == r.KeyReason {
			im.unchanged++
			continue
		}
		m.Post, m.Rank, m.Key, m.KeyReason, m.UpdatedAt = r.Post, r.Rank, r.Key, r.KeyReason, im.now
		im.updMembers = append(im.updMembers, m)
	}
}

// loadSanctions loads, through the actor's scope, the sanctions carrying
// the decision numbers of the accepted rows, and probes which of the
// others are taken outside the scope.
func (im *rosterImport) loadSanctions(ss []acceptedSanction) (map[string]models.Sanction, map[string]bool, error) {
	nos := make([]string, len(ss))
	for i, s := range ss {
		nos[i] = s.row.DecisionNo
	}
	existing := make(map[string]models.Sanction)
	for start := 0; start < len(nos); start += lookupChunk {
		q, err := scopedSanctions(im.tx, im.actor)
		if err != nil {
			return nil, nil, err
		}
		var found []models.Sanction
		err = q.Select("sanctions.*").
			Where("sanctions.decision_no IN ?", nos[start:min(start+lookupChunk, len(nos))]).Find(&found).Error
		if err != nil {
			return nil, nil, fmt.Errorf("load sanctions: %w", err)
		}
		for _, s := range found {
			s.NormaliseDates()
			existing[s.DecisionNo] = s
		}
	}
	others := slices.DeleteFunc(nos, func(no string) bool { _, ok := existing[no]; return ok })
	taken, err := takenDecisionNos(im.tx, others)
	return existing, taken, err
}

// owner finds the member a sanctions row names: newIdx ≥ 0 for a member
// of the sheet not yet inserted, else id of a member in the roster. ok is
// false when the row was rejected.
func (im *rosterImport) owner(a acceptedSanction) (newIdx int, id uint64, ok bool) {
	if idx, found := im.known[a.key]; found {
		return idx, im.byKey[a.key], true
	}
	switch existing := im.roster[a.key]; len(existing) {
	case 0:
		im.reject(models.SheetSanctions, a.row.Row, "MemberName", models.RejectMemberNotFound)
	case 1:
		im.known[a.key], im.byKey[a.key], im.rankOf[a.key] = -1, existing[0].ID, existing[0].Rank
		return -1, existing[0].ID, true
	default:
		im.reject(models.SheetSanctions, a.row.Row, "MemberName", models.RejectMemberAmbiguous)
	}
	return 0, 0, false
}

// planSanctions sorts the accepted sanctions rows into new, updated and
// unchanged sanctions.
func (im *rosterImport) planSanctions(ss []acceptedSanction) error {
	existing, taken, err := im.loadSanctions(ss)
	if err != nil {
		return err
	}
	for _, a := range ss {
		r := a.row
		newIdx, memberID, ok := im.owner(a)
		if !ok {
			continue
		}
		ex, found := existing[r.DecisionNo]
		switch {
		case taken[r.DecisionNo] || (found && (newIdx >= 0 || ex.MemberID != memberID)):
			im.reject(models.SheetSanctions, r.Row, "DecisionNo", models.RejectDecisionNoOtherMember)
		case !found:
			im.newSanctions = append(im.newSanctions, models.Sanction{Kind: r.Kind, DecisionNo: r.DecisionNo,
				DecisionDate: r.DecisionDate, EffectiveDate: r.EffectiveDate, ProbationMonths: r.ProbationMonths})
			im.newSanctionOwner = append(im.newSanctionOwner, a.key)
		case ex.Kind == r.Kind && ex.DecisionDate.Equal(r.DecisionDate) &&
			ex.EffectiveDate.Equal(r.EffectiveDate) && ex.ProbationMonths == r.ProbationMonths:
			im.unchanged++
		default:
			ex.Kind, ex.DecisionDate, ex.EffectiveDate, ex.ProbationMonths = r.Kind, r.DecisionDate, r.EffectiveDate, r.ProbationMonths
			ex.UpdatedAt = im.now
			im.updSanctions = append(im.updSanctions, ex)
		}
	}
	return nil
}
