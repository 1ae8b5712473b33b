package sigv4

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCheckSignedIsNotQuadratic: each x-amz-* header was looked for in
// SignedHeaders by a scan, before the signature is checked (no key
// needed): 40,000 headers against 100,000 signed names were two billion
// comparisons. It is a binary search of the sorted list.
func TestCheckSignedIsNotQuadratic(t *testing.T) {
	signed := make([]string, 100000)
	for i := range signed {
		signed[i] = fmt.Sprintf("x-amz-a%06d", i)
	}
	r := httptest.NewRequest("GET", "/b/k", nil)
	for i := range 40000 {
		r.Header.Set(fmt.Sprintf("X-Amz-A%06d", 99999-i), "1")
	}
	start := time.Now()
	require.NoError(t, checkSigned(r, normalizeSignedHeaders(signed), true))
	require.Less(t, time.Since(start), time.Second)
	r.Header.Set("X-Amz-Acl", "public-read")
	var hns *HeadersNotSignedError
	require.ErrorAs(t, checkSigned(r, normalizeSignedHeaders(signed), true), &hns)
	require.Equal(t, []string{"x-amz-acl"}, hns.Headers)
}
