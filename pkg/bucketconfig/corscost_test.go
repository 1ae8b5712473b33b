package bucketconfig

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCORSManyHeadersAreLinear: a preflight's requested headers were each
// checked against every allowed header of a rule in turn; half a million
// names against a 64 KB document's 1,900 names, each found last, was a
// billion comparisons (4.7 s) for one request. They are now looked up.
func TestCORSManyHeadersAreLinear(t *testing.T) {
	var allowed []string
	for i := range 1900 {
		allowed = append(allowed, fmt.Sprintf("h%04d", i))
	}
	allowed = append(allowed, "x")
	c := &CORS{Rules: []CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: allowed}}}
	requested := strings.Split(strings.Repeat("X,", 500000)+"h0042", ",")
	start := time.Now()
	_, ok := c.Match("https://example.com", "GET", requested)
	require.True(t, ok)
	require.Less(t, time.Since(start), 2*time.Second)
}

// TestCORSManyHeadersAgree: the lookup answers as checking each pair does.
func TestCORSManyHeadersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	names := []string{"a", "A", "b", "ab", "x-amz-date", "X-Amz-Meta-K", "k", "\u212a", "é", "É"}
	pats := append(append([]string(nil), names...), "*", "x-amz-*", "*b", "A*", "\u212a*")
	pick := func(set []string) []string {
		out := make([]string, 1+rng.IntN(20))
		for i := range out {
			out[i] = set[rng.IntN(len(set))]
		}
		return out
	}
	for range 20000 {
		r := CORSRule{AllowedHeaders: pick(pats)}
		hs := pick(names)
		want := true
		for _, h := range hs {
			want = want && r.allowsHeader(h)
		}
		require.Equal(t, want, r.allowsManyHeaders(hs), "%q against %q", hs, r.AllowedHeaders)
	}
}
