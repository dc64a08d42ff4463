package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// appendOnly lists the tables the application may only read and append
// to: the audit trail. audit_chain, the chain's head, must also be
// updated; its rows say nothing the events do not.
var appendOnly = map[string]string{
	"audit_events":  "SELECT, INSERT",
	"audit_members": "SELECT, INSERT",
	"audit_chain":   "SELECT, INSERT, UPDATE",
	"migrations":    "SELECT",
}

// appPrivileges are the application's privileges on every other table.
const appPrivileges = "SELECT, INSERT, UPDATE, DELETE"

// grantee is a MySQL account: user, or user@host.
var grantee = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,32})(?:@([A-Za-z0-9_.%:-]{1,255}))?$`)

// GrantApp gives the MySQL account user ("name" or "name@host", host "%"
// by default) what the application needs on every table of the database
// and no more: SELECT and INSERT on the audit tables (so that audit rows
// can be neither changed nor deleted with its credentials), SELECT on the
// migrations, and SELECT, INSERT, UPDATE and DELETE on the rest. It is
// run after Migrate by an account that may grant (the database's owner);
// new tables of later migrations need it again. An account that holds
// broader privileges on the whole database or server is refused
// (ErrInvalidAccount): table privileges cannot take those away. Reading
// another account's grants needs SELECT on the mysql schema; without it
// checked is false and the operator must make sure of that.
func (s *Store) GrantApp(ctx context.Context, user string) (checked bool, err error) {
	if s.dialect != DialectMySQL {
		return false, errors.New("grant: only MySQL/MariaDB has database users")
	}
	m := grantee.FindStringSubmatch(user)
	if m == nil {
		return false, fmt.Errorf("grant: account %q: %w", user, ErrInvalidAccount)
	}
	name, host := m[1], m[2]
	if host == "" {
		host = "%"
	}
	account := "'" + name + "'@'" + host + "'"
	db := s.db.WithContext(ctx)
	var schema string
	if err := db.Raw("SELECT DATABASE()").Scan(&schema).Error; err != nil {
		return false, fmt.Errorf("grant: database: %w", err)
	}
	checked, err = s.checkBroadGrants(ctx, account)
	if err != nil {
		return false, err
	}
	tables, err := db.Migrator().GetTables()
	if err != nil {
		return false, fmt.Errorf("grant: list tables: %w", err)
	}
	slices.Sort(tables)
	for _, t := range tables {
		privs, ok := appendOnly[t]
		if !ok {
			privs = appPrivileges
		} else if err := db.Exec("REVOKE ALL PRIVILEGES ON `" + schema + "`.`" + t + "` FROM " + account).Error; err != nil && !isMySQLError(err, 1147) {
			return false, fmt.Errorf("grant: revoke on %s: %w", t, err) // 1147: there was nothing to revoke
		}
		if err := db.Exec("GRANT " + privs + " ON `" + schema + "`.`" + t + "` TO " + account).Error; err != nil {
			return false, fmt.Errorf("grant: %s: %w", t, err)
		}
	}
	return checked, nil
}

// ErrInvalidAccount reports a MySQL account GrantApp will not name.
var ErrInvalidAccount = errors.New("not an account name (letters, digits, _ . - ; host: also % :)")

// broadPrivileges are those that, held on the whole database or server,
// would let the application change or delete audit rows.
var broadPrivileges = []string{"UPDATE", "DELETE", "DROP", "ALTER", "ALL PRIVILEGES"}

// checkBroadGrants refuses an account whose grants on the database or the
// server already allow changing the audit tables; checked is false when
// the caller may not read another account's grants.
func (s *Store) checkBroadGrants(ctx context.Context, account string) (checked bool, err error) {
	var grants []string
	rows, err := s.sqlDB.QueryContext(ctx, "SHOW GRANTS FOR "+account)
	if isMySQLError(err, 1044, 1142, 1227) { // access denied: needs SELECT on mysql.*
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("grant: show grants for %s (create the account first): %w", account, err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return false, fmt.Errorf("grant: read grants: %w", err)
		}
		grants = append(grants, g)
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("grant: read grants: %w", err)
	}
	for _, g := range grants {
		i := strings.Index(g, " ON ")
		j := strings.Index(g, " TO ")
		if !strings.HasPrefix(g, "GRANT ") || i < 0 || j < i {
			continue
		}
		if target := strings.TrimSpace(g[i+4 : j]); !strings.HasSuffix(target, "*") {
			continue // a grant on one table (GrantApp's own) or on a routine
		}
		privs := strings.ToUpper(g[len("GRANT "):i])
		for _, p := range broadPrivileges {
			if strings.Contains(privs, p) {
				return false, fmt.Errorf("grant: %s holds %s on a whole database or the server; revoke it first: %w", account, p, ErrInvalidAccount)
			}
		}
	}
	return true, nil
}

// isMySQLError reports a MySQL error with one of the numbers.
func isMySQLError(err error, numbers ...uint16) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && slices.Contains(numbers, me.Number)
}
