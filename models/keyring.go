package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// KeySize is the size of the keys a Keyring takes: 32 bytes, AES-256.
const KeySize = 32

// sealVersion starts every sealed value, so that a later format (or a
// value written before sealing) is told apart.
const sealVersion = 1

// ErrUnsealed reports a sealed value that none of the keyring's keys
// opens: written under a key since removed, altered, moved to another
// context, or never sealed at all.
var ErrUnsealed = errors.New("cannot open sealed value")

// Keyring seals values with AES-256-GCM under its current key and opens
// values sealed under the current key or an older one, so that a key can
// be rotated: values are sealed anew under the current key as they are
// written again, and the old key is dropped once they all have been.
//
// Each key is a secret of KeySize random bytes; the AES key used is
// derived from it and the keyring's purpose with HKDF-SHA256, so that one
// secret serves several purposes (the chat state, second factors) without
// one's ciphertext being accepted as the other's. A sealed value is
// version byte || 12-byte random nonce || ciphertext and tag; the
// associated data (what the value belongs to, such as its key in Redis)
// must be the same to open it.
type Keyring struct {
	current cipher.AEAD
	old     []cipher.AEAD
}

// NewKeyring builds a keyring for purpose (a fixed text naming what it
// protects) with the current key and older keys that are only read.
func NewKeyring(purpose string, current []byte, old ...[]byte) (*Keyring, error) {
	if purpose == "" {
		return nil, errors.New("keyring: no purpose")
	}
	k := &Keyring{}
	var err error
	if k.current, err = aead(purpose, current); err != nil {
		return nil, err
	}
	for i, o := range old {
		a, err := aead(purpose, o)
		if err != nil {
			return nil, fmt.Errorf("old key %d: %w", i+1, err)
		}
		k.old = append(k.old, a)
	}
	return k, nil
}

// aead is AES-256-GCM under the key derived from secret for purpose.
func aead(purpose string, secret []byte) (cipher.AEAD, error) {
	if len(secret) != KeySize {
		return nil, fmt.Errorf("keyring: a key is %d bytes, not %d", KeySize, len(secret))
	}
	key, err := hkdf.Key(sha256.New, secret, nil, purpose, KeySize)
	if err != nil {
		return nil, fmt.Errorf("keyring: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plain under the current key, bound to ad.
func (k *Keyring) Seal(plain, ad []byte) []byte {
	ns := k.current.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+k.current.Overhead())
	out[0] = sealVersion
	rand.Read(out[1:]) // crypto/rand.Read never fails (it panics first)
	return k.current.Seal(out, out[1:], plain, ad)
}

// Open decrypts a value Seal made under any of the keys with the same ad.
// rotated reports that an older key opened it: it should be sealed again.
func (k *Keyring) Open(sealed, ad []byte) (plain []byte, rotated bool, err error) {
	ns := k.current.NonceSize()
	if len(sealed) < 1+ns+k.current.Overhead() || sealed[0] != sealVersion {
		return nil, false, fmt.Errorf("%w: not a sealed value", ErrUnsealed)
	}
	nonce, body := sealed[1:1+ns], sealed[1+ns:]
	for i, a := range append([]cipher.AEAD{k.current}, k.old...) {
		if plain, err := a.Open(nil, nonce, body, ad); err == nil {
			return plain, i > 0, nil
		}
	}
	return nil, false, fmt.Errorf("%w: no key opens it", ErrUnsealed)
}
