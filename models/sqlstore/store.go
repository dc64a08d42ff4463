// Package sqlstore keeps Huifang's records in MySQL/MariaDB, or SQLite as
// the embedded default, through GORM: the queries with their scoping by
// unit subtree and their audit rows, the migrations, and the demo roster.
// It validates and normalises the domain types of package models before
// every write and fixes their dates up after every read.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names returned by Store.Dialect.
const (
	DialectMySQL  = "mysql"
	DialectSQLite = "sqlite"
)

// slowQuery is the duration above which a query is logged at Warn.
const slowQuery = 200 * time.Millisecond

// Store is Huifang's storage: MySQL/MariaDB, or SQLite as the embedded
// default. It is safe for concurrent use.
type Store struct {
	db       *gorm.DB
	sqlDB    *sql.DB // the pool under db, for the one query per update (FindUser)
	dialect  string
	workdays workdayCache // IsWorkday's years
}

// Open connects to MySQL/MariaDB when mysqlDSN is set and to the SQLite file
// at sqlitePath (":memory:" allowed) otherwise, and pings the database. It
// does not migrate; call Migrate.
func Open(ctx context.Context, mysqlDSN, sqlitePath string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var (
		dial    gorm.Dialector
		dialect string
	)
	if mysqlDSN != "" {
		dsn, err := mysqlDSNWithDefaults(mysqlDSN)
		if err != nil {
			return nil, err
		}
		dial, dialect = gormmysql.Open(dsn), DialectMySQL
	} else {
		var err error
		if dial, err = sqliteDialector(sqlitePath, log); err != nil {
			return nil, err
		}
		dialect = DialectSQLite
	}
	db, err := gorm.Open(dial, &gorm.Config{
		Logger:         &gormLogger{log: log},
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dialect, err)
	}
	s := &Store{db: db, dialect: dialect}
	if err := s.configurePool(sqlitePath); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	if err := s.ensureAuditHeads(ctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	log.InfoContext(ctx, "store open", "dialect", dialect)
	return s, nil
}

// mysqlDSNWithDefaults forces parseTime and UTC, defaults the charset to
// utf8mb4 and makes UPDATE report matched rather than changed rows, as SQLite
// does. Errors never include the DSN, which may hold a password.
func mysqlDSNWithDefaults(dsn string) (string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", errors.New("open mysql: invalid dsn")
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	// Client-side interpolation (escaped by the driver for utf8mb4) turns a
	// query's prepare, execute and close round trips into one.
	cfg.InterpolateParams = true
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second // dial timeout; the driver's default is the OS's
	}
	// A server that stops answering must not hold a connection for ever:
	// requests carry the handler's deadline, and these bound what has none.
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = 30 * time.Second
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if cfg.Params["charset"] == "" && cfg.Collation == "" {
		cfg.Params["charset"] = "utf8mb4"
	}
	return cfg.FormatDSN(), nil
}

// sqliteDialector checks the SQLite path and makes the file private
// before SQLite opens it.
func sqliteDialector(path string, log *slog.Logger) (gorm.Dialector, error) {
	if path == "" {
		return nil, errors.New("open store: neither a mysql dsn nor a sqlite path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, errors.New("open sqlite: path must not contain '?'")
	}
	if path != ":memory:" {
		if dir := filepath.Dir(path); !isDir(dir) {
			return nil, fmt.Errorf("open sqlite: folder %q does not exist (HUIFANG_SQLITE_PATH)", dir)
		}
		if err := privateFiles(path, log); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(sqliteDSN(path)), nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// privateFiles creates the database file readable and writable by its
// owner only (0600): it holds personal data, and SQLite would create it
// 0644. SQLite gives the -wal, -shm and -journal files it creates the
// mode of the database file. Files left by an earlier version with wider
// modes are narrowed; where that is not allowed (another owner), a
// warning says so.
func privateFiles(path string, log *slog.Logger) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm()&0o077 == 0 {
			continue // absent, or private already
		}
		if err := os.Chmod(p, 0o600); err != nil {
			log.Warn("sqlite file readable by others; make it 0600", "file", filepath.Base(p), "err", err)
		}
	}
	return nil
}

// sqliteDSN adds the pragmas: WAL (readers do not block the writer),
// a busy timeout, foreign keys, and BEGIN IMMEDIATE so that a transaction
// that reads before it writes waits for the write lock instead of failing
// with SQLITE_BUSY when another writer got there first.
func sqliteDSN(path string) string {
	q := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"
	if path != ":memory:" {
		q += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	return path + "?" + q
}

func (s *Store) configurePool(sqlitePath string) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.dialect, err)
	}
	s.sqlDB = sqlDB
	switch {
	case s.dialect == DialectMySQL:
		// As many kept as may be open: with fewer, every burst of busy chats
		// closed the surplus on return and dialled it again (a connect,
		// handshake and close per transaction at 50 busy chats).
		sqlDB.SetMaxOpenConns(mysqlConns)
		sqlDB.SetMaxIdleConns(mysqlConns)
		sqlDB.SetConnMaxLifetime(5 * time.Minute) // under MySQL's wait_timeout
		sqlDB.SetConnMaxIdleTime(time.Minute)
	case sqlitePath == ":memory:":
		// Every connection to :memory: is a separate, empty database.
		sqlDB.SetMaxOpenConns(1)
		sqlDB.SetMaxIdleConns(1)
		sqlDB.SetConnMaxLifetime(0)
		sqlDB.SetConnMaxIdleTime(0)
	default:
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
	}
	return nil
}

// mysqlConns bounds the connections to MySQL.
const mysqlConns = 20

// PoolStats reports the connection pool's counters (connections dialled,
// closed for being idle beyond the limit, waits).
func (s *Store) PoolStats() sql.DBStats { return s.sqlDB.Stats() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("ping %s: %w", s.dialect, err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.dialect, err)
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("close %s: %w", s.dialect, err)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.dialect, err)
	}
	return nil
}

// Dialect returns "mysql" or "sqlite".
func (s *Store) Dialect() string { return s.dialect }

// gormLogger sends GORM's log through slog. Queries are logged without their
// values (the ParamsFilter below is how GORM's own ParameterizedQueries
// option works): slow ones at Warn, failed ones at Debug, since the caller
// gets the error and logs it once where it is handled.
type gormLogger struct{ log *slog.Logger }

var (
	_ logger.Interface  = (*gormLogger)(nil)
	_ gorm.ParamsFilter = (*gormLogger)(nil)
)

func (l *gormLogger) LogMode(logger.LogLevel) logger.Interface { return l }

func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.DebugContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

// ParamsFilter drops the values so that logged SQL keeps its placeholders.
func (l *gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case elapsed > slowQuery:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow query", "elapsed_ms", elapsed.Milliseconds(), "rows", rows, "sql", sql)
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && l.log.Enabled(ctx, slog.LevelDebug):
		sql, rows := fc()
		l.log.DebugContext(ctx, "query error", "elapsed_ms", elapsed.Milliseconds(), "rows", rows, "sql", sql)
	}
}
