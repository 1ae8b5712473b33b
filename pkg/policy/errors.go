package policy

import "errors"

// ErrMalformed is wrapped by every error about a policy's content.
var ErrMalformed = errors.New("policy: malformed policy")

// ErrTooLarge is returned for a document over MaxDocument bytes.
var ErrTooLarge = errors.New("policy: policy document too large")

// MalformedError is a policy the service would refuse; Reason is the
// service's message ("Policy has invalid resource").
type MalformedError struct{ Reason string }

func (e *MalformedError) Error() string { return "policy: malformed policy: " + e.Reason }

// Unwrap makes errors.Is(err, ErrMalformed) true.
func (e *MalformedError) Unwrap() error { return ErrMalformed }

func malformed(reason string) error { return &MalformedError{Reason: reason} }
