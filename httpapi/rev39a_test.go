package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/osslite/osslite/pkg/ssig"
)

// TestRev39aInProcessLowerCaseAuthorization: a request handed to
// ServeHTTP in the same process with its Authorization under a name not in
// canonical form ("authorization") is the request the wire would carry:
// its dialect is read from the canonical header. The dialect was chosen
// before the names were canonicalized (a78de3a), from a header without
// Authorization: an OSS or Sina signature went to the S3 dialect (the
// fixture's host names none) and was refused there.
func TestRev39aInProcessLowerCaseAuthorization(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/lowauth"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/lowauth/k", body: []byte("body")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	now := f.clock.Now()
	for _, c := range []struct {
		scheme string
		sign   func(*http.Request)
	}{
		{"sigv4", func(req *http.Request) {
			_, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", now, sigv4.UnsignedPayload)
			require.NoError(t, err)
		}},
		{"sigv2", func(req *http.Request) {
			sigv4.SignRequestV2(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", now)
		}},
		{"oss-v1", func(req *http.Request) {
			ossauth.SignRequestV1(req, ossauth.Resource{Bucket: "lowauth", Key: "k"}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, now)
		}},
		{"oss-v4", func(req *http.Request) {
			ossauth.SignRequestV4(req, ossauth.Resource{Bucket: "lowauth", Key: "k"}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, now, ossauth.V4Options{Region: "cn-hangzhou"})
		}},
		{"sina", func(req *http.Request) {
			req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
			ssig.SignRequest(req, ssig.Resource{Bucket: "lowauth", EscapedKey: "k"}, testAK, testSK, now)
		}},
	} {
		req := httptest.NewRequest("GET", "/lowauth/k", http.NoBody)
		req.Host = strings.TrimPrefix(f.srv.URL, "http://")
		c.sign(req)
		lowerNames(req.Header, "Authorization")
		rec := httptest.NewRecorder()
		f.srv.Config.Handler.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", c.scheme, rec.Body)
		require.Equal(t, "body", rec.Body.String(), c.scheme)
	}
}
