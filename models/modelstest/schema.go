package modelstest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/huifang/huifang/models/sqlstore"
)

// captureTimeout bounds migrating and capturing one engine's schema.
const captureTimeout = 2 * time.Minute

// The schemas captured once per test binary. Nothing of them stays on a
// server or on disk: the scratch database or file they were migrated in is
// removed right after the capture, so no end-of-run hook is needed.
var (
	mysqlOnce   sync.Once
	mysqlCached *mysqlSchema
	mysqlErr    error

	sqliteOnce   sync.Once
	sqliteCached []byte
	sqliteErr    error
)

// mysqlSchema is a migrated MySQL schema: every table's CREATE TABLE
// statement and the ids recorded in the migrations table.
type mysqlSchema struct {
	tables     []string
	migrations []string
}

// capturedMySQLSchema returns the schema the migrations build on the
// server of cfg, migrating a scratch database the first time.
func capturedMySQLSchema(cfg *mysql.Config) (*mysqlSchema, error) {
	mysqlOnce.Do(func() { mysqlCached, mysqlErr = captureMySQL(cfg.Clone()) })
	return mysqlCached, mysqlErr
}

// captureMySQL migrates a scratch database, reads its schema back and
// drops it.
func captureMySQL(cfg *mysql.Config) (_ *mysqlSchema, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), captureTimeout)
	defer cancel()
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open mysql: %w", err)
	}
	defer func() { _ = admin.Close() }()
	suffix, err := randomSuffix()
	if err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	name := "huifang_schema_" + suffix
	if err := createDatabase(ctx, admin, name); err != nil {
		return nil, err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err = errors.Join(err, dropDatabase(ctx, admin, name))
	}()
	cfg.DBName = name
	if err := migrate(ctx, cfg.FormatDSN(), ""); err != nil {
		return nil, err
	}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer func() { _ = db.Close() }()
	return readMySQLSchema(ctx, db)
}

// autoIncrement is the table option SHOW CREATE TABLE adds once a table
// has had rows; a fresh table must not inherit it.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

func readMySQLSchema(ctx context.Context, db *sql.DB) (*mysqlSchema, error) {
	tables, err := queryStrings(ctx, db, "SHOW TABLES")
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	s := &mysqlSchema{}
	for _, t := range tables {
		var name, ddl string
		if err := db.QueryRowContext(ctx, "SHOW CREATE TABLE `"+t+"`").Scan(&name, &ddl); err != nil {
			return nil, fmt.Errorf("show create table %s: %w", t, err)
		}
		s.tables = append(s.tables, autoIncrement.ReplaceAllString(ddl, ""))
	}
	if s.migrations, err = queryStrings(ctx, db, "SELECT id FROM migrations ORDER BY id"); err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	return s, nil
}

// apply creates the schema's tables in database name and records its
// migrations there, as if Migrate had run.
func (s *mysqlSchema) apply(ctx context.Context, admin *sql.DB, name string) error {
	conn, err := admin.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := conn.ExecContext(ctx, "USE "+name); err != nil {
		return fmt.Errorf("use: %w", err)
	}
	for _, ddl := range s.tables {
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("create table: %w", err)
		}
	}
	for _, id := range s.migrations {
		if _, err := conn.ExecContext(ctx, "INSERT INTO migrations (id) VALUES (?)", id); err != nil {
			return fmt.Errorf("record migration %s: %w", id, err)
		}
	}
	return nil
}

// capturedSQLiteSchema returns a migrated SQLite database file, migrating
// one the first time.
func capturedSQLiteSchema() ([]byte, error) {
	sqliteOnce.Do(func() { sqliteCached, sqliteErr = captureSQLite() })
	return sqliteCached, sqliteErr
}

// captureSQLite migrates a scratch file, reads it and removes it.
func captureSQLite() (_ []byte, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), captureTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "huifang-schema-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	path := filepath.Join(dir, "huifang.db")
	if err := migrate(ctx, "", path); err != nil {
		return nil, err
	}
	// Closing the last connection checkpoints the write-ahead log into the
	// file; a log left over would hold part of the schema.
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, errors.New("sqlite: write-ahead log not checkpointed on close")
	}
	file, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read migrated file: %w", err)
	}
	return file, nil
}

// migrate opens a store, migrates it and closes it.
func migrate(ctx context.Context, dsn, path string) error {
	s, err := sqlstore.Open(ctx, dsn, path, Logger())
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	if err := s.Migrate(ctx); err != nil {
		return errors.Join(fmt.Errorf("migrate: %w", err), s.Close())
	}
	return s.Close()
}

func createDatabase(ctx context.Context, admin *sql.DB, name string) error {
	_, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci")
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func dropDatabase(ctx context.Context, admin *sql.DB, name string) error {
	if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// queryStrings returns the first column of every row of query.
func queryStrings(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
