package sigv4

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestParseCredentialParts: the allocation-free cut of a Credential into
// its five parts accepts and splits exactly what strings.Split does.
func TestParseCredentialParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	pieces := []string{"/", "/", "AKID", "20260101", "us-east-1", "s3", Terminator, "", "x"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		c, err := ParseCredential(s)
		parts := strings.Split(s, "/")
		if len(parts) != 5 {
			if !errors.Is(err, ErrMalformedAuthorization) {
				t.Fatalf("%q: %d parts accepted: %+v", s, len(parts), c)
			}
			continue
		}
		if err != nil {
			continue // rejected for a part's content
		}
		if c.AccessKeyID != parts[0] || c.Date != parts[1] || c.Region != parts[2] || c.Service != parts[3] || parts[4] != Terminator {
			t.Fatalf("%q: parsed %+v", s, c)
		}
	}
}
