package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
)

// v2Sign returns the SigV2 Authorization of a GET on resource (the
// CanonicalizedResource as the client computes it) at the Date or
// x-amz-date value date.
func v2Sign(method, dateLine, amzHeaders, resource string) string {
	sts := method + "\n\n\n" + dateLine + "\n" + amzHeaders + resource
	return "AWS " + testAK + ":" + sigv4.SignatureV2(testSK, sts)
}

// TestSigV2BucketResource checks bucket-level SigV2 requests signed the
// way botocore (HmacV1Auth: resource /bucket/, path /bucket) and s3cmd
// (resource and path /bucket/) sign them, path style and virtual-hosted.
func TestSigV2BucketResource(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "vtwo")
	date := f.clock.Now().UTC().Format(http.TimeFormat)
	tests := []struct {
		name, method, path, host, resource string
		status                             int
	}{
		{"ListObjects path /b signed /b/", "GET", "/vtwo", "", "/vtwo/", 200},
		{"ListObjects path /b/ signed /b/", "GET", "/vtwo/", "", "/vtwo/", 200},
		{"ListObjects path /b signed /b", "GET", "/vtwo", "", "/vtwo", 200},
		{"ListObjects path /b/ signed /b", "GET", "/vtwo/", "", "/vtwo", 200},
		{"GetBucketAcl path /b signed /b/", "GET", "/vtwo?acl", "", "/vtwo/?acl", 200},
		{"HeadBucket path /b signed /b/", "HEAD", "/vtwo", "", "/vtwo/", 200},
		{"ListObjects vhost signed /b/", "GET", "/", "vtwo.localhost", "/vtwo/", 200},
		{"ListObjects vhost signed /b", "GET", "/", "vtwo.localhost", "/vtwo", 200},
		{"CreateBucket path /b signed /b/", "PUT", "/vtwo-new", "", "/vtwo-new/", 200},
		{"DeleteBucket path /b signed /b/", "DELETE", "/vtwo-new", "", "/vtwo-new/", 204},
		{"wrong bucket", "GET", "/vtwo", "", "/other/", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(t, raw{method: tt.method, path: tt.path, host: tt.host, sign: "keep",
				header: hdr("Date", date, "Authorization", v2Sign(tt.method, date, "", tt.resource))})
			assert.Equal(t, tt.status, r.StatusCode, "%s", r.body)
		})
	}
}

// TestSigV2DateAndAmzDate checks a SigV2 request carrying both Date and
// x-amz-date: the Date line of the string to sign is empty and x-amz-date,
// listed among the amz headers, is the request time.
func TestSigV2DateAndAmzDate(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "vtwo")
	now := f.clock.Now().UTC()
	stale := now.Add(-time.Hour).Format(http.TimeFormat)
	for _, amz := range []string{
		now.Format(http.TimeFormat),
		now.Format("Mon, 02 Jan 2006 15:04:05 -0700"),
		now.Format("Mon, 02 Jan 2006 15:04:05 UTC"),
		now.Format(sigv4.TimeFormat),
	} {
		r := f.do(t, raw{method: "GET", path: "/vtwo/", sign: "keep", header: hdr(
			"Date", stale, "X-Amz-Date", amz,
			"Authorization", v2Sign("GET", "", "x-amz-date:"+amz+"\n", "/vtwo/"))})
		assert.Equal(t, 200, r.StatusCode, "x-amz-date %q: %s", amz, r.body)
	}
}
