package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/require"
)

// TestSubresourcesNeverFallThrough sends every sub-resource each dialect
// knows, with every method, to a bucket, an object and a missing bucket:
// whatever the answer, the object stays byte-identical, the bucket stays,
// and nothing is created. A sub-resource no route serves is refused with
// 501 or 405, never served by the plain operation (PUT ?retention used to
// overwrite the object with the request's XML).
func TestSubresourcesNeverFallThrough(t *testing.T) {
	for _, dialect := range []struct{ name, sign string }{{"s3", "v4"}, {"oss", "oss-v4"}} {
		t.Run(dialect.name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{})
			ctx := context.Background()
			owner := "" // seeded through the engine: owned by every principal
			require.NoError(t, f.eng.CreateBucket(ctx, "sub", engine.BucketOptions{Owner: owner}))
			original := []byte("original bytes")
			_, err := f.eng.PutObject(ctx, "sub", "k", bytes.NewReader(original), int64(len(original)), engine.PutOptions{})
			require.NoError(t, err)
			before, err := f.eng.HeadObject(ctx, "sub", "k")
			require.NoError(t, err)

			names := httpapi.Subresources(dialect.name)
			require.NotEmpty(t, names)
			body := []byte(`<?xml version="1.0" encoding="UTF-8"?><Retention><Mode>GOVERNANCE</Mode></Retention>`)
			sum := md5.Sum(body)
			for _, name := range names {
				for _, method := range []string{http.MethodPut, http.MethodGet, http.MethodPost, http.MethodDelete} {
					for _, path := range []string{"/sub/k", "/sub", "/missing-bkt", "/missing-bkt/k"} {
						if dialect.name == "oss" && name == "objectMeta" && method == http.MethodGet && path == "/sub/k" {
							continue // GetObjectMeta, which declares the object's size and sends no body (TestOss2GetObjectMetaByGET)
						}
						h := hdr("Content-Md5", b64(sum[:]), "Content-Type", "application/xml")
						r := f.do(t, raw{method: method, path: path + "?" + name + "=", header: h, body: body, sign: dialect.sign})
						if r.StatusCode/100 == 2 {
							// Only operations that exist may succeed: the
							// router must have named one.
							require.NotEqual(t, "PutObject", lastOp(f), "%s %s?%s", method, path, name)
							require.NotEqual(t, "CreateBucket", lastOp(f), "%s %s?%s", method, path, name)
							require.NotEqual(t, "DeleteBucket", lastOp(f), "%s %s?%s", method, path, name)
							require.NotEqual(t, "DeleteObject", lastOp(f), "%s %s?%s", method, path, name)
						}
						if lastOp(f) == "Unknown" {
							want := []int{http.StatusNotImplemented, http.StatusMethodNotAllowed}
							if method == http.MethodGet && (name == "uploads" || name == "versions") && strings.Count(path, "/") == 2 {
								want = append(want, http.StatusBadRequest) // S3's listing of a key
							}
							if strings.HasPrefix(path, "/missing-bkt") {
								want = append(want, http.StatusNotFound) // reported before the 501
							}
							require.Contains(t, want, r.StatusCode, "%s %s?%s: %s", method, path, name, r.body)
						}
					}
				}
				obj, err := f.eng.GetObject(ctx, "sub", "k", engine.GetOptions{})
				require.NoError(t, err, "after ?%s", name)
				var got bytes.Buffer
				_, err = got.ReadFrom(obj)
				obj.Close()
				require.NoError(t, err)
				require.Equal(t, original, got.Bytes(), "object changed by ?%s", name)
				require.Equal(t, before.ETag, obj.Info.ETag, "object changed by ?%s", name)
				_, err = f.eng.Bucket(ctx, "missing-bkt")
				require.ErrorIs(t, err, engine.ErrNoSuchBucket, "bucket created by ?%s", name)
			}
			_, err = f.eng.Bucket(ctx, "sub")
			require.NoError(t, err)
		})
	}
}

// TestRetentionDoesNotOverwrite is the reported case: PUT ?retention on an
// existing object, which S3 serves as PutObjectRetention, must not store
// the request's XML as the object.
func TestRetentionDoesNotOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "ret", engine.BucketOptions{}))
	r := f.do(t, raw{method: "PUT", path: "/ret/obj", body: []byte("payload")})
	require.Equal(t, 200, r.StatusCode, string(r.body))
	body := []byte(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>`)
	r = f.do(t, raw{method: "PUT", path: "/ret/obj?retention", body: body})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body)) // no Object Lock on the bucket
	r = f.do(t, raw{method: "GET", path: "/ret/obj"})
	require.Equal(t, "payload", string(r.body))
	r = f.do(t, raw{method: "PUT", path: "/newbucket?accessmonitor", body: body, sign: "oss-v4"})
	require.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
	_, err := f.eng.Bucket(context.Background(), "newbucket")
	require.ErrorIs(t, err, engine.ErrNoSuchBucket)
}

// TestUnimplementedAfterAuth: a request for an operation osslite does
// not implement is answered 501 only once its signature is good and its
// bucket exists; otherwise it gets the error it would get for any
// operation (the OSS SDK's suite checks both orders).
func TestUnimplementedAfterAuth(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "unimpl", engine.BucketOptions{}))
	for _, sign := range []string{"v4", "oss-v4", "oss-v1"} {
		r := f.do(t, raw{method: "GET", path: "/unimpl?requesterQosInfo", sign: sign})
		require.Equal(t, http.StatusNotImplemented, r.StatusCode, "%s: %s", sign, r.body)
		r = f.do(t, raw{method: "GET", path: "/nope-bucket?requesterQosInfo", sign: sign})
		require.Equal(t, http.StatusNotFound, r.StatusCode, "%s: %s", sign, r.body)
		require.Equal(t, "NoSuchBucket", r.errCode())
		r = f.do(t, raw{method: "GET", path: "/unimpl?requesterQosInfo", sign: sign, ak: testAK, sk: "wrong-secret"})
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s: %s", sign, r.body)
	}
	// Signature v1 does not cover ?accessmonitor (nor do the SDKs sign
	// it): the operation is served all the same, not refused with 403.
	am, err := f.ossV1(t, testAK, testSK).GetBucketAccessMonitor("unimpl")
	require.NoError(t, err)
	require.Equal(t, "Disabled", am.Status)
}

// lastOp is the operation of the last request the fixture served.
func lastOp(f *fixture) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.records) == 0 {
		return ""
	}
	return f.records[len(f.records)-1].Operation
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
