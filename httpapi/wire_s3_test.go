package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestS3BucketNameDotDash: a dot next to a hyphen is not a valid bucket
// name (S3 bucket naming rules: "must not contain .- or -.").
func TestS3BucketNameDotDash(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, name := range []string{"ab.-cd", "ab-.cd"} {
		r := f.do(t, raw{method: "PUT", path: "/" + name})
		require.Equal(t, 400, r.StatusCode, name)
		require.Equal(t, "InvalidBucketName", r.errCode(), name)
	}
}

// TestS3EmptyContentMD5: a Content-MD5 header that is present but empty is
// InvalidDigest (errors.md), not "no digest".
func TestS3EmptyContentMD5(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/md5"}).errOrNil())
	r := f.do(t, raw{method: "PUT", path: "/md5/k", header: hdr("Content-MD5", ""), body: []byte("data")})
	require.Equal(t, 400, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidDigest", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/md5/k"})
	require.Equal(t, 404, r.StatusCode)
}
