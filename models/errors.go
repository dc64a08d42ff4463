package models

import "errors"

// ErrNotFound reports that a record does not exist, has expired, or lies
// outside the viewer's scope; callers cannot tell these apart on purpose.
var ErrNotFound = errors.New("not found")

// ErrStale reports a lost compare-and-set: the stored version changed
// since it was read (conversation state, a visit edited concurrently, a
// delivery no longer being sent) or a deadlock outlived its retries. The
// caller may retry on fresh data.
var ErrStale = errors.New("stale")

// ErrDuplicate reports that the thing exists already: a unique key is
// taken (a registered user, a recorded decision number, a member of that
// name in the unit, a sanction lifted already, an idempotency key used by
// another visit). Retrying cannot help.
var ErrDuplicate = errors.New("duplicate")

// ErrAmbiguous reports that a name matches several records.
var ErrAmbiguous = errors.New("ambiguous")

// ErrUnavailable reports a store that could not be reached or stopped
// answering; nothing was changed, and the caller may try again later.
var ErrUnavailable = errors.New("store unavailable")
