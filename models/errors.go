package models

import (
	"errors"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// ErrNotFound reports that a record does not exist, has expired, or lies
// outside the viewer's scope; callers cannot tell these apart on purpose.
var ErrNotFound = errors.New("not found")

// ErrConflict reports a duplicate key or a stale optimistic version.
var ErrConflict = errors.New("conflict")

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

// Transitional names until the models split lands (same error).
var (
	ErrStale     = ErrConflict
	ErrDuplicate = ErrConflict
	ErrAmbiguous = ErrConflict
)
