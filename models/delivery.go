package models

import "fmt"

// Delivery limits and codes.
const (
	maxDeliveryKey   = 191 // deliveries.key
	maxDeliveryShort = 16  // kind, period, status

	// MaxErrorCode is the longest LastError, in bytes.
	MaxErrorCode = 64

	// ErrCodeLeaseExpired is the LastError of a delivery whose sender
	// died (or stalled) while sending it: its status is StatusUncertain.
	ErrCodeLeaseExpired = "lease_expired"
)

// StatusClaimed is a delivery a sender has taken but not begun to send:
// when its lease runs out (the sender died first) it is pending again and
// is sent by the next sender, since it cannot have arrived. Only when the
// sender marks it StatusSending, just before the send, is it counted as
// an attempt, and only then does a lease that runs out make it
// StatusUncertain.
const StatusClaimed = "claimed"

// Validate checks a delivery to record: a key of 1-191 bytes, a
// recipient, a known kind, a period and error code that fit their
// columns, and no status but pending. Errors wrap ErrInvalid.
func (d Delivery) Validate() error {
	switch {
	case d.Key == "" || len(d.Key) > maxDeliveryKey:
		return fmt.Errorf("key: %w", ErrInvalid)
	case d.Recipient == 0:
		return fmt.Errorf("recipient: %w", ErrInvalid)
	case d.Kind != DeliveryReminder && d.Kind != DeliveryDigest && d.Kind != DeliveryAdminDigest:
		return fmt.Errorf("kind: %w", ErrInvalid)
	case len(d.Period) > maxDeliveryShort:
		return fmt.Errorf("period: %w", ErrInvalid)
	case d.Status != "" && d.Status != StatusPending:
		return fmt.Errorf("status: %w", ErrInvalid)
	case len(d.LastError) > MaxErrorCode:
		return fmt.Errorf("last error: %w", ErrInvalid)
	}
	return nil
}
