// Package bot holds Huifang's transports: the Telegram Bot API (long
// polling) and a terminal console. It turns updates into handlers.Input,
// runs the handler with per-chat ordering, and sends handlers.Response back
// through one paced sender that honours Telegram's rate limits and errors.
package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/huifang/huifang/handlers"
	"github.com/huifang/huifang/handlers/kit"
)

// Defaults of Config.
const (
	DefaultPollTimeout   = 50 * time.Second
	DefaultSendTimeout   = 15 * time.Second
	DefaultGlobalRate    = 30 // bulk messages a second overall
	DefaultChatRate      = 1  // bulk messages a second to one chat
	DefaultGroupRate     = 20 // bulk messages a minute to one group
	DefaultDrainTimeout  = 10 * time.Second
	DefaultMaxRetryAfter = 5 * time.Minute
)

// ErrBlocked is wrapped by send errors when Telegram answers 403: the user
// blocked the bot, left, or the bot may not write to that chat.
var ErrBlocked = errors.New("bot blocked by user")

// ErrRateLimited is wrapped by send errors when Telegram asks to wait longer
// than the sender is willing to (see Config.MaxRetryAfter); nothing is sent
// to that chat before the wait is over.
var ErrRateLimited = errors.New("chat rate limited by telegram")

// Config configures a Telegram transport. Zero values take the defaults.
type Config struct {
	Token       string
	Endpoint    string        // like tgbotapi.APIEndpoint ("https://api.telegram.org/bot%s/%s"), the default
	PollTimeout time.Duration // getUpdates long-poll timeout, default 50s, capped at 50s
	SendTimeout time.Duration // HTTP timeout of every other call, default 15s
	// GlobalRate, ChatRate and GroupRate pace bulk messages (reminders,
	// digests, notices to other users): messages a second overall
	// (default 30), a second to one chat (default 1, burst 3) and a minute
	// to one group (default 20, burst 3). Replies to a user's own action
	// are not paced: they only use what these limits have to spare.
	GlobalRate   float64
	ChatRate     float64
	GroupRate    float64
	Logger       *slog.Logger
	Apology      func(in handlers.Input) handlers.Response // sent when the handler panics
	Commands     map[string][]handlers.Command             // language code ("" = default) → "/" menu, set at start
	DrainTimeout time.Duration                             // how long Run waits for in-flight updates on shutdown, default 10s
	// MaxRetryAfter is the longest 429 retry_after a message waits out
	// before failing with ErrRateLimited, default 5m. Only that chat waits.
	MaxRetryAfter time.Duration
	// Locker hands out the polling lease: Run polls only while it holds
	// it. nil: this process polls alone.
	Locker Locker
	// LeaseTTL is how long the lease lasts unless refreshed, default 6s:
	// another process takes over within 4/3 of it after this one dies.
	LeaseTTL time.Duration
	// Observer hears of every update, request and retry, for metrics;
	// nil: nobody.
	Observer Observer
	// Transport carries the HTTP requests; nil means a clone of
	// http.DefaultTransport. Tests pass telegramtest.Server.Client().Transport.
	Transport http.RoundTripper
	// Progress times the progress messages of long work (kit.Progress);
	// zero fields: kit's defaults.
	Progress kit.ProgressTiming

	// clock and jitter time every wait; nil: the wall clock and random
	// jitter. Tests set fakes to assert exact waits without sleeping.
	clock  clock
	jitter jitterFunc
}

