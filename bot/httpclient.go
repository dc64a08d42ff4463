package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ctxDoer is the tgbotapi.HTTPClient of the getMe tgbotapi makes when the
// BotAPI is built (connect): tgbotapi has no context, so the Client
// carries the caller's ctx into the request.
type ctxDoer struct {
	ctx    context.Context
	client *http.Client
	token  string
}

// Do sends req with the call's context and strips the token from any
// transport error (net/http's errors quote the URL, which holds the token).
func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req.WithContext(d.ctx))
	if err != nil {
		return nil, redactError(err, d.token)
	}
	return resp, nil
}

// redactedError hides the token in an error's text while keeping the chain
// for errors.Is (context.Canceled, net errors) intact.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with every form of token removed from its text.
func redactError(err error, token string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := redact(msg, token)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// redact replaces token, raw and URL-escaped, in s.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	for _, form := range []string{token, url.PathEscape(token), url.QueryEscape(token)} {
		s = strings.ReplaceAll(s, form, "<redacted>")
	}
	return s
}

// errText is the text to log for err: always redacted.
func (t *Telegram) errText(err error) string {
	if err == nil {
		return ""
	}
	return redact(err.Error(), t.cfg.Token)
}

// exchange makes one Bot API request, every one but the getMe tgbotapi
// makes when the BotAPI is built (connect), and reads its answer into dst
// (at most limit bytes), all within timeout; it returns the HTTP status.
// It calls the transport itself: http.Client.Do would copy the URL and
// headers, start its own timer and wrap the request for redirects, which
// the Bot API never sends (a 3xx is then an answer that is not the API's
// JSON, as any proxy page is). The timeout is the request's context, so it
// covers reading the answer as the Client's did. Errors never hold the
// token.
func (t *Telegram) exchange(ctx context.Context, timeout time.Duration, method, contentType string, body io.Reader, dst *bytes.Buffer, limit int64) (int, error) {
	u, err := t.methodURL(method)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "", body)
	if err != nil {
		return 0, redactError(err, t.cfg.Token)
	}
	req.URL, req.Host = u, strings.TrimSuffix(u.Host, ":") // as NewRequest sets Host
	req.Header.Set("Content-Type", contentType)
	res, err := t.cfg.Transport.RoundTrip(req)
	if err != nil {
		return 0, redactError(err, t.cfg.Token)
	}
	defer res.Body.Close()
	if _, err := dst.ReadFrom(io.LimitReader(res.Body, limit)); err != nil {
		return 0, redactError(err, t.cfg.Token)
	}
	return res.StatusCode, nil
}

// apiError is a failed answer as tgbotapi returns it (a *tgbotapi.Error),
// its code taken from the HTTP status when the answer names none; nil
// for a successful answer.
func apiError(resp *tgbotapi.APIResponse, httpStatus int) error {
	if resp.Ok {
		return nil
	}
	e := &tgbotapi.Error{Code: resp.ErrorCode, Message: resp.Description}
	if e.Code == 0 {
		e.Code = httpStatus
	}
	if resp.Parameters != nil {
		e.ResponseParameters = *resp.Parameters
	}
	return e
}

// methodURL returns a copy of method's URL, parsed once per method: parsing
// it for every request was a sixth of a reply's request building.
func (t *Telegram) methodURL(method string) (*url.URL, error) {
	if u, ok := t.urls.Load(method); ok {
		c := *u.(*url.URL)
		return &c, nil
	}
	u, err := url.Parse(fmt.Sprintf(t.cfg.Endpoint, t.cfg.Token, method))
	if err != nil {
		return nil, redactError(err, t.cfg.Token)
	}
	t.urls.Store(method, u)
	c := *u
	return &c, nil
}
