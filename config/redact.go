package config

import (
	"net/url"
	"strings"
)

// RedactToken keeps a bot token's public bot id and hides its secret part:
// "123456:ABC..." becomes "123456:xxxxx".
func RedactToken(token string) string {
	if token == "" {
		return ""
	}
	id, _, ok := strings.Cut(token, ":")
	if !ok || id == "" || strings.Trim(id, "0123456789") != "" {
		return redacted
	}
	return id + ":" + redacted
}

// RedactSecret hides a secret whole; an empty one stays empty, so that
// logs tell whether it is set.
func RedactSecret(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// RedactDSN hides the password of a Go MySQL driver DSN
// (user:pass@tcp(host)/db). It errs towards hiding too much: everything
// between the user's colon and the last '@' goes.
func RedactDSN(dsn string) string {
	at := strings.LastIndexByte(dsn, '@')
	if at < 0 {
		return dsn
	}
	colon := strings.IndexByte(dsn[:at], ':')
	if colon < 0 {
		return dsn
	}
	return dsn[:colon+1] + redacted + dsn[at:]
}

// RedactRedisURL hides the password of a Redis URL, in its user info or in a
// password query parameter. A URL that does not parse is hidden whole.
func RedactRedisURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return redacted
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", redacted)
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// The parse functions store one setting's text, already trimmed and
// defaulted, into c. Their errors omit the variable's name; Load adds it.

// RedactEndpoint hides the user info (user name and password of HTTP
// basic authentication) of a Bot API URL pattern:
// "http://user:pass@host/bot%s/%s" becomes "http://xxxxx@host/bot%s/%s".
func RedactEndpoint(pattern string) string {
	scheme, rest, ok := strings.Cut(pattern, "://")
	if !ok {
		return pattern
	}
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return pattern
	}
	return scheme + "://" + redacted + authority[at:] + path
}
