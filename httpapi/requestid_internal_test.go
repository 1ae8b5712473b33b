package httpapi

import (
	"regexp"
	"testing"
)

// TestNewRequestID pins each dialect's request id: upper-case hex of its
// number of random bytes (S3 16 characters, OSS 24, Sina 32), fresh each
// time, and every digit in use.
func TestNewRequestID(t *testing.T) {
	for _, tc := range []struct {
		d    *dialect
		want *regexp.Regexp
	}{
		{s3, regexp.MustCompile(`^[0-9A-F]{16}$`)},
		{oss, regexp.MustCompile(`^[0-9A-F]{24}$`)},
		{sina, regexp.MustCompile(`^[0-9A-F]{32}$`)},
	} {
		seen := map[string]bool{}
		digits := map[rune]bool{}
		for range 200 {
			id := tc.d.newRequestID()
			if !tc.want.MatchString(id) {
				t.Fatalf("%s: request id %q, want %s", tc.d.name, id, tc.want)
			}
			if seen[id] {
				t.Fatalf("%s: request id %q twice", tc.d.name, id)
			}
			seen[id] = true
			for _, c := range id {
				digits[c] = true
			}
		}
		if len(digits) != 16 {
			t.Errorf("%s: %d distinct digits in 200 ids, want all 16", tc.d.name, len(digits))
		}
	}
}
