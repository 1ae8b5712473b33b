package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/require"
)

// TestPresignedContentSHA256Enforced: a presigned URL that signs
// X-Amz-Content-Sha256 only accepts that body (it used to store any).
func TestPresignedContentSHA256Enforced(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "psha", engine.BucketOptions{}))
	good := []byte("the signed body")
	sum := sha256.Sum256(good)
	presign := func() *http.Request {
		req, err := http.NewRequest("PUT", f.srv.URL+"/psha/obj?X-Amz-Content-Sha256="+hex.EncodeToString(sum[:]), nil)
		require.NoError(t, err)
		_, err = sigv4.Presign(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
		require.NoError(t, err)
		return req
	}
	for _, tc := range []struct {
		body   []byte
		status int
		code   string
	}{
		{[]byte("a different body"), 400, "XAmzContentSHA256Mismatch"},
		{good, 200, ""},
	} {
		req := presign()
		req.Body, req.ContentLength = httpBody(tc.body), int64(len(tc.body))
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		require.Equal(t, tc.status, resp.StatusCode, b.String())
		if tc.code != "" {
			require.Contains(t, b.String(), "<Code>"+tc.code+"</Code>")
			_, err := f.eng.HeadObject(context.Background(), "psha", "obj")
			require.ErrorIs(t, err, engine.ErrNoSuchKey, "the mismatching body was stored")
		}
	}
	r := f.do(t, raw{method: "GET", path: "/psha/obj"})
	require.Equal(t, good, r.body)
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
