package models

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The year-end figures (回访工作年度统计) of DOMAIN.md, for a calendar year
// and a scope. Only final (approved) visits count; pending and returned
// ones are listed apart. The definitions:
//
//   - N visited: distinct members with a final visit dated in the year.
//   - mandatory a/b, key c/d: the targets of the year's annual item of the
//     calendar (see DueFor): a member with a sanction decided in the year
//     before is a mandatory target when a sanction of that year was
//     recorded with a mandatory category (科级领导干部, 国家公务员), a key
//     target when the member is a key target (重点回访对象); covered when
//     visited (a final visit in the year). A member may be both.
//   - M enforced: distinct sanctions a final visit of the year was about
//     that found the execution not in order (EnforcementOK false) and whose
//     problem has since been corrected (RectifiedOn set): the visit got
//     the decision carried out (督促落实). A check that found everything in
//     order urged nothing and is not counted.
//   - X pay corrected: the sum of RectifiedFen of those same visits. The
//     amount typed at the visit (PayCorrectedFen) is what was found owing;
//     RectifiedFen is what was corrected when the correction was recorded
//     (it starts from the found amount), so only it is added, once per
//     visit, and an open problem adds nothing yet (its owed amount is
//     listed).
//   - K recommended: distinct members with a final visit of the year that
//     recommended them for a post (RecommendPost, 推荐使用).
//   - J lifted: sanctions whose lifting or restoration of party rights
//     (LiftedOn) falls in the year and that a final visit was about on or
//     before that day (the expiry visit whose record fed the decision).

// ReportVisit is what the figures read of a visit: no findings.
type ReportVisit struct {
	ID              uint64
	MemberID        uint64
	Date            time.Time
	Methods         string // comma-separated method codes
	Type            string
	Recommendation  string
	EnforcementOK   bool
	PayCorrectedFen int64
	RectifiedOn     *time.Time
	RectifiedFen    int64
	Review          ReviewState
	Sanctions       []uint64 `gorm:"-"` // the sanctions it was about
}

// ReportInput is everything the figures of one year and scope are
// computed from. Units, Members and Sanctions are those of the scope;
// Visits those of its members dated in Year, in every review state;
// LiftVisits maps a sanction lifted in Year to the latest final visit
// about it on or before LiftedOn.
type ReportInput struct {
	Year       int
	Root       Unit // the scope's top unit; zero for the whole tree
	Units      []Unit
	Members    []Member
	Sanctions  []Sanction
	Visits     []ReportVisit
	LiftVisits map[uint64]ReportVisit
}

// Tally is one cell of the figures: a unit and a category, or a total.
type Tally struct {
	Visited          int   // N
	Mandatory        int   // b
	MandatoryVisited int   // a
	Key              int   // d
	KeyVisited       int   // c
	Enforced         int   // M
	PayFen           int64 // X, in fen
	Recommended      int   // K
	Lifted           int   // J
	Visits           int   // final visits
}

func (t *Tally) add(o Tally) {
	t.Visited += o.Visited
	t.Mandatory += o.Mandatory
	t.MandatoryVisited += o.MandatoryVisited
	t.Key += o.Key
	t.KeyVisited += o.KeyVisited
	t.Enforced += o.Enforced
	t.PayFen += o.PayFen
	t.Recommended += o.Recommended
	t.Lifted += o.Lifted
	t.Visits += o.Visits
}

// FigureList names a list behind a figure.
type FigureList string

// The lists behind the figures.
const (
	ListVisited     FigureList = "visited"     // one row per final visit
	ListMandatory   FigureList = "mandatory"   // one row per mandatory target, VisitID 0 when not visited
	ListKey         FigureList = "key"         // one row per key target
	ListEnforced    FigureList = "enforced"    // one row per sanction and visit
	ListPay         FigureList = "pay"         // one row per visit with pay corrected or owed
	ListRecommended FigureList = "recommended" // one row per recommending visit
	ListLifted      FigureList = "lifted"      // one row per sanction lifted
	ListNotFinal    FigureList = "not_final"   // pending and returned visits, not counted
)

// FigureLists is the order of the lists in documents.
var FigureLists = []FigureList{ListVisited, ListMandatory, ListKey, ListEnforced, ListPay, ListRecommended,
	ListLifted, ListNotFinal}

