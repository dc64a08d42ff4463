// Package modelstest opens real, isolated stores for tests: a fresh MySQL
// database, a SQLite file or a Redis key prefix, each removed when the test
// ends. When a server does not answer the test is skipped loudly, or fails
// where CI=true or HUIFANG_TEST_REQUIRE_SERVICES=1.
//
// Migrating takes most of a storage test's time, so each engine's schema is
// migrated once per test binary, captured and dropped again at once; every
// store then gets a fresh database cloned from that capture (schema.go).
package modelstest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/huifang/huifang/models"
	"github.com/huifang/huifang/models/redisstate"
	"github.com/huifang/huifang/models/sqlstore"
)

// Defaults for HUIFANG_TEST_MYSQL_DSN and HUIFANG_TEST_REDIS_URL.
const (
	DefaultMySQLDSN = "root@tcp(127.0.0.1:3306)/test"
	DefaultRedisURL = "redis://127.0.0.1:6379"
)

const connectTimeout = 3 * time.Second

// OpenMySQL creates a database named huifang_test_<random> on the server of
// HUIFANG_TEST_MYSQL_DSN with the migrated schema, opens a Store on it, and
// drops the database when tb ends.
func OpenMySQL(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return openMySQL(tb, true, nil)
}

// OpenMySQLVia is OpenMySQL with the store's connections made to via(the
// server's address) instead, e.g. a Proxy that can stall them.
func OpenMySQLVia(tb testing.TB, via func(addr string) string) *sqlstore.Store {
	tb.Helper()
	return openMySQL(tb, true, via)
}

// OpenMySQLEmpty is OpenMySQL without the schema: the database is empty,
// for tests of Migrate itself.
func OpenMySQLEmpty(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return openMySQL(tb, false, nil)
}

func openMySQL(tb testing.TB, migrated bool, via func(string) string) *sqlstore.Store {
	tb.Helper()
	cfg, err := mysql.ParseDSN(env("HUIFANG_TEST_MYSQL_DSN", DefaultMySQLDSN))
	if err != nil {
		tb.Fatalf("HUIFANG_TEST_MYSQL_DSN is not a valid DSN")
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		tb.Fatalf("open mysql: %v", err)
	}
	tb.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		unavailable(tb, "MySQL/MariaDB at "+cfg.Addr, "HUIFANG_TEST_MYSQL_DSN", err)
	}
	var schema *mysqlSchema
	if migrated {
		if schema, err = capturedMySQLSchema(cfg); err != nil {
			tb.Fatalf("migrated schema: %v", err)
		}
	}
	name := "huifang_test_" + randomHex(tb)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dropDatabase(ctx, admin, name); err != nil {
			tb.Errorf("%v", err)
		}
	})
	ctx, cancel = context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := createDatabase(ctx, admin, name); err != nil {
		tb.Fatalf("%v", err)
	}
	if schema != nil {
		if err := schema.apply(ctx, admin, name); err != nil {
			tb.Fatalf("clone schema into %s: %v", name, err)
		}
	}
	cfg.DBName = name
	if via != nil {
		cfg.Addr = via(cfg.Addr)
	}
	return openStore(tb, cfg.FormatDSN(), "")
}

// OpenSQLite opens a Store on a SQLite file with the migrated schema in
// tb's temporary directory.
func OpenSQLite(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	file, err := capturedSQLiteSchema()
	if err != nil {
		tb.Fatalf("migrated schema: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "huifang.db")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		tb.Fatalf("write %s: %v", path, err)
	}
	return openStore(tb, "", path)
}

// OpenSQLiteEmpty is OpenSQLite without the schema: a new, empty file, for
// tests of Migrate itself.
func OpenSQLiteEmpty(tb testing.TB) *sqlstore.Store {
	tb.Helper()
	return openStore(tb, "", filepath.Join(tb.TempDir(), "huifang.db"))
}

func openStore(tb testing.TB, dsn, path string) *sqlstore.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := sqlstore.Open(ctx, dsn, path, Logger())
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close store: %v", err)
		}
	})
	return s
}

// OpenRedis opens a redisstate.Store on HUIFANG_TEST_REDIS_URL with a
// unique key prefix and a random state key, and deletes every key under
// that prefix when tb ends.
func OpenRedis(tb testing.TB) *redisstate.Store {
	tb.Helper()
	return OpenRedisAt(tb, "huifang_test:"+randomHex(tb)+":", StateKeyring(tb, NewStateKey(tb)))
}

// RedisURL is the Redis the tests use (HUIFANG_TEST_REDIS_URL).
func RedisURL() string { return env("HUIFANG_TEST_REDIS_URL", DefaultRedisURL) }

// NewStateKey is a random state key (models.KeySize bytes).
func NewStateKey(tb testing.TB) []byte {
	tb.Helper()
	key := make([]byte, models.KeySize)
	if _, err := rand.Read(key); err != nil {
		tb.Fatal(err)
	}
	return key
}

// StateKeyring is the keyring of chat states over current and old keys,
// as main builds it.
func StateKeyring(tb testing.TB, current []byte, old ...[]byte) *models.Keyring {
	tb.Helper()
	k, err := models.NewKeyring(redisstate.Purpose, current, old...)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// OpenRedisAt opens a redisstate.Store under prefix sealing with keys, and
// deletes every key under prefix when tb ends.
func OpenRedisAt(tb testing.TB, prefix string, keys *models.Keyring) *redisstate.Store {
	tb.Helper()
	url := RedisURL()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	st, err := redisstate.Open(ctx, url, prefix, keys)
	if err != nil {
		unavailable(tb, "Redis", "HUIFANG_TEST_REDIS_URL", err)
	}
	tb.Cleanup(func() {
		if err := deleteKeys(url, prefix); err != nil {
			tb.Errorf("delete test keys: %v", err)
		}
		if err := st.Close(); err != nil {
			tb.Errorf("close redis: %v", err)
		}
	})
	return st
}

// deleteKeys removes every key starting with prefix.
func deleteKeys(redisURL, prefix string) error {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return fmt.Errorf("parse redis url: %w", err)
	}
	rdb := redis.NewClient(opt)
	defer func() { _ = rdb.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		if err := rdb.Del(ctx, iter.Val()).Err(); err != nil {
			return fmt.Errorf("del: %w", err)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	return nil
}

// Required reports whether missing services fail tests instead of skipping
// them: CI=true or HUIFANG_TEST_REQUIRE_SERVICES=1.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("HUIFANG_TEST_REQUIRE_SERVICES") == "1"
}

func unavailable(tb testing.TB, what, envVar string, err error) {
	tb.Helper()
	msg := fmt.Sprintf("\n"+
		"########################################################################\n"+
		"### %s DOES NOT ANSWER: %v\n"+
		"### Tests that need it are SKIPPED. Start it (.ci/run) or set %s.\n"+
		"### Set CI=true or HUIFANG_TEST_REQUIRE_SERVICES=1 to fail instead.\n"+
		"########################################################################",
		what, err, envVar)
	if Required() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// Logger returns the logger stores under test use: warnings and errors to
// stderr.
func Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func randomHex(tb testing.TB) string {
	tb.Helper()
	s, err := randomSuffix()
	if err != nil {
		tb.Fatalf("random: %v", err)
	}
	return s
}

func randomSuffix() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
