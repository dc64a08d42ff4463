package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/sqlstore"
)

// Size of the generated forest: trees × up to propUnitsPerTree units, each
// with up to two members (one sanction and one visit each) and maybe a
// user; viewers random viewer units are checked before and after moves
// random moves.
type propSize struct{ trees, viewers, moves int }

const (
	propUnitsPerTree = 30
	propSample       = 3 // members inside and outside the scope opened one by one
)

// sizeFor is the full size on MariaDB, the engine we ship for production,
// and a fifth of it on SQLite, whose pure-Go driver is slow under -race.
func sizeFor(s *sqlstore.Store) propSize {
	if s.Dialect() == sqlstore.DialectSQLite {
		return propSize{trees: 10, viewers: 10, moves: 5}
	}
	return propSize{trees: 50, viewers: 50, moves: 25}
}

// forest is the test's own model of the generated units: parent links
// only, never the Path column.
type forest struct {
	parent  map[uint64]uint64 // 0: a root
	units   []uint64
	members map[uint64]uint64 // member id → unit id
	visits  map[uint64]uint64 // member id → visit id
	users   map[int64]uint64  // telegram id → unit id
}

// within reports whether unit lies in the subtree of top, walking parents.
func (f *forest) within(unit, top uint64) bool {
	for u := unit; u != 0; u = f.parent[u] {
		if u == top {
			return true
		}
	}
	return false
}

func (f *forest) expected(top uint64) (units, members map[uint64]bool, users map[int64]bool) {
	units, members, users = map[uint64]bool{}, map[uint64]bool{}, map[int64]bool{}
	for _, u := range f.units {
		if f.within(u, top) {
			units[u] = true
		}
	}
	for m, u := range f.members {
		if units[u] {
			members[m] = true
		}
	}
	for tg, u := range f.users {
		if units[u] {
			users[tg] = true
		}
	}
	return units, members, users
}

func TestStore_ScopeProperty(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		rng := rand.New(rand.NewPCG(20261127, 3))
		admin := models.Viewer{TelegramID: adminTG, Role: models.RoleAdmin}
		f := buildForest(t, s, rng, admin)
		checkForest(t, s, f, rng, "")
		for range sizeFor(s).moves {
			moveRandomUnit(t, s, f, rng, admin)
		}
		checkForest(t, s, f, rng, " after the moves")
	})
}

// workers is how many goroutines build and check the forest: MySQL groups
// the commits of concurrent transactions into one log flush, while SQLite
// has one writer at a time and concurrent ones only wait for it.
func workers(s *sqlstore.Store) int {
	if s.Dialect() == sqlstore.DialectSQLite {
		return 1
	}
	return 8
}