// FigureRow is one line of a list: a member, and the visit and sanction
// concerned when there is one.
type FigureRow struct {
	MemberID   uint64
	Member     string
	Unit       string
	Rank       Rank
	VisitID    uint64
	VisitDate  *time.Time
	SanctionID uint64
	DecisionNo string
	Fen        int64       // ListPay: corrected; ListEnforced: corrected
	OwedFen    int64       // ListPay: found owing and not corrected yet
	Date       *time.Time  // ListEnforced: corrected on; ListLifted: lifted on
	Review     ReviewState // ListNotFinal
}

// Figures are the year-end figures of a scope.
type Figures struct {
	Year     int
	Rows     []Unit // the units of the figures by unit: the scope's top unit's children, or the top unit itself
	Cells    map[uint64]map[Rank]Tally
	Total    Tally
	PerMonth [12]int            // final visits per month
	ByMethod map[string][12]int // final visits per method code per month (a visit counts once per method)
	ByType   map[string][12]int // final visits per type code per month
	Lists    map[FigureList][]FigureRow
}

// UnitTotal sums a row of the figures over the categories.
func (f Figures) UnitTotal(unit uint64) Tally {
	var t Tally
	for _, c := range f.Cells[unit] {
		t.add(c)
	}
	return t
}

// RankTotal sums a column of the figures over the units.
func (f Figures) RankTotal(r Rank) Tally {
	var t Tally
	for _, byRank := range f.Cells {
		t.add(byRank[r])
	}
	return t
}

// MemberIDs lists the members the figures' lists name, sorted: what a
// document made of them shows.
func (f Figures) MemberIDs() []uint64 {
	seen := map[uint64]bool{}
	for _, rows := range f.Lists {
		for _, r := range rows {
			seen[r.MemberID] = true
		}
	}
	ids := make([]uint64, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// figureCtx is the computation of one ReportInput.
type figureCtx struct {
	in        *ReportInput
	f         *Figures
	unitName  map[uint64]string
	rowOf     map[uint64]uint64 // unit id → row unit id
	members   map[uint64]*Member
	rank      map[uint64]Rank
	sanctions map[uint64]*Sanction
}

// ComputeFigures computes the year-end figures of in (see the definitions
// above). Pure.
func ComputeFigures(in ReportInput) Figures {
	f := Figures{Year: in.Year, Cells: map[uint64]map[Rank]Tally{}, ByMethod: map[string][12]int{},
		ByType: map[string][12]int{}, Lists: map[FigureList][]FigureRow{}}
	c := figureCtx{in: &in, f: &f, unitName: map[uint64]string{}, rowOf: map[uint64]uint64{},
		members: map[uint64]*Member{}, rank: map[uint64]Rank{}, sanctions: map[uint64]*Sanction{}}
	c.rows()
	c.index()
	c.visits()
	c.targets()
	c.lifted()
	for _, byRank := range f.Cells {
		for _, t := range byRank {
			f.Total.add(t)
		}
	}
	path := map[uint64]string{}
	for _, u := range in.Units {
		path[u.ID] = u.Path
	}
	unitPath := func(member uint64) string {
		if m := c.members[member]; m != nil {
			return path[m.UnitID]
		}
		return ""
	}
	for _, l := range FigureLists { // by unit (in tree order), member, visit, sanction
		slices.SortStableFunc(f.Lists[l], func(a, b FigureRow) int {
			return cmp.Or(cmp.Compare(unitPath(a.MemberID), unitPath(b.MemberID)), cmp.Compare(a.Member, b.Member),
				cmp.Compare(a.MemberID, b.MemberID),
				cmp.Compare(a.VisitID, b.VisitID), cmp.Compare(a.SanctionID, b.SanctionID))
		})
	}
	return f
}

// rows picks the units of the figures by unit and maps every unit of the
// scope to its row: the child of the top unit whose subtree holds it, or
// the top unit itself.
func (c *figureCtx) rows() {
	root := c.in.Root
	if root.ID == 0 {
		// The whole tree under one office (the usual case): its units, not
		// the office alone, are the rows.
		var tops []Unit
		for _, u := range c.in.Units {
			if strings.Count(u.Path, "/") == 2 {
				tops = append(tops, u)
			}
		}
		if len(tops) == 1 {
			root = tops[0]
		}
	}
	depth := strings.Count(root.Path, "/") - 1 // "/1/4/" has depth 2; "" (whole tree) -1, taken as 0
	depth = max(depth, 0)
	for _, u := range c.in.Units {
		c.unitName[u.ID] = u.Name
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		row := root.ID
		if len(parts) > depth {
			if id, err := strconv.ParseUint(parts[depth], 10, 64); err == nil {
				row = id
			}
		}
		c.rowOf[u.ID] = row
	}
	seen := map[uint64]bool{}
	for _, u := range c.in.Units {
		if r := c.rowOf[u.ID]; r == u.ID && !seen[r] {
			seen[r] = true
			c.f.Rows = append(c.f.Rows, u)
		}
	}
	if root.ID != 0 && !seen[root.ID] {
		c.f.Rows = append(c.f.Rows, root)
	}
	slices.SortFunc(c.f.Rows, func(a, b Unit) int { return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.ID, b.ID)) })
}

