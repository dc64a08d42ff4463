package handlers

import "context"

// Observer hears what the App does with an update, for metrics (package
// metrics implements it; bot/ passes it the update's context). Its
// methods must be quick and safe for concurrent use.
type Observer interface {
	// UpdateFailed: handling the update of ctx failed and the user got
	// the apology.
	UpdateFailed(ctx context.Context)
	// StateConflict: another replica changed the chat's state between
	// this update's load and save (a lost compare-and-set); the update is
	// tried again on fresh state, or fails after three tries.
	StateConflict(ctx context.Context)
}

// noObserver is the Observer of Options without one.
type noObserver struct{}

func (noObserver) UpdateFailed(context.Context)  {}
func (noObserver) StateConflict(context.Context) {}
