package httpapi_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestSec32SinaOperationsHonourBucketPolicy: Sina's own operations
// (GET ?meta of a bucket or an object, PUT ?meta, PUT ?relax) had no
// policy action, so a bucket policy's Deny never applied to them: a
// caller the policy refused s3:GetObject or s3:PutObject read an object's
// metadata, rewrote it, or wrote an object through them, where the same
// caller's S3 or OSS request was refused. Each is decided as the
// operation it is (GetBucketAcl, GetObject, PutObject).
func TestSec32SinaOperationsHonourBucketPolicy(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	r := f.do(t, raw{method: "PUT", path: "/sdeny", header: hdr("X-Amz-Acl", "public-read-write")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sdeny?acl", header: hdr("X-Amz-Grant-Read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"",
		"X-Amz-Grant-Write", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", "X-Amz-Grant-Read-Acp", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sdeny/k", body: []byte("secret"), header: hdr("X-Amz-Acl", "public-read")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	// The other user holds content of their own, for Relax.
	r = f.do(t, raw{method: "PUT", path: "/sown", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	content := []byte("the other user's own bytes")
	r = f.do(t, raw{method: "PUT", path: "/sown/c", sign: "sina", ak: otherAK, sk: otherSK, body: content})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	sum := sha1.Sum(content)
	relax := hdr("S-Sina-Sha1", hex.EncodeToString(sum[:]), "S-Sina-Length", strconv.Itoa(len(content)))

	// Before the policy, the grants let the other user do each.
	for _, q := range []raw{
		{method: "GET", path: "/sdeny?meta"},
		{method: "GET", path: "/sdeny/k?meta"},
		{method: "PUT", path: "/sdeny/k?meta", header: hdr("X-Amz-Meta-A", "1")},
		{method: "PUT", path: "/sdeny/r?relax", header: relax},
	} {
		q.sign, q.ak, q.sk = "sina", otherAK, otherSK
		r = f.do(t, q)
		require.Equal(t, http.StatusOK, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
	}

	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject","s3:GetBucketAcl"],` +
		`"Resource":["arn:aws:s3:::sdeny","arn:aws:s3:::sdeny/*"]}]}`
	r = f.do(t, raw{method: "PUT", path: "/sdeny?policy", body: []byte(pol)})
	require.Equal(t, http.StatusNoContent, r.StatusCode, "%s", r.body)

	// S3 refuses the other user, and so does every Sina operation.
	r = f.do(t, raw{method: "GET", path: "/sdeny/k", ak: otherAK, sk: otherSK})
	require.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	for _, q := range []raw{
		{method: "GET", path: "/sdeny?meta"},
		{method: "GET", path: "/sdeny/k?meta"},
		{method: "PUT", path: "/sdeny/k?meta", header: hdr("X-Amz-Meta-A", "2")},
		{method: "PUT", path: "/sdeny/r2?relax", header: relax},
	} {
		q.sign, q.ak, q.sk = "sina", otherAK, otherSK
		r = f.do(t, q)
		require.Equal(t, http.StatusForbidden, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
	}
	// Nothing was changed or written.
	info, err := f.eng.HeadObject(ctx, "sdeny", "k")
	require.NoError(t, err)
	require.Equal(t, "1", info.User["a"])
	_, err = f.eng.HeadObject(ctx, "sdeny", "r2")
	require.ErrorIs(t, err, engine.ErrNoSuchKey)
}

// TestSec32ResponseOverridesHeaderSafe: a response-* value is written as
// a response header; net/http turns only line breaks into spaces, so a
// signed `?response-expires=%00` (or a DEL) went out in the header and
// Go's client refused the whole answer ("malformed MIME header line").
// Such a value is refused with InvalidArgument naming the parameter, in
// every dialect, and S3 also refuses a character outside ISO-8859-1, as
// it answers (guardian/grid#1716: "Header value cannot be represented
// using ISO-8859-1."). Latin-1 letters and tabs still go through, and
// OSS keeps taking any other character.
func TestSec32ResponseOverridesHeaderSafe(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/rover"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/rover/o", body: []byte("x")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	for _, c := range []struct {
		sign, query, msg string
	}{
		{"v4", "response-expires=%00", "Header value cannot contain control characters."},
		{"v4", "response-content-type=text/html%7F", "Header value cannot contain control characters."},
		{"v4", "response-content-disposition=attachment%3B%20filename%3D%22D%E2%80%99Arcy.jpg%22", "Header value cannot be represented using ISO-8859-1."},
		{"oss-v1", "response-cache-control=no-cache%01", "Header value cannot contain control characters."},
		{"sina", "response-content-language=en%1B", "Header value cannot contain control characters."},
	} {
		r := f.do(t, raw{method: "GET", path: "/rover/o?" + c.query, sign: c.sign})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s %s: %s", c.sign, c.query, r.body)
		require.Contains(t, string(r.body), "InvalidArgument", c.query)
		require.Contains(t, string(r.body), c.msg, c.query)
		name, _, _ := strings.Cut(c.query, "=")
		require.Contains(t, string(r.body), name, "the parameter is named")
	}

	r = f.do(t, raw{method: "GET", path: "/rover/o?response-content-disposition=attachment%3B%09filename%3D%22caf%C3%A9.txt%22"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	require.Equal(t, "attachment;\tfilename=\"café.txt\"", r.Header.Get("Content-Disposition"))
	r = f.do(t, raw{method: "GET", path: "/rover/o?response-content-disposition=attachment%3B%20filename%3D%22%E4%B8%AD.txt%22", sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	require.Equal(t, "attachment; filename=\"中.txt\"", r.Header.Get("Content-Disposition"))
}

// TestSec32ACLConditionEveryDialect: a policy's condition on the canned
// ACL of a write names one header, S3's x-amz-acl or OSS's
// x-oss-object-acl, and the key was looked up as that name's suffix in
// the request's dialect: x-amz-acl became x-oss-acl in an OSS request,
// whose object ACL is x-oss-object-acl, and x-oss-object-acl became
// x-amz-object-acl in an S3 one. A Deny of public-read writes held for
// the dialect the policy was written in only: the same caller made a
// public-read object through the other. The key now reads the ACL
// header of the request's own dialect.
func TestSec32ACLConditionEveryDialect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, c := range []struct {
		bucket, policySign, doc string
	}{
		{"s3cond", "v4", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:PutObject","s3:PutObjectAcl"],` +
			`"Resource":"arn:aws:s3:::s3cond/*","Condition":{"StringEquals":{"s3:x-amz-acl":["public-read","public-read-write"]}}}]}`},
		{"osscond", "oss-v1", `{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*"],"Action":["oss:PutObject","oss:PutObjectAcl"],` +
			`"Resource":["acs:oss:*:*:osscond/*"],"Condition":{"StringEquals":{"oss:x-oss-object-acl":["public-read","public-read-write"]}}}]}`},
	} {
		r := f.do(t, raw{method: "PUT", path: "/" + c.bucket, header: hdr("X-Amz-Acl", "public-read-write")})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		r = f.do(t, raw{method: "PUT", path: "/" + c.bucket + "?policy", sign: c.policySign, body: []byte(c.doc)})
		require.Less(t, r.StatusCode, 300, "%s: %s", c.bucket, r.body)

		for _, w := range []struct {
			sign, header string
		}{{"v4", "X-Amz-Acl"}, {"oss-v1", "X-Oss-Object-Acl"}, {"sina", "X-Amz-Acl"}} {
			key := "/" + c.bucket + "/" + w.sign
			// Without an ACL the write is the grant's.
			r = f.do(t, raw{method: "PUT", path: key, sign: w.sign, ak: otherAK, sk: otherSK, body: []byte("x")})
			require.Equal(t, http.StatusOK, r.StatusCode, "%s %s: %s", c.bucket, w.sign, r.body)
			// With a public one the policy refuses it, whichever dialect.
			r = f.do(t, raw{method: "PUT", path: key + "-pub", sign: w.sign, ak: otherAK, sk: otherSK, body: []byte("x"), header: hdr(w.header, "public-read")})
			require.Equal(t, http.StatusForbidden, r.StatusCode, "%s policy, %s write: %s", c.bucket, w.sign, r.body)
			r = f.do(t, raw{method: "PUT", path: key + "?acl", sign: w.sign, ak: otherAK, sk: otherSK, header: hdr(w.header, "public-read")})
			require.Equal(t, http.StatusForbidden, r.StatusCode, "%s policy, %s acl: %s", c.bucket, w.sign, r.body)
		}
		r = f.do(t, raw{method: "GET", path: "/" + c.bucket + "/oss-v1-pub"})
		require.Equal(t, http.StatusNotFound, r.StatusCode, "nothing was written")
	}
}