// index maps the members and sanctions and decides each member's column
// in the figures by category: the category recorded with the member's
// latest sanction decided up to the year's end (the one that decides the
// visit duty), else the member's own.
func (c *figureCtx) index() {
	for i := range c.in.Members {
		m := &c.in.Members[i]
		c.members[m.ID] = m
		c.rank[m.ID] = m.Rank
	}
	latest := map[uint64]*Sanction{}
	for i := range c.in.Sanctions {
		s := &c.in.Sanctions[i]
		c.sanctions[s.ID] = s
		if s.DecisionDate.Year() > c.in.Year {
			continue
		}
		if l := latest[s.MemberID]; l == nil || s.DecisionDate.After(l.DecisionDate) ||
			s.DecisionDate.Equal(l.DecisionDate) && s.ID > l.ID {
			latest[s.MemberID] = s
		}
	}
	for id, s := range latest {
		if _, ok := c.rank[id]; ok && ValidRank(s.Category) {
			c.rank[id] = s.Category
		}
	}
}

// cell returns the tally of a member's unit and column, to change.
func (c *figureCtx) cell(memberID uint64, fn func(*Tally)) {
	m := c.members[memberID]
	if m == nil {
		return
	}
	row := c.rowOf[m.UnitID]
	if c.f.Cells[row] == nil {
		c.f.Cells[row] = map[Rank]Tally{}
	}
	t := c.f.Cells[row][c.rank[memberID]]
	fn(&t)
	c.f.Cells[row][c.rank[memberID]] = t
}

// row starts a list row about a member.
func (c *figureCtx) row(memberID uint64) FigureRow {
	r := FigureRow{MemberID: memberID, Rank: c.rank[memberID]}
	if m := c.members[memberID]; m != nil {
		r.Member, r.Unit = m.Name, c.unitName[m.UnitID]
	}
	return r
}

func (c *figureCtx) visitRow(v *ReportVisit) FigureRow {
	r := c.row(v.MemberID)
	d := DateOf(v.Date)
	r.VisitID, r.VisitDate, r.Review = v.ID, &d, v.Review
	return r
}

// visits counts the final visits of the year: N, M, X, K, the visits
// per month, method and type; the others go to ListNotFinal.
func (c *figureCtx) visits() {
	visited, recommended, enforced := map[uint64]bool{}, map[uint64]bool{}, map[uint64]bool{}
	vs := slices.Clone(c.in.Visits)
	slices.SortFunc(vs, func(a, b ReportVisit) int { return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.ID, b.ID)) })
	for i := range vs {
		v := &vs[i]
		if v.Date.Year() != c.in.Year || c.members[v.MemberID] == nil {
			continue
		}
		if v.Review != ReviewApproved {
			c.f.Lists[ListNotFinal] = append(c.f.Lists[ListNotFinal], c.visitRow(v))
			continue
		}
		c.count(v)
		c.f.Lists[ListVisited] = append(c.f.Lists[ListVisited], c.visitRow(v))
		if !visited[v.MemberID] {
			visited[v.MemberID] = true
			c.cell(v.MemberID, func(t *Tally) { t.Visited++ })
		}
		if v.Recommendation == RecommendPost {
			c.f.Lists[ListRecommended] = append(c.f.Lists[ListRecommended], c.visitRow(v))
			if !recommended[v.MemberID] {
				recommended[v.MemberID] = true
				c.cell(v.MemberID, func(t *Tally) { t.Recommended++ })
			}
		}
		c.enforcement(v, enforced)
	}
}

// count adds a final visit to the figures per month, method and type.
func (c *figureCtx) count(v *ReportVisit) {
	mo := int(v.Date.Month()) - 1
	c.f.PerMonth[mo]++
	c.cell(v.MemberID, func(t *Tally) { t.Visits++ })
	seen := map[string]bool{}
	for _, m := range strings.Split(v.Methods, ",") {
		if m = strings.TrimSpace(m); m == "" || seen[m] {
			continue
		}
		seen[m] = true
		a := c.f.ByMethod[m]
		a[mo]++
		c.f.ByMethod[m] = a
	}
	a := c.f.ByType[v.Type]
	a[mo]++
	c.f.ByType[v.Type] = a
}

