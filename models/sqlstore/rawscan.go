package sqlstore

import (
	"database/sql"

	"github.com/huifang/huifang/models"
)

// Scanning the calendar pass's hundreds of thousands of rows without an
// allocation per column: integers go into the type the MySQL driver hands
// over (uint64 for the unsigned ids, int64 for the rest; database/sql
// formats and parses any other destination through a string), codes are scanned as sql.RawBytes (valid until the
// next Next, which the cursors call only after using them) and interned
// here.

// internKind returns the sanction kind b spells, without allocating for
// a known one.
func internKind(b sql.RawBytes) models.SanctionKind {
	for _, k := range models.SanctionKinds {
		if string(b) == string(k) {
			return k
		}
	}
	return models.SanctionKind(b)
}

// internRank returns the personnel category b spells, without allocating
// for a known one.
func internRank(b sql.RawBytes) models.Rank {
	for _, r := range models.Ranks {
		if string(b) == string(r) {
			return r
		}
	}
	return models.Rank(b)
}
