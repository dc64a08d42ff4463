package handlers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/huifang/huifang/models"
)

// Every update needs its sender's users row. It is cached per process and
// tagged with the users epoch read together with the chat's state, so a
// change made anywhere (a revocation on another replica) is seen at the
// very next update; maxUserAge bounds the age of an entry in case a row
// was changed outside the bot.
const (
	maxUserAge    = 5 * time.Minute
	maxUserCached = 10000
)

type cachedUser struct {
	user  models.User
	found bool
	epoch int64
	at    time.Time
}

// userCache holds the users of recent updates.
type userCache struct {
	mu sync.Mutex
	m  map[int64]cachedUser
}

func (c *userCache) get(id, epoch int64, now time.Time) (cachedUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	return e, ok && e.epoch == epoch && now.Sub(e.at) < maxUserAge
}

func (c *userCache) put(id int64, e cachedUser) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxUserCached {
		c.m = make(map[int64]cachedUser)
	}
	c.m[id] = e
}

// user returns the sender of an update as of epoch: registered, a
// configured admin without a row, or ErrNotFound.
func (a *App) user(ctx context.Context, id, epoch int64) (models.User, error) {
	now := a.env.Now()
	if e, ok := a.users.get(id, epoch, now); ok {
		if !e.found {
			return models.User{}, fmt.Errorf("user %d: %w", id, models.ErrNotFound)
		}
		return e.user, nil
	}
	u, err := a.findUser(ctx, id)
	switch {
	case errors.Is(err, models.ErrNotFound):
		a.users.put(id, cachedUser{epoch: epoch, at: now})
	case err == nil:
		a.users.put(id, cachedUser{user: u, found: true, epoch: epoch, at: now})
	}
	return u, err
}

// epochStore moves the users epoch on after every change of a user's row,
// so that every replica's cache of users sees it at its next update. If
// the epoch cannot be moved the change stands but is reported as failed:
// the replicas cannot serve without the state store either.
type epochStore struct {
	Store
	state models.StateStore
}

func (s epochStore) changed(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return s.state.UsersChanged(ctx)
}

func (s epochStore) CreateUser(ctx context.Context, actor models.Viewer, u *models.User) error {
	return s.changed(ctx, s.Store.CreateUser(ctx, actor, u))
}

func (s epochStore) SetUserLang(ctx context.Context, telegramID int64, lang string) error {
	return s.changed(ctx, s.Store.SetUserLang(ctx, telegramID, lang))
}

func (s epochStore) SetDigestFrequency(ctx context.Context, telegramID int64, freq string) error {
	return s.changed(ctx, s.Store.SetDigestFrequency(ctx, telegramID, freq))
}

func (s epochStore) RedeemInvitation(ctx context.Context, code string, telegramID int64, name string, now time.Time) (models.User, models.Invitation, error) {
	u, inv, err := s.Store.RedeemInvitation(ctx, code, telegramID, name, now)
	return u, inv, s.changed(ctx, err)
}

func (s epochStore) RevokeUser(ctx context.Context, actor models.Viewer, telegramID int64) (models.User, error) {
	u, err := s.Store.RevokeUser(ctx, actor, telegramID)
	return u, s.changed(ctx, err)
}

func (s epochStore) RenameUser(ctx context.Context, actor models.Viewer, telegramID int64, name string) (models.User, error) {
	u, err := s.Store.RenameUser(ctx, actor, telegramID, name)
	return u, s.changed(ctx, err)
}
