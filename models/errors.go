package models

import (
	"errors"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// ErrNotFound reports that a record does not exist, has expired, or lies
// outside the viewer's scope; callers cannot tell these apart on purpose.
var ErrNotFound = errors.New("not found")

// ErrStale reports a lost compare-and-set: the stored version changed
// since it was read (conversation state, a visit edited concurrently, a
// delivery no longer being sent) or a deadlock outlived its retries. The
// caller may retry on fresh data.
var ErrStale = errors.New("stale")

// ErrDuplicate reports that the thing exists already: a unique key is
// taken (a registered user, a recorded decision number, a member of that
// name in the unit, a sanction lifted already, an idempotency key used by
// another visit). Retrying cannot help.
var ErrDuplicate = errors.New("duplicate")

// ErrAmbiguous reports that a name matches several records.
var ErrAmbiguous = errors.New("ambiguous")

// notFound maps gorm's missing-record error onto ErrNotFound and leaves any
// other error as it is.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// isDuplicate reports a unique-key violation on either engine. The store
// runs with TranslateError, which turns both drivers' codes into
// gorm.ErrDuplicatedKey; the raw MySQL code is checked too in case an error
// reaches us untranslated (errors returned by Commit, for instance).
func isDuplicate(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1062
}

// isRetryable reports a MySQL deadlock (1213) or lock wait timeout (1205):
// InnoDB has rolled the transaction back and it may simply be run again.
func isRetryable(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}
