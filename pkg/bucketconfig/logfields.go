package bucketconfig

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLogFields is the most request headers and query parameters, together,
// a bucket's user-defined log fields may name (OSS: 6).
const MaxLogFields = 6

// MaxLogFieldBytes is how many bytes of names and values, together, one
// request's user-defined log fields carry; the rest is cut (OSS: 1,024).
const MaxLogFieldBytes = 1024

// LogFields is OSS's user-defined log fields of a bucket
// (?userDefinedLogFieldsConfig): the request headers and query parameters
// each request's log record carries in its user_defined_log_fields field.
type LogFields struct {
	// Headers are request header names, as put (matched without regard
	// to case).
	Headers []string `json:"headers,omitempty"`
	// Params are query parameter names, as put (matched exactly).
	Params []string `json:"params,omitempty"`
}

// Kind implements Config.
func (*LogFields) Kind() Kind { return KindLogFields }

// Validate implements Config: 1 to MaxLogFields names in all; a header
// name is printable ASCII (33 to 126) without '_' or ':', a parameter name
// is non-empty UTF-8; each name at most MaxLogFieldBytes bytes.
func (c *LogFields) Validate() error {
	switch n := len(c.Headers) + len(c.Params); {
	case n == 0:
		return fmt.Errorf("%w: user-defined log fields name no header and no parameter", ErrInvalid)
	case n > MaxLogFields:
		return fmt.Errorf("%w: %d user-defined log fields, at most %d headers and parameters together", ErrInvalid, n, MaxLogFields)
	}
	for _, h := range c.Headers {
		if h == "" || len(h) > MaxLogFieldBytes || strings.ContainsAny(h, "_:") {
			return fmt.Errorf("%w: log field header %q: a header name is printable ASCII without '_' or ':'", ErrInvalid, h)
		}
		for i := 0; i < len(h); i++ {
			if h[i] < 33 || h[i] > 126 {
				return fmt.Errorf("%w: log field header %q: a header name is printable ASCII without '_' or ':'", ErrInvalid, h)
			}
		}
	}
	for _, p := range c.Params {
		if p == "" || len(p) > MaxLogFieldBytes || !utf8.ValidString(p) {
			return fmt.Errorf("%w: log field parameter %q must be 1 to %d bytes of UTF-8", ErrInvalid, p, MaxLogFieldBytes)
		}
	}
	return nil
}