func (c Config) withDefaults() Config {
	if c.Endpoint == "" {
		c.Endpoint = tgbotapi.APIEndpoint
	}
	if c.PollTimeout <= 0 || c.PollTimeout > DefaultPollTimeout {
		c.PollTimeout = DefaultPollTimeout
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = DefaultSendTimeout
	}
	if c.GlobalRate <= 0 {
		c.GlobalRate = DefaultGlobalRate
	}
	if c.ChatRate <= 0 {
		c.ChatRate = DefaultChatRate
	}
	if c.GroupRate <= 0 {
		c.GroupRate = DefaultGroupRate
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if c.Locker == nil {
		c.Locker = soloLocker{}
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.Observer == nil {
		c.Observer = noObserver{}
	}
	if c.jitter == nil {
		c.jitter = halfJitter
	}
	if c.Transport == nil {
		c.Transport = defaultTransport()
	}
	return c
}

// idleConnsPerHost is how many kept-alive connections to the Bot API
// (one host) outlive a burst. Every chat being handled may have a reply in
// flight; with fewer idle slots than that, each burst closes the surplus
// and the next one dials them again (at 50 busy chats and 32 slots, dialling
// and closing was 4% of the bot's CPU). 128 idle connections cost at most a
// few MB and are closed after IdleConnTimeout.
const idleConnsPerHost = 128

func defaultTransport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = idleConnsPerHost
	return tr
}

// Telegram is the Bot API transport: it long-polls for updates, runs the
// handler and sends its responses.
type Telegram struct {
	cfg      Config
	username string
	botID    int64
	pollBuf  bytes.Buffer // the last getUpdates answer (getUpdates)
	urls     sync.Map     // method -> *url.URL (methodURL)
	handler  handlers.Handler
	send     *sender
	log      *slog.Logger
	// onUndelivered is the handler, when it wants to hear of replies that
	// could not be delivered.
	onUndelivered UndeliveredHandler

	disp      *dispatcher // updates in hand, one queue per chat
	running   atomic.Bool
	mu        sync.Mutex // guards offset and confirmed
	offset    int        // next getUpdates offset: highest handled id + 1
	confirmed int        // offset last sent to Telegram
}

// New connects to the Bot API, retrying getMe with backoff until it answers
// or ctx is done, and registers cfg.Commands. An invalid token fails at once.
func New(ctx context.Context, cfg Config, h handlers.Handler) (*Telegram, error) {
	if cfg.Token == "" {
		return nil, errors.New("new telegram: empty token")
	}
	if h == nil {
		return nil, errors.New("new telegram: nil handler")
	}
	cfg = cfg.withDefaults()
	t := &Telegram{
		cfg: cfg,
		log: cfg.Logger,
	}
	t.handler = logging(t.log)(recoverer(t.log, cfg.Apology)(Observed(cfg.Observer, h)))
	t.onUndelivered, _ = h.(UndeliveredHandler)
	t.disp = newDispatcher(t.handleUpdate)
	base, err := t.connect(ctx)
	if err != nil {
		return nil, err
	}
	t.username = base.Self.UserName
	t.botID = base.Self.ID
	t.send = newSender(t.call, limits{global: cfg.GlobalRate, chat: cfg.ChatRate, group: cfg.GroupRate}, cfg.MaxRetryAfter, cfg.clock, cfg.jitter)
	t.send.obs = cfg.Observer
	t.setCommands(ctx)
	return t, nil
}

// connect builds the BotAPI; its constructor calls getMe, retried here
// with backoff (as long as Telegram asks, on a 429) while the API cannot
// be reached or fails: a bot started before its network or proxy is up
// waits for it rather than exiting.
func (t *Telegram) connect(ctx context.Context) (*tgbotapi.BotAPI, error) {
	httpClient := &http.Client{Timeout: t.cfg.SendTimeout, Transport: t.cfg.Transport}
	for attempt := 1; ; attempt++ {
		client := ctxDoer{ctx: ctx, client: httpClient, token: t.cfg.Token}
		base, err := tgbotapi.NewBotAPIWithClient(t.cfg.Token, t.cfg.Endpoint, client)
		if err == nil {
			base.Debug = false
			return base, nil
		}
		err = redactError(err, t.cfg.Token)
		var tgErr *tgbotapi.Error
		isTG := errors.As(err, &tgErr)
		if isTG && (tgErr.Code == http.StatusUnauthorized || tgErr.Code == http.StatusNotFound) {
			return nil, fmt.Errorf("connect to telegram: invalid token: %w", err)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connect to telegram: %w", err)
		}
		wait := backoff(attempt, pollRetryBase, pollRetryCap, t.cfg.jitter)
		if isTG && tgErr.RetryAfter > 0 {
			wait = time.Duration(tgErr.RetryAfter) * time.Second
		}
		t.log.Warn("telegram Bot API unreachable at start-up, retrying", "endpoint", endpointHost(t.cfg.Endpoint),
			"attempt", attempt, "retry_in", wait, "err", t.errText(err))
		if !t.cfg.clock.Sleep(ctx, wait) {
			return nil, fmt.Errorf("connect to telegram: %w", ctx.Err())
		}
	}
}

// endpointHost is the host of the Bot API endpoint, for the log: the rest
// of the URL holds the token's place.
func endpointHost(endpoint string) string {
	u, err := url.Parse(fmt.Sprintf(endpoint, "TOKEN", "getMe"))
	if err != nil {
		return ""
	}
	return u.Host
}

// setCommands registers the "/" menus; a failure is logged, not fatal.
func (t *Telegram) setCommands(ctx context.Context) {
	for lang, cmds := range t.cfg.Commands {
		list := make([]tgbotapi.BotCommand, 0, len(cmds))
		for _, c := range cmds {
			list = append(list, tgbotapi.BotCommand{Command: strings.TrimPrefix(c.Name, "/"), Description: c.Description})
		}
		params := tgbotapi.Params{}
		if err := params.AddInterface("commands", list); err != nil {
			t.log.Error("encode bot commands", "lang", lang, "err", err)
			continue
		}
		params.AddNonEmpty("language_code", lang)
		if _, err := t.send.do(ctx, "setMyCommands", params); err != nil {
			t.log.Warn("set bot commands", "lang", lang, "err", t.errText(err))
		}
	}
}

// Username is the bot's @username, without the @.
func (t *Telegram) Username() string { return t.username }
