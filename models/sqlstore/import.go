package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/huifang/huifang/models"
)

// importBatch is the number of rows of one multi-row INSERT or upsert.
const importBatch = 500

// errPreview rolls a preview back once it has run to the end.
var errPreview = errors.New("import preview")

// ImportRoster checks and, when apply is true, writes an import of members
// and their sanctions, all in one transaction. With apply false exactly the
// same code runs, audit row included, and the transaction is then rolled
// back: the result is a preview and nothing is written.
//
// A member is identified by its trimmed name and its unit; the unit is
// named exactly, or by a "parent/child" path of names, and must lie in the
// actor's subtree. An existing member whose post, rank or key target
// differ is updated. A sanction is identified by its decision number; an
// existing one of the same member whose kind, dates or probation differ is
// updated (its period end recomputed); its member must be in the members
// sheet or already in the roster. Rows that break a rule are left out and
// listed in Rejected (see the Reject codes; Column is the Go name of the
// field of ImportMember or ImportSanction); the others are written. Importing the
// same data again changes nothing.
//
// parsed are the rows the file's parser refused already: the audit row
// counts them with the import's own among the rows rejected, and names
// the members created or updated.
//
// Admins and supervisors (inside their subtree) may import; anyone else
// gets ErrForbidden, audited. The work is set-based: units, the affected
// members and sanctions are loaded once, and rows are written in batches.
func (s *Store) ImportRoster(ctx context.Context, actor models.Viewer, members []models.ImportMember, sanctions []models.ImportSanction, parsed []models.ImportRejection, apply bool) (models.ImportResult, error) {
	if !rosterWriter(actor) {
		return models.ImportResult{}, s.deny(ctx, actor, models.AuditImport, &denial{err: models.ErrForbidden})
	}
	var res models.ImportResult
	err := s.guarded(ctx, actor, models.AuditImport, func(tx *gorm.DB) error {
		im, err := newRosterImport(tx, actor)
		if err != nil {
			return err
		}
		if err := im.run(members, sanctions); err != nil {
			return err
		}
		res = im.result()
		detail := importDetail(res, rejectedRows(parsed, res.Rejected), apply)
		if err := writeAuditMembers(tx, actor, models.AuditImport, im.changedMembers(), nil, detail); err != nil {
			return err
		}
		if !apply {
			return errPreview
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPreview) {
		return models.ImportResult{}, err
	}
	return res, nil
}

func importDetail(r models.ImportResult, rejected int, apply bool) string {
	return fmt.Sprintf("members_new=%d members_updated=%d sanctions_new=%d sanctions_updated=%d unchanged=%d rejected=%d apply=%t",
		r.NewMembers, r.UpdatedMembers, r.NewSanctions, r.UpdatedSanctions, r.Unchanged, rejected, apply)
}

// rejectedRows counts the rows refused, by the file's parser or by the
// import, each once however many of its cells were wrong.
func rejectedRows(lists ...[]models.ImportRejection) int {
	type row struct {
		sheet string
		no    int
	}
	seen := map[row]bool{}
	for _, l := range lists {
		for _, r := range l {
			seen[row{r.Sheet, r.Row}] = true
		}
	}
	return len(seen)
}

// changedMembers lists the members the import created or updated, or whose
// sanctions it created or updated: the members its audit row names.
func (im *rosterImport) changedMembers() []uint64 {
	var ids []uint64
	for _, ms := range [][]models.Member{im.newMembers, im.updMembers} {
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
	}
	for _, ss := range [][]models.Sanction{im.newSanctions, im.updSanctions} {
		for _, sn := range ss {
			ids = append(ids, sn.MemberID)
		}
	}
	return ids
}

// memberKey identifies a member in an import.
type memberKey struct {
	name string
	unit uint64
}

// acceptedMember is a members row that passed the row checks.
type acceptedMember struct {
	row models.ImportMember
	key memberKey
}

// acceptedSanction is a sanctions row that passed the row checks.
type acceptedSanction struct {
	row models.ImportSanction
	key memberKey
}

// rosterImport is the state of one import inside its transaction.
type rosterImport struct {
	tx    *gorm.DB
	actor models.Viewer
	scope unitScope
	units *unitIndex
	now   time.Time

	roster map[memberKey][]models.Member // the affected members already in the roster
	known  map[memberKey]int             // members the sanctions may name: index into newMembers, or -1 (in the roster)
	byKey  map[memberKey]uint64          // ids of the members in the roster, by key
	rankOf map[memberKey]models.Rank     // their categories as the import leaves them: new sanctions record them

	newMembers, updMembers     []models.Member
	newSanctions, updSanctions []models.Sanction
	newSanctionOwner           []memberKey // member of newSanctions[i]
	unchanged                  int
	rejected                   []models.ImportRejection
}

func newRosterImport(tx *gorm.DB, actor models.Viewer) (*rosterImport, error) {
	sc, err := viewerScope(tx, actor)
	if err != nil {
		return nil, err
	}
	units, err := loadUnitIndex(tx)
	if err != nil {
		return nil, err
	}
	return &rosterImport{tx: tx, actor: actor, scope: sc, units: units, now: nowUTC(),
		known: map[memberKey]int{}, byKey: map[memberKey]uint64{}, rankOf: map[memberKey]models.Rank{}}, nil
}

// run plans the import from the rows and the roster, then writes it.
func (im *rosterImport) run(members []models.ImportMember, sanctions []models.ImportSanction) error {
	ms := im.checkMembers(members)
	ss := im.checkSanctions(sanctions)
	if err := im.loadRoster(ms, ss); err != nil {
		return err
	}
	im.planMembers(ms)
	if err := im.planSanctions(ss); err != nil {
		return err
	}
	return im.write()
}

func (im *rosterImport) reject(sheet string, row int, column, reason string) {
	im.rejected = append(im.rejected, models.ImportRejection{Sheet: sheet, Row: row, Column: column, Reason: reason})
}

func (im *rosterImport) rejectIssues(sheet string, row int, issues []models.FieldIssue) {
	for _, is := range issues {
		im.reject(sheet, row, is.Field, is.Reason)
	}
}

// result returns the counts and the rejections, members sheet first, by
// row.
func (im *rosterImport) result() models.ImportResult {
	rej := slices.Clone(im.rejected)
	slices.SortStableFunc(rej, func(a, b models.ImportRejection) int {
		return cmp.Or(strings.Compare(a.Sheet, b.Sheet), cmp.Compare(a.Row, b.Row)) // "members" < "sanctions"
	})
	return models.ImportResult{
		NewMembers: len(im.newMembers), UpdatedMembers: len(im.updMembers),
		NewSanctions: len(im.newSanctions), UpdatedSanctions: len(im.updSanctions),
		Unchanged: im.unchanged, Rejected: rej,
	}
}

// write inserts the new members, fills in the member ids of the new
// sanctions, inserts those and applies the updates, all in batches.
func (im *rosterImport) write() error {
	for i := range im.newMembers {
		prepareMember(&im.newMembers[i])
	}
	if err := im.tx.CreateInBatches(&im.newMembers, importBatch).Error; err != nil {
		return fmt.Errorf("insert members: %w", err)
	}
	for i, key := range im.newSanctionOwner {
		if idx := im.known[key]; idx >= 0 {
			im.newSanctions[i].MemberID = im.newMembers[idx].ID
			im.newSanctions[i].Category = im.newMembers[idx].Rank
		} else {
			im.newSanctions[i].MemberID = im.byKey[key]
			im.newSanctions[i].Category = im.rankOf[key]
		}
	}
	for _, ss := range [][]models.Sanction{im.newSanctions, im.updSanctions} {
		for i := range ss {
			if err := prepareSanction(&ss[i]); err != nil {
				return fmt.Errorf("check sanction %d: %w", i, err)
			}
		}
	}
	if err := im.tx.CreateInBatches(&im.newSanctions, importBatch).Error; err != nil {
		return fmt.Errorf("insert sanctions: %w", err)
	}
	memberCols := []string{"post", "rank", "key", "key_reason", "updated_at"}
	if err := upsert(im.tx, &im.updMembers, memberCols); err != nil {
		return fmt.Errorf("update members: %w", err)
	}
	sanctionCols := []string{"kind", "decision_date", "effective_date", "probation_months", "period_end", "updated_at"}
	if err := upsert(im.tx, &im.updSanctions, sanctionCols); err != nil {
		return fmt.Errorf("update sanctions: %w", err)
	}
	return nil
}

// upsert writes whole existing rows (primary key set) in batches, updating
// only columns: one statement per batch instead of one per row.
func upsert[T any](tx *gorm.DB, rows *[]T, columns []string) error {
	if len(*rows) == 0 {
		return nil
	}
	onConflict := clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, DoUpdates: clause.AssignmentColumns(columns)}
	return tx.Clauses(onConflict).CreateInBatches(rows, importBatch).Error
}
