package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/huifang/huifang/models"
)

// Scanning the calendar pass's hundreds of thousands of rows without an
// allocation per column: database/sql turns a text-protocol integer into
// a string before parsing it, and every code column into a new string.
// The pass scans those columns as sql.RawBytes (valid until the next
// Next, which the cursors call only after using them) and parses or
// interns them here.

var errRawInt = errors.New("not an unsigned integer")

// rawUint parses the decimal digits of an unsigned integer column.
func rawUint(b sql.RawBytes) (uint64, error) {
	if len(b) == 0 || len(b) > 20 {
		return 0, errRawInt
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errRawInt
		}
		n = n*10 + uint64(c-'0')
	}
	return n, nil
}

// kinds and ranks intern the codes of the calendar's columns: comparing
// string(b) to a constant does not allocate.
var (
	kinds = []models.SanctionKind{models.PartyWarning, models.PartySeriousWarning, models.PartyPostRemoval,
		models.PartyProbation, models.PartyExpulsion, models.GovWarning, models.GovDemerit, models.GovMajorDemerit,
		models.GovDemotion, models.GovDismissal, models.GovExpulsion}
	ranks = []models.Rank{models.RankSectionCadre, models.RankCivilServant, models.RankOther}
)

// internKind returns the sanction kind b spells, without allocating for
// a known one.
func internKind(b sql.RawBytes) models.SanctionKind {
	for _, k := range kinds {
		if string(b) == string(k) {
			return k
		}
	}
	return models.SanctionKind(b)
}

// internRank returns the personnel category b spells, without allocating
// for a known one.
func internRank(b sql.RawBytes) models.Rank {
	for _, r := range ranks {
		if string(b) == string(r) {
			return r
		}
	}
	return models.Rank(b)
}
