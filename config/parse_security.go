package config

// The security settings: the state keys, the administrators' second
// factor and the MySQL connection's charset, parsed and checked.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// stateKeySize is the size of a state key (AES-256).
const stateKeySize = 32

func parseStateKey(c *Config, v string) (err error) {
	c.StateKey, err = parseKey(v)
	return err
}

func parseStateKeyOld(c *Config, v string) (err error) {
	c.StateKeyOld, err = parseKey(v)
	return err
}

// parseKey reads a key of stateKeySize bytes in base64 (standard or URL
// alphabet, padded or not); "" is no key. Its errors never quote the key.
func parseKey(v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(v); err == nil {
			if len(key) != stateKeySize {
				return nil, fmt.Errorf("decodes to %d bytes, not %d (make one with openssl rand -base64 32)", len(key), stateKeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("is not base64 (make one with openssl rand -base64 32)")
}

func parseAdminFactor(c *Config, v string) error {
	switch strings.ToLower(v) {
	case "on", "true", "1":
		c.AdminFactor = true
	case "off", "false", "0":
		c.AdminFactor = false
	default:
		return fmt.Errorf("%q is not on or off", v)
	}
	return nil
}

func parseAdminFactorEvery(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 12h", v)
	}
	if d < MinAdminFactorEvery || d > MaxAdminFactorEvery {
		return fmt.Errorf("%s is not from %s to %s", d, MinAdminFactorEvery, MaxAdminFactorEvery)
	}
	c.AdminFactorEvery = d
	return nil
}

// checkDSNCharset refuses a DSN whose connection would not speak utf8mb4:
// MySQL's utf8 (utf8mb3) and latin1 turn emoji and rarer Chinese
// characters of names into "?" or errors. Without charset and collation
// the store asks for utf8mb4 itself. The parameters follow the last '/',
// as the driver reads them (a password may hold '/' or '?'); errors quote
// only the parameter's value.
func checkDSNCharset(dsn string) error {
	_, query, _ := strings.Cut(dsn[strings.LastIndexByte(dsn, '/')+1:], "?")
	for _, kv := range strings.Split(query, "&") {
		key, value, _ := strings.Cut(kv, "=")
		if unescaped, err := url.QueryUnescape(value); err == nil {
			value = unescaped
		}
		switch key {
		case "charset":
			for _, cs := range strings.Split(value, ",") {
				if !strings.EqualFold(cs, "utf8mb4") {
					return fmt.Errorf("charset %q is not utf8mb4 (Chinese names and emoji need charset=utf8mb4)", value)
				}
			}
		case "collation":
			if !strings.HasPrefix(strings.ToLower(value), "utf8mb4_") {
				return fmt.Errorf("collation %q is not a utf8mb4 collation (Chinese names and emoji need utf8mb4)", value)
			}
		}
	}
	return nil
}

// validateSecurity checks the state keys, the MySQL connection's charset
// and the administrators' second factor.
func (c Config) validateSecurity(bad func(env, format string, args ...any)) {
	c.validateStateKey(bad)
	if c.AdminFactorEvery < MinAdminFactorEvery || c.AdminFactorEvery > MaxAdminFactorEvery {
		bad("HUIFANG_ADMIN_2FA_EVERY", "%s is not from %s to %s", c.AdminFactorEvery, MinAdminFactorEvery, MaxAdminFactorEvery)
	}
	if c.MySQLDSN != "" {
		if err := checkDSNCharset(c.MySQLDSN); err != nil {
			bad("MYSQL_DSN", "%v", err)
		}
	}
}

// validateStateKey requires the state key with Redis: drafts hold
// findings about people, and Redis keeps them for days.
func (c Config) validateStateKey(bad func(env, format string, args ...any)) {
	switch {
	case c.RedisURL != "" && c.StateKey == nil:
		bad("HUIFANG_STATE_KEY", "must be set when REDIS_URL is set: chat state is kept in Redis only encrypted; make a key with openssl rand -base64 32 and give every replica the same one")
	case c.StateKey != nil && len(c.StateKey) != stateKeySize:
		bad("HUIFANG_STATE_KEY", "must be %d bytes, not %d", stateKeySize, len(c.StateKey))
	case c.StateKeyOld != nil && len(c.StateKeyOld) != stateKeySize:
		bad("HUIFANG_STATE_KEY_OLD", "must be %d bytes, not %d", stateKeySize, len(c.StateKeyOld))
	case c.StateKeyOld != nil && c.StateKey == nil:
		bad("HUIFANG_STATE_KEY_OLD", "is only read beside a current HUIFANG_STATE_KEY")
	}
}
