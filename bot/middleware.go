package bot

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/huifang/huifang/handlers"
)

// middleware wraps a handler with behaviour common to every update.
type middleware func(next handlers.Handler) handlers.Handler

// recoverer turns a handler panic into apology's response. The log carries
// the update and chat ids and the stack (function names and addresses), but
// not the panic value, which may quote user input.
func recoverer(log *slog.Logger, apology func(handlers.Input) handlers.Response) middleware {
	return func(next handlers.Handler) handlers.Handler {
		return handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) (resp handlers.Response) {
			defer func() {
				if recover() == nil {
					return
				}
				log.Error("handler panic", "update_id", in.UpdateID, "chat_id", in.ChatID, "stack", string(debug.Stack()))
				resp = handlers.Response{ChatID: in.ChatID}
				if apology != nil {
					resp = safeApology(log, apology, in)
				}
			}()
			return next.Handle(ctx, in)
		})
	}
}

// safeApology calls apology, which must not take the update down with it.
func safeApology(log *slog.Logger, apology func(handlers.Input) handlers.Response, in handlers.Input) (resp handlers.Response) {
	defer func() {
		if recover() != nil {
			log.Error("apology panic", "update_id", in.UpdateID, "chat_id", in.ChatID)
			resp = handlers.Response{ChatID: in.ChatID}
		}
	}()
	return apology(in)
}

// logging logs each handled update at Debug with its ids and duration,
// never its text.
func logging(log *slog.Logger) middleware {
	return func(next handlers.Handler) handlers.Handler {
		return handlers.HandlerFunc(func(ctx context.Context, in handlers.Input) handlers.Response {
			if !log.Enabled(ctx, slog.LevelDebug) {
				return next.Handle(ctx, in)
			}
			start := time.Now()
			resp := next.Handle(ctx, in)
			log.LogAttrs(ctx, slog.LevelDebug, "update handled",
				slog.Int("update_id", in.UpdateID),
				slog.Int64("chat_id", in.ChatID),
				slog.Int64("user_id", in.UserID),
				slog.Duration("duration", time.Since(start)))
			return resp
		})
	}
}

// slogLevelFor is the level of a send failure: a user who blocked the bot is
// routine, anything else an error.
func slogLevelFor(err error) slog.Level {
	if errors.Is(err, ErrBlocked) {
		return slog.LevelInfo
	}
	return slog.LevelError
}