// enforcement counts a final visit's enforcement problem: its pay (X),
// once per visit, and its sanctions (M), once per sanction.
func (c *figureCtx) enforcement(v *ReportVisit, enforced map[uint64]bool) {
	if v.EnforcementOK {
		return
	}
	fixed := v.RectifiedOn != nil
	if fixed || v.PayCorrectedFen > 0 {
		r := c.visitRow(v)
		if fixed {
			r.Fen, r.Date = v.RectifiedFen, datePtr(v.RectifiedOn)
			c.cell(v.MemberID, func(t *Tally) { t.PayFen += v.RectifiedFen })
		} else {
			r.OwedFen = v.PayCorrectedFen
		}
		if r.Fen > 0 || r.OwedFen > 0 {
			c.f.Lists[ListPay] = append(c.f.Lists[ListPay], r)
		}
	}
	if !fixed {
		return
	}
	for _, sid := range v.Sanctions {
		s := c.sanctions[sid]
		if s == nil || enforced[sid] {
			continue
		}
		enforced[sid] = true
		r := c.visitRow(v)
		r.SanctionID, r.DecisionNo, r.Fen, r.Date = sid, s.DecisionNo, v.RectifiedFen, datePtr(v.RectifiedOn)
		c.f.Lists[ListEnforced] = append(c.f.Lists[ListEnforced], r)
		c.cell(v.MemberID, func(t *Tally) { t.Enforced++ })
	}
}

// targets counts the annual item's mandatory and key targets of the year
// and whether a final visit of the year covered them.
func (c *figureCtx) targets() {
	firstVisit := map[uint64]*FigureRow{}
	for i, r := range c.f.Lists[ListVisited] {
		if firstVisit[r.MemberID] == nil {
			firstVisit[r.MemberID] = &c.f.Lists[ListVisited][i]
		}
	}
	mandatory, sanctioned := map[uint64]*Sanction{}, map[uint64]*Sanction{}
	for i := range c.in.Sanctions {
		s := &c.in.Sanctions[i]
		if s.DecisionDate.Year() != c.in.Year-1 || c.members[s.MemberID] == nil {
			continue
		}
		if p := sanctioned[s.MemberID]; p == nil || s.DecisionDate.After(p.DecisionDate) {
			sanctioned[s.MemberID] = s
		}
		if MandatoryCategory(s.Category) {
			if p := mandatory[s.MemberID]; p == nil || s.DecisionDate.After(p.DecisionDate) {
				mandatory[s.MemberID] = s
			}
		}
	}
	add := func(list FigureList, id uint64, s *Sanction, count func(*Tally, bool)) {
		r := c.row(id)
		r.SanctionID, r.DecisionNo = s.ID, s.DecisionNo
		v := firstVisit[id]
		if v != nil {
			r.VisitID, r.VisitDate = v.VisitID, v.VisitDate
		}
		c.f.Lists[list] = append(c.f.Lists[list], r)
		c.cell(id, func(t *Tally) { count(t, v != nil) })
	}
	for id, s := range mandatory {
		add(ListMandatory, id, s, func(t *Tally, ok bool) {
			t.Mandatory++
			if ok {
				t.MandatoryVisited++
			}
		})
	}
	for id, s := range sanctioned {
		if c.members[id].Key {
			add(ListKey, id, s, func(t *Tally, ok bool) {
				t.Key++
				if ok {
					t.KeyVisited++
				}
			})
		}
	}
}

// lifted counts the sanctions lifted (or party rights restored) in the
// year after a final visit about them.
func (c *figureCtx) lifted() {
	for i := range c.in.Sanctions {
		s := &c.in.Sanctions[i]
		if s.LiftedOn == nil || s.LiftedOn.Year() != c.in.Year || c.members[s.MemberID] == nil {
			continue
		}
		v, ok := c.in.LiftVisits[s.ID]
		if !ok || v.Review != ReviewApproved || DateOf(v.Date).After(DateOf(*s.LiftedOn)) {
			continue
		}
		r := c.visitRow(&v)
		r.MemberID, r.Member, r.Unit, r.Rank = s.MemberID, c.row(s.MemberID).Member, c.row(s.MemberID).Unit, c.rank[s.MemberID]
		r.SanctionID, r.DecisionNo, r.Date = s.ID, s.DecisionNo, datePtr(s.LiftedOn)
		c.f.Lists[ListLifted] = append(c.f.Lists[ListLifted], r)
		c.cell(s.MemberID, func(t *Tally) { t.Lifted++ })
	}
}
