package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBucketReadGrantAcrossDialects: a bucket's READ grant means what the
// dialect that set it means. Set through S3 it lists the bucket and opens
// no object, so an object written without an ACL of its own stays private
// to OSS readers too (the thirty-second security review: an anonymous GET
// carrying X-Oss-Date, which makes it an OSS request, read what the same
// GET in S3 was refused). Set through OSS, objects without their own ACL
// follow it, as OSS documents.
func TestBucketReadGrantAcrossDialects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	anonOSS := func(path string) int {
		return f.do(t, raw{method: "GET", path: path, sign: "anon", header: http.Header{"X-Oss-Date": {"x"}}}).StatusCode
	}
	otherOSS := func(path string) int {
		return f.do(t, raw{method: "GET", path: path, sign: "oss-v1", ak: otherAK, sk: otherSK}).StatusCode
	}

	// Through S3: public-read bucket, object without an ACL.
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3", header: http.Header{"X-Amz-Acl": {"public-read"}}}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3/k", body: []byte("secret")}).errOrNil())
	assert.Equal(t, http.StatusForbidden, f.do(t, raw{method: "GET", path: "/grant-s3/k", sign: "anon"}).StatusCode)
	assert.Equal(t, http.StatusForbidden, anonOSS("/grant-s3/k"), "an S3 bucket's READ opens no object to OSS readers")
	assert.Equal(t, http.StatusForbidden, otherOSS("/grant-s3/k"))
	assert.Equal(t, http.StatusOK, f.do(t, raw{method: "GET", path: "/grant-s3", sign: "anon"}).StatusCode, "it still lists the bucket")
	// An object made public on its own is public in every dialect.
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3/pub", body: []byte("open"), header: http.Header{"X-Amz-Acl": {"public-read"}}}).errOrNil())
	assert.Equal(t, http.StatusOK, anonOSS("/grant-s3/pub"))

	// The same through S3's PutBucketAcl of a private bucket.
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3b"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3b/k", body: []byte("secret")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3b?acl", header: http.Header{"X-Amz-Acl": {"public-read"}}}).errOrNil())
	assert.Equal(t, http.StatusForbidden, anonOSS("/grant-s3b/k"))

	// Through OSS: objects without their own ACL follow the bucket.
	must(t, f.do(t, raw{method: "PUT", path: "/grant-oss", sign: "oss-v1", header: http.Header{"X-Oss-Acl": {"public-read"}}}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/grant-oss/k", sign: "oss-v1", body: []byte("shared")}).errOrNil())
	assert.Equal(t, http.StatusOK, anonOSS("/grant-oss/k"), "OSS: the object follows its bucket's ACL")
	assert.Equal(t, http.StatusOK, otherOSS("/grant-oss/k"))
	assert.Equal(t, http.StatusForbidden, f.do(t, raw{method: "GET", path: "/grant-oss/k", sign: "anon"}).StatusCode, "S3 readers: an object without an ACL is private")

	// An OSS PutBucketAcl of the S3 bucket says OSS's meaning.
	must(t, f.do(t, raw{method: "PUT", path: "/grant-s3b?acl", sign: "oss-v1", header: http.Header{"X-Oss-Acl": {"public-read"}}}).errOrNil())
	assert.Equal(t, http.StatusOK, anonOSS("/grant-s3b/k"))
}
