package factor

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/huifang/huifang/handlers/kit"
	"github.com/huifang/huifang/models"
)

// TOTP as every authenticator app does it by default (Google
// Authenticator's key URI defaults): 30-second steps, 6 digits, SHA-1.
const (
	stepSeconds = 30
	codeDigits  = 6
)

var validateOpts = totp.ValidateOpts{Period: stepSeconds, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Issuer names the bot in authenticator apps.
const Issuer = "Huifang"

// Purpose is what the keyring sealing stored secrets is for
// (models.NewKeyring): its AES key is derived from the state key and this
// text, apart from the chat state's.
const Purpose = "huifang second factor v1"

// secretAD binds a sealed secret to its administrator: one cannot be
// copied onto another's row.
func secretAD(telegramID int64) []byte {
	return []byte("huifang 2fa " + strconv.FormatInt(telegramID, 10))
}

// newSecret makes a TOTP key for the user and what to store of it: the
// secret sealed under the current key, or as it is without a keyring.
func (g *Factor) newSecret(telegramID int64) (*otp.Key, []byte, bool, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: strconv.FormatInt(telegramID, 10),
		Period: stepSeconds, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, nil, false, fmt.Errorf("generate totp secret: %w", err)
	}
	if g.keys == nil {
		return key, []byte(key.Secret()), false, nil
	}
	return key, g.keys.Seal([]byte(key.Secret()), secretAD(telegramID)), true, nil
}

// errUnreadable is a stored secret that no key opens.
var errUnreadable = errors.New("second factor secret unreadable")

// openSecret returns the stored secret in clear, and the secret sealed
// anew when an old key opened it.
func (g *Factor) openSecret(f models.SecondFactor) (string, []byte, error) {
	if !f.Sealed {
		return string(f.Secret), nil, nil
	}
	if g.keys == nil {
		return "", nil, fmt.Errorf("%w: sealed, and no state key is set", errUnreadable)
	}
	plain, rotated, err := g.keys.Open(f.Secret, secretAD(f.TelegramID))
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", errUnreadable, err)
	}
	var reseal []byte
	if rotated {
		reseal = g.keys.Seal(plain, secretAD(f.TelegramID))
	}
	return string(plain), reseal, nil
}

// checker checks code at now against a stored factor: the codes of the
// step before, of now and of the step after (clocks drift), newest first,
// compared in constant time.
func (g *Factor) checker(code string, now time.Time) models.FactorCheck {
	return func(f models.SecondFactor) (int64, bool, []byte) {
		secret, reseal, err := g.openSecret(f)
		if err != nil {
			return 0, false, nil
		}
		for skew := 1; skew >= -1; skew-- {
			at := now.Add(time.Duration(skew*stepSeconds) * time.Second)
			want, err := totp.GenerateCodeCustom(secret, at, validateOpts)
			if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
				return at.Unix() / stepSeconds, true, reseal
			}
		}
		return 0, false, nil
	}
}

// parseCode reads a typed code: six digits, full-width ones and spaces
// allowed ("123 456").
func parseCode(text string) (string, bool) {
	code := strings.ReplaceAll(kit.Fold(text), " ", "")
	if len(code) != codeDigits || strings.Trim(code, "0123456789") != "" {
		return "", false
	}
	return code, true
}

// groupSecret writes a base32 secret in groups of four, as authenticator
// apps show it, for typing it in.
func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
