package models

import "time"

// An administrator's second factor: a TOTP authenticator (RFC 6238).
// Admin-only actions run only after a code was given within a period; the
// rules below bound guessing. handlers/ generates and checks the codes;
// the store keeps the secret (sealed with the state key when one is set),
// counts failures and records every attempt in the audit trail, never the
// code itself.
const (
	// MaxFactorFailures is how many wrong codes in a row lock the factor.
	MaxFactorFailures = 5
	// FactorLockout is how long the factor stays locked after them.
	FactorLockout = 15 * time.Minute
)

// Audit actions of second factors. Their Detail never holds a code or a
// secret.
const (
	AuditFactorEnrol  = "2fa_enrol"  // a new secret was issued (not yet confirmed)
	AuditFactorVerify = "2fa_verify" // Detail "result=ok|wrong|locked|replayed" (ok also confirms an enrolment)
	AuditFactorReset  = "2fa_reset"  // Detail "of=<telegram id>": the factor was removed
)

// SecondFactor is an administrator's authenticator as stored.
type SecondFactor struct {
	TelegramID  int64
	Secret      []byte // the TOTP secret (base32 text), sealed when Sealed
	Sealed      bool
	Confirmed   bool      // a code was given after enrolment
	LastStep    int64     // the time step of the last code accepted (a code is accepted once)
	VerifiedAt  time.Time // when the last code was accepted; zero: never
	Failures    int       // wrong codes since the last one accepted
	LockedUntil time.Time // no code is checked before then
}

// Fresh reports whether a code was accepted less than period before now.
func (f SecondFactor) Fresh(now time.Time, period time.Duration) bool {
	return f.Confirmed && !f.VerifiedAt.IsZero() && now.Sub(f.VerifiedAt) < period
}

// FactorResult is what checking a code found.
type FactorResult struct {
	OK          bool      // accepted: VerifiedAt is now
	Locked      bool      // too many wrong codes: none is checked before LockedUntil
	LockedUntil time.Time // when Locked
	Left        int       // wrong codes left before the lock, when neither
}

// FactorCheck checks a code against a stored factor: it returns the
// newest time step whose code it is, and false when it is no code of the
// window checked. The store refuses a step at or before f.LastStep (a code
// is accepted once). reseal, when not nil, is the secret sealed anew (under
// the current key after a rotation) to store in place of f.Secret.
type FactorCheck func(f SecondFactor) (step int64, ok bool, reseal []byte)
