package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestRev35PolicyReadOfMissingKey: a caller a bucket policy allows
// s3:GetObject learns that a key is missing (404 NoSuchKey) only when it
// may also list the bucket (s3:ListBucket, or a bucket READ grant);
// otherwise S3 answers 403 AccessDenied (GetObject and HeadObject API
// pages: "If you don't have the s3:ListBucket permission, Amazon S3
// returns an HTTP status code 403 Access Denied error"). The ACL path
// already did so; a policy's Allow answered 404 to anyone, telling a
// caller who may not list which keys exist.
func TestRev35PolicyReadOfMissingKey(t *testing.T) {
	srv := fake.New(t)
	eng := srv.Engine()
	ctx := context.Background()
	const bucket = "polmiss"
	require.NoError(t, eng.CreateBucket(ctx, bucket, engine.BucketOptions{Owner: srv.Owner()}))
	_, err := eng.PutObject(ctx, bucket, "there", strings.NewReader("x"), 1, engine.PutOptions{Owner: srv.Owner()})
	require.NoError(t, err)
	getObject := `{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::` + bucket + `/*"}`
	listBucket := `{"Effect":"Allow","Principal":"*","Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::` + bucket + `"}`
	setPolicy := func(statements ...string) {
		doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
		require.NoError(t, eng.SetBucketConfig(ctx, bucket, &bucketconfig.Policy{Language: "aws", Document: doc}))
	}
	status := func(method, key string) (int, string) {
		req, err := http.NewRequest(method, srv.URL+"/"+bucket+"/"+key, nil)
		require.NoError(t, err)
		resp, err := srv.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}

	setPolicy(getObject)
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		code, _ := status(m, "there")
		require.Equal(t, http.StatusOK, code, m)
		code, body := status(m, "missing")
		require.Equal(t, http.StatusForbidden, code, "%s of a missing key without s3:ListBucket", m)
		if m == http.MethodGet {
			require.Contains(t, body, "<Code>AccessDenied</Code>")
		}
	}

	setPolicy(getObject, listBucket)
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		code, body := status(m, "missing")
		require.Equal(t, http.StatusNotFound, code, "%s of a missing key with s3:ListBucket", m)
		if m == http.MethodGet {
			require.Contains(t, body, "<Code>NoSuchKey</Code>")
		}
	}

	// A bucket READ grant lets its grantee list: it learns the key is
	// missing, as without the policy.
	setPolicy(getObject)
	require.NoError(t, eng.SetBucketACL(ctx, bucket, engine.ACL{Canned: "public-read"}))
	code, _ := status(http.MethodGet, "missing")
	require.Equal(t, http.StatusNotFound, code, "GET of a missing key with a bucket READ grant")
}

// TestRev35BucketOwnerCopiesOverWritersObject: a copy that copies
// annotations decides s3:PutObjectAnnotation on the copy it writes,
// which the copier owns. The bucket owner's copy of its own annotated
// object onto a key holding an object another account wrote was
// refused (403) as if it changed the annotations of the object it
// replaces, while its PutObject over that key, or its copy to a new
// key, was allowed.
func TestRev35BucketOwnerCopiesOverWritersObject(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/rev35cp", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/rev35cp/src", body: []byte("mine")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/rev35cp/src?annotation&annotationName=label", body: []byte("cat")}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/rev35cp/k", header: hdr("X-Amz-Acl", "private"), body: []byte("the writer's")})).errOrNil())

	resp := f.do(t, raw{method: "PUT", path: "/rev35cp/k", header: hdr("X-Amz-Copy-Source", "/rev35cp/src")})
	require.Equal(t, http.StatusOK, resp.StatusCode, "the bucket owner copies over another account's object")
	got := f.do(t, raw{method: "GET", path: "/rev35cp/k?annotation&annotationName=label"})
	require.Equal(t, http.StatusOK, got.StatusCode, "the copy and its annotations are the bucket owner's")
	require.Equal(t, "cat", string(got.body))

	// The writer, which may write but holds no s3:PutObjectAnnotation,
	// still copies annotations nowhere.
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/rev35cp/w", body: []byte("w")})).errOrNil())
	require.Equal(t, http.StatusForbidden, f.do(t, sec34Other(raw{method: "PUT", path: "/rev35cp/w",
		header: hdr("X-Amz-Copy-Source", "/rev35cp/src")})).StatusCode)
}
