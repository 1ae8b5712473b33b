package bucketconfig

import "fmt"

// Object Lock default retention limits (S3).
const (
	MaxObjectLockDays  = 36500
	MaxObjectLockYears = 100
)

// ObjectLock is a bucket's Object Lock configuration: Object Lock is
// enabled, and new versions get the default retention when Mode is set
// (for Days or Years after their creation, exactly one of them set).
type ObjectLock struct {
	// Mode is "GOVERNANCE", "COMPLIANCE" or "" (no default retention).
	Mode  string `json:"mode,omitempty"`
	Days  int    `json:"days,omitempty"`
	Years int    `json:"years,omitempty"`
}

// Kind implements Config.
func (*ObjectLock) Kind() Kind { return KindObjectLock }

// Validate implements Config.
func (o *ObjectLock) Validate() error {
	switch o.Mode {
	case "":
		if o.Days != 0 || o.Years != 0 {
			return fmt.Errorf("%w: a default retention period needs a mode", ErrInvalid)
		}
		return nil
	case "GOVERNANCE", "COMPLIANCE":
	default:
		return fmt.Errorf("%w: object lock mode %q", ErrInvalid, o.Mode)
	}
	switch {
	case (o.Days == 0) == (o.Years == 0):
		return fmt.Errorf("%w: a default retention sets exactly one of Days and Years", ErrInvalid)
	case o.Days < 0 || o.Years < 0:
		return fmt.Errorf("%w: a default retention period must be positive", ErrInvalid)
	case o.Days > MaxObjectLockDays || o.Years > MaxObjectLockYears:
		return fmt.Errorf("%w: default retention longer than %d days (%d years)", ErrInvalid, MaxObjectLockDays, MaxObjectLockYears)
	}
	return nil
}
