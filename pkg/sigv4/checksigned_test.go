package sigv4

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkSignedByCopy is checkSigned as written before it lowered names on
// the stack: each x-amz-* name through strings.ToLower.
func checkSignedByCopy(h http.Header, signed []string, presigned bool) []string {
	var missing []string
	for name := range h {
		if len(name) < 6 || !strings.EqualFold(name[:6], "x-amz-") {
			continue
		}
		l := strings.ToLower(name)
		if unsignedAllowed[l] && !(presigned && l == "x-amz-decoded-content-length") || !presigned && l == "x-amz-date" {
			continue
		}
		if _, ok := slices.BinarySearch(signed, l); !ok {
			missing = append(missing, l)
		}
	}
	slices.Sort(missing)
	return slices.Compact(missing)
}

// TestCheckSignedNames: checkSigned finds the same unsigned headers as a
// lower-case copy of each name would, for canonical, lower-case, mixed,
// long (past its 64-byte buffer) and non-ASCII names, signed or not, in
// both kinds of request, and costs no allocation when all are signed.
func TestCheckSignedNames(t *testing.T) {
	long := "X-Amz-Meta-" + strings.Repeat("Ab", 40)
	names := []string{"X-Amz-Date", "x-amz-date", "X-Amz-Content-Sha256", "X-Amz-Decoded-Content-Length",
		"X-AMZ-ACL", "x-amz-copy-source", "X-Amz-Meta-K", "X-Amz-Cf-Id", long, "X-Amz-Meta-\u212a",
		"X-Amz-Meta-\u00c9t\u00c9", "X-Amz-", "Content-Type", "Host", "X-Amz-Server-Side-Encryption-Customer-Key"}
	signedSets := [][]string{
		nil,
		{"host", "x-amz-date"},
		{"host", "x-amz-acl", "x-amz-content-sha256", "x-amz-copy-source", "x-amz-date"},
		normalizeSignedHeaders([]string{strings.ToLower(long), "x-amz-meta-\u212a", "x-amz-meta-k", "x-amz-meta-\u00e9t\u00e9", "x-amz-"}),
	}
	for mask := range 1 << 6 {
		h := http.Header{}
		for i, n := range names {
			if mask>>(i%6)&1 == 1 || i%3 == 0 {
				h[n] = []string{"v"}
			}
		}
		for _, signed := range signedSets {
			for _, presigned := range []bool{false, true} {
				r := &http.Request{Header: h}
				want := checkSignedByCopy(h, signed, presigned)
				err := checkSigned(r, signed, presigned)
				if want == nil {
					require.NoError(t, err, "mask %d signed %q presigned %v", mask, signed, presigned)
					continue
				}
				var hns *HeadersNotSignedError
				require.ErrorAs(t, err, &hns, "mask %d signed %q presigned %v", mask, signed, presigned)
				require.Equal(t, want, hns.Headers, "mask %d signed %q presigned %v", mask, signed, presigned)
			}
		}
	}
	if testing.Short() {
		return // allocation counts differ under -race
	}
	r := &http.Request{Header: http.Header{"X-Amz-Date": {"d"}, "X-Amz-Content-Sha256": {"UNSIGNED-PAYLOAD"}, "X-Amz-Acl": {"private"}, "Host": {"h"}}}
	signed := []string{"host", "x-amz-acl", "x-amz-content-sha256", "x-amz-date"}
	require.Zero(t, testing.AllocsPerRun(100, func() {
		if err := checkSigned(r, signed, false); err != nil {
			t.Fatal(err)
		}
	}))
}
