package sqlstore

import (
	"database/sql/driver"
	"errors"
	"net"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/huifang/huifang/models"
)

// notFound maps gorm's missing-record error onto ErrNotFound and leaves any
// other error as it is.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.ErrNotFound
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

// isConnection reports an error of the connection rather than of the
// query: the server went away or stopped answering.
func isConnection(err error) bool {
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) || errors.As(err, &ne)
}
