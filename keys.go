package main

// The chat state store, and the keys that seal what outlives an update:
// the chat state in Redis and administrators' second-factor secrets.

import (
	"fmt"
	"log/slog"

	"github.com/huifang/huifang/config"
	"github.com/huifang/huifang/handlers/factor"
	"github.com/huifang/huifang/models"
)

// factorKeyring seals administrators' TOTP secrets with the state key;
// without one they are stored as they are, which is said at start-up.
func factorKeyring(cfg config.Config, log *slog.Logger) (*models.Keyring, error) {
	keys, err := keyring(factor.Purpose, cfg)
	if err != nil {
		return nil, fmt.Errorf("HUIFANG_STATE_KEY: %w", err)
	}
	if keys == nil && cfg.AdminFactor {
		log.Warn("administrators' second-factor secrets are stored unencrypted: set HUIFANG_STATE_KEY to encrypt them")
	}
	return keys, nil
}

// keyring is the keyring for purpose over the state keys (the current one,
// and the old one during a rotation), or nil without a state key.
func keyring(purpose string, cfg config.Config) (*models.Keyring, error) {
	if cfg.StateKey == nil {
		return nil, nil
	}
	var old [][]byte
	if cfg.StateKeyOld != nil {
		old = append(old, cfg.StateKeyOld)
	}
	return models.NewKeyring(purpose, cfg.StateKey, old...)
}
