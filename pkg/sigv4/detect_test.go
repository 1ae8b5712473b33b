package sigv4

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDetect: the method a request's Authorization header and query name,
// with and without a query (a request without one builds no map of it),
// and encoded parameter names read as decoded.
func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		auth, query string
		want        Method
		err         error
	}{
		{"", "", MethodNone, nil},
		{"", "acl", MethodNone, nil},
		{"", "X-Amz-Algorithm=AWS4-HMAC-SHA256", MethodV4Query, nil},
		{"", "X-Amz-Credential=a", MethodV4Query, nil},
		{"", "x=1&X-Amz-Signature=a", MethodV4Query, nil},
		{"", "X%2DAmz-Signature=a", MethodV4Query, nil},
		{"", "x-amz-signature=a", MethodNone, nil},
		{"", "AWSAccessKeyId=a", MethodV2Query, nil},
		{"", "Signature=a&Expires=1", MethodV2Query, nil},
		{"", "Signature=a", MethodNone, nil},
		{"AWS4-HMAC-SHA256 Credential=a", "", MethodV4Header, nil},
		{"AWS4-HMAC-SHA256 Credential=a", "uploads", MethodV4Header, nil},
		{"AWS a:b", "", MethodV2Header, nil},
		{"AWS a:b", "X-Amz-Signature=a", MethodNone, ErrMultipleAuth},
		{"AWS4-ECDSA-P256-SHA256 Credential=a", "", MethodNone, ErrUnsupportedAlgorithm},
	} {
		r := &http.Request{URL: &url.URL{Path: "/b/k", RawQuery: tc.query}, Header: http.Header{}}
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		m, err := Detect(r)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, "%q %q", tc.auth, tc.query)
			continue
		}
		require.NoError(t, err, "%q %q", tc.auth, tc.query)
		require.Equal(t, tc.want, m, "%q %q", tc.auth, tc.query)
	}
	r := &http.Request{URL: &url.URL{Path: "/b/k"}, Header: http.Header{"Authorization": {"AWS4-HMAC-SHA256 Credential=a"}}}
	if !testing.Short() {
		require.Zero(t, testing.AllocsPerRun(100, func() { _, _ = Detect(r) }))
	}
}