// parallel runs fn(0..n-1) on the store's workers.
func parallel(s *sqlstore.Store, n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers(s) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// buildForest creates the trees through CreateUnit, each unit under a
// random earlier unit of its tree, then fills them.
func buildForest(t *testing.T, s *sqlstore.Store, rng *rand.Rand, admin models.Viewer) *forest {
	t.Helper()
	f := &forest{parent: map[uint64]uint64{}, members: map[uint64]uint64{}, visits: map[uint64]uint64{}, users: map[int64]uint64{}}
	shapes := make([][]int, sizeFor(s).trees) // index of each unit's parent in its tree; -1: the root
	for i := range shapes {
		shapes[i] = []int{-1}
		for j := 1; j < 1+rng.IntN(propUnitsPerTree); j++ {
			shapes[i] = append(shapes[i], rng.IntN(j))
		}
	}
	var mu sync.Mutex
	parallel(s, len(shapes), func(tree int) {
		own := make([]models.Unit, len(shapes[tree]))
		for i, p := range shapes[tree] {
			var parent *uint64
			if p >= 0 {
				parent = &own[p].ID
			}
			u, err := s.CreateUnit(context.Background(), admin, fmt.Sprintf("树%d-单位%d", tree, i), parent)
			if err != nil {
				t.Errorf("CreateUnit: %v", err)
				return
			}
			own[i] = u
		}
		mu.Lock()
		defer mu.Unlock()
		for i, u := range own {
			if p := shapes[tree][i]; p >= 0 {
				f.parent[u.ID] = own[p].ID
			}
			f.units = append(f.units, u.ID)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	slices.Sort(f.units) // the goroutines finished in any order
	fillForest(t, s, f, rng)
	return f
}

// checkForest checks random viewer units and members against the model.
func checkForest(t *testing.T, s *sqlstore.Store, f *forest, rng *rand.Rand, when string) {
	t.Helper()
	type check struct {
		top     uint64
		members []uint64
	}
	checks := make([]check, sizeFor(s).viewers)
	for i := range checks {
		top := f.units[rng.IntN(len(f.units))]
		_, inside, _ := f.expected(top)
		checks[i] = check{top, sampleMembers(f, inside, rng)}
	}
	parallel(s, len(checks), func(i int) {
		checkScope(t, s, f, checks[i].top, checks[i].members, fmt.Sprintf("viewer %d%s", i, when))
	})
}

// fillForest inserts members, their sanctions and visits, and users,
// spread at random over the units.
func fillForest(t *testing.T, s *sqlstore.Store, f *forest, rng *rand.Rand) {
	t.Helper()
	var members []models.Member
	var users []models.User
	for i, u := range f.units {
		for range rng.IntN(3) {
			members = append(members, models.Member{Name: "成员" + strconv.Itoa(len(members)), UnitID: u, Rank: models.RankOther})
		}
		if rng.IntN(3) == 0 {
			users = append(users, models.User{TelegramID: 8_000_000_000 + int64(i), Name: "用户", Role: models.RoleInspector, UnitID: u, Lang: "zh"})
		}
	}
	mustInsert(t, s, &members, &users)
	sanctions := make([]models.Sanction, len(members))
	visits := make([]models.Visit, len(members))
	day0 := models.DateOf(time.Now())
	for i, m := range members {
		f.members[m.ID] = m.UnitID
		sanctions[i] = models.Sanction{MemberID: m.ID, Kind: models.PartyWarning, DecisionNo: "性质" + strconv.Itoa(i),
			DecisionDate: day0, EffectiveDate: day0}
		visits[i] = *newVisit(m.ID, "prop-"+strconv.Itoa(i), day0)
	}
	mustInsert(t, s, &sanctions, &visits)
	for _, v := range visits {
		f.visits[v.MemberID] = v.ID
	}
	for _, u := range users {
		f.users[u.TelegramID] = u.UnitID
	}
}

func mustInsert(t *testing.T, s *sqlstore.Store, rows ...any) {
	t.Helper()
	if err := sqlstore.InsertForTest(context.Background(), s, rows...); err != nil {
		t.Fatalf("insert: %v", err)
	}
}

// moveRandomUnit moves a random unit under a random unit outside its
// subtree, or makes it a root, and updates the model.
func moveRandomUnit(t *testing.T, s *sqlstore.Store, f *forest, rng *rand.Rand, admin models.Viewer) {
	t.Helper()
	u := f.units[rng.IntN(len(f.units))]
	var target uint64
	if rng.IntN(5) > 0 {
		candidates := slices.DeleteFunc(slices.Clone(f.units), func(p uint64) bool { return f.within(p, u) })
		if len(candidates) > 0 {
			target = candidates[rng.IntN(len(candidates))]
		}
	}
	if err := s.MoveUnit(context.Background(), admin, u, target); err != nil && !errors.Is(err, models.ErrDuplicate) {
		t.Fatalf("MoveUnit(%d, %d): %v", u, target, err)
	} else if err == nil { // ErrDuplicate: a sibling of that name is there already
		f.parent[u] = target
	}
	if err := s.MoveUnit(context.Background(), admin, u, u); !errors.Is(err, models.ErrInvalid) {
		t.Errorf("MoveUnit under itself: %v", err)
	}
}

// checkScope compares what a supervisor of unit top gets with the model,
// opening each of sample one by one.
func checkScope(t *testing.T, s *sqlstore.Store, f *forest, top uint64, sample []uint64, what string) {
	t.Helper()
	ctx := context.Background()
	v := models.Viewer{TelegramID: rootTG, Role: models.RoleSupervisor, UnitID: top}
	wantUnits, wantMembers, wantUsers := f.expected(top)
	tree, err := s.UnitTree(ctx, v)
	if got := idSet(tree, func(u models.Unit) uint64 { return u.ID }); err != nil || !maps.Equal(got, wantUnits) {
		t.Errorf("%s: UnitTree = %v, %v; want %v", what, got, err, wantUnits)
	}
	users, err := s.ListUsers(ctx, v)
	if got := idSet(users, func(u models.UserRow) int64 { return u.TelegramID }); err != nil || !maps.Equal(got, wantUsers) {
		t.Errorf("%s: ListUsers = %v, %v; want %v", what, got, err, wantUsers)
	}
	found, err := s.SearchMembers(ctx, v, "成员", 100)
	if errors.Is(err, models.ErrNotFound) && len(wantMembers) == 0 {
		err = nil
	}
	if got := idSet(found, func(m models.MemberMatch) uint64 { return m.Member.ID }); err != nil || !maps.Equal(got, wantMembers) {
		t.Errorf("%s: SearchMembers = %v, %v; want %v", what, got, err, wantMembers)
	}
	for _, m := range sample {
		checkMemberViews(t, s, f, v, m, wantMembers[m], what)
	}
}

// sampleMembers picks members inside and outside the scope.
func sampleMembers(f *forest, inside map[uint64]bool, rng *rand.Rand) []uint64 {
	all := slices.Sorted(maps.Keys(f.members))
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var in, out []uint64
	for _, m := range all {
		if inside[m] && len(in) < propSample {
			in = append(in, m)
		} else if !inside[m] && len(out) < propSample {
			out = append(out, m)
		}
	}
	return append(in, out...)
}

// checkMemberViews opens one member's sanctions, status and visit.
func checkMemberViews(t *testing.T, s *sqlstore.Store, f *forest, v models.Viewer, m uint64, want bool, what string) {
	t.Helper()
	ctx := context.Background()
	_, _, _, err1 := s.MemberSanctions(ctx, v, m)
	_, err2 := s.MemberStatus(ctx, v, models.CalendarRules{}, m, time.Now())
	_, _, err3 := s.GetVisit(ctx, v, f.visits[m])
	for i, err := range []error{err1, err2, err3} {
		if want && err != nil || !want && !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s: view #%d of member %d (in scope: %v): %v", what, i, m, want, err)
		}
	}
}

func idSet[T any, K comparable](rows []T, id func(T) K) map[K]bool {
	out := make(map[K]bool, len(rows))
	for _, r := range rows {
		out[id(r)] = true
	}
	return out
}
